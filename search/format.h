/* format.h: evsearch's output for people.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_SEARCH_FORMAT_H
#define EVS_SEARCH_FORMAT_H

#include <stdio.h>

#include "evsearch.h"

/* Prints res as text: a heading, the hits, then the top facet values.
 * color: use ANSI bold and dim; width: wrap lines at this many columns (0:
 * do not wrap); occurrences: list every matching occurrence of recurring
 * events; facet_limit: values shown per facet (0: a default for each,
 * SIZE_MAX: all). Returns 0, or -1 when writing failed. */
int format_text(FILE *out, const evs_results *res, const char *query, int color,
                size_t width, int occurrences, size_t facet_limit);

/* Formats an event's dates for people: "25 May 2022, 13:00-14:00
 * UTC+02:00", "28 Feb - 11 Mar 2022". start and end are the record's
 * ISO 8601 strings (end may be NULL). */
void format_dates(char *out, size_t cap, const char *start, const char *end);

#endif
