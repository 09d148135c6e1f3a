/* query.h: evsearch's query language, parsed into a Xapian query.
 * Our own parser, not Xapian's QueryParser: words must go through the same
 * normalisation and compound handling as indexed text, and the work a
 * query may cause is bounded before Xapian sees it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_QUERY_H
#define EVS_QUERY_H

#include <stddef.h>

#include "handle.h"

/* Limits (docs/limits.md). */
#define EVS_MAX_QUERY_BYTES 8192
#define EVS_MAX_QUERY_DEPTH 32
#define EVS_MAX_QUERY_TERMS 256
#define EVS_MAX_WILDCARD 100 /* terms a wildcard expands to, most frequent */
/* Terms the word being typed expands to under EVS_SEARCH_PREFIX: at 100k
 * events, 3 keeps p99 within 2x of a plain query (10 did not; see
 * docs/query-syntax.md, "Search as you type"). */
#define EVS_PREFIX_EXPAND 3

/* What the snippets mark: the stems of the query's positive words and the
 * normalised prefixes of its wildcards. */
typedef struct evs_highlight {
	char **stems;
	size_t nstems, cap;
	char **prefixes;
	size_t nprefixes, pcap;
	/* Spelling (spelling.h): the query with its rare words corrected, or
	 * NULL; whether the query was parsed as corrected (1) or the
	 * correction is only offered (0). */
	char *suggestion;
	int corrected;
	/* A year typed among other words (query-dates.h), or 0; the month
	 * (1-12) named right before it ("march 2025"), or 0. */
	int year;
	int month;
} evs_highlight;

void evs_highlight__dispose(evs_highlight *hl);

/* Parses text (flags: EVS_SEARCH_ALL_WORDS, EVS_SEARCH_PLAIN,
 * EVS_SEARCH_EXACT) into *out. Unless EVS_SEARCH_EXACT, a word with no or
 * few matches and a much more frequent word one edit away is corrected
 * (hl->suggestion); when the word has none or far fewer, the query parsed
 * is the corrected one (hl->corrected).
 * *out is NULL when the text has no words at all. Statuses:
 * EVS_E_QUERY_SYNTAX with a message naming the column, EVS_E_NOMEM. */
evs_status evs_query__parse(evs_index *idx, const char *text, unsigned flags,
                            xs_query **out, evs_highlight *hl);

#endif
