/* query-dates.h: years (and month names before them, "march 2025")
 * typed among the words of a query.
 *
 * "rust 2025" most likely means a talk on Rust in 2025, not one whose
 * text mentions 2025: the events of that year that match the other words
 * get a boost on top of what the words give them (EVS_YEAR_BOOST times
 * their weight). The year stays a word too, so that events that mention
 * it still match. Only value comparisons of the date slots are used,
 * which remote shards serve as well.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_QUERY_DATES_H
#define EVS_QUERY_DATES_H

#include <stddef.h>

#include "handle.h"

/* The boost of the events of a year typed in the query: the whole
 * query's weight again, times this. */
#define EVS_YEAR_BOOST 1.0
/* The weight of the year as a word, against the other words'. */
#define EVS_YEAR_WORD_SCALE 0.25

/* The year a word of the query means (4 digits, 1900-2099), or 0. */
int evs_query_dates__year(const char *s, size_t n);

/* The month (1-12) an English month name or its abbreviation means
 * ("march", "mar", "sept"; n bytes, folded to lower case), or 0. */
int evs_query_dates__month(const char *s, size_t n);

/* Replaces *q (taken) by *q OR (*q on the events of year, or of its
 * month when month is 1-12, scaled by EVS_YEAR_BOOST). On failure *q is
 * freed and NULL. */
evs_status evs_query_dates__boost(evs_index *idx, int year, int month,
                                  xs_query **q);

#endif
