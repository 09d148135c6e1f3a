/* results.h: the evs_results handle, shared by search.c (which fills it),
 * snippet.c and results-json.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_RESULTS_H
#define EVS_RESULTS_H

#include <jansson.h>

#include "evsearch.h"
#include "query.h"

typedef struct evs_hit {
	json_t *rec;  /* the stored record */
	char *record; /* ... as compact JSON */
	double score;
	const char *id, *title, *start, *end, *location, *url, *timezone;
	const char **lists[4]; /* evs_list -> item strings */
	size_t nlists[4];
	const char *status;
	/* The occurrences that match the date range (strings in rec). */
	const char **occ_start, **occ_end;
	size_t nocc, next;
	int recurs; /* the record has "occurrences" */
} evs_hit;

/* The number of facets. It is not in evsearch.h, so that adding a facet
 * changes no public constant: programs enumerate facets with
 * evs_facet_name(). */
#define EVS_N_FACETS (EVS_FACET_TOPIC + 1)

typedef struct facet_entry {
	char *value;
	uint64_t count;
} facet_entry;

struct evs_results {
	char *query; /* NULL for a listing */
	unsigned flags;
	char *from, *to;
	/* The date range as local dates "YYYYMMDD" ("" when open), and the
	 * date next occurrences are taken from (from, else today). */
	char lo[9], hi[9], ref[9];
	char **organisers, **tags;
	size_t norganisers, ntags;
	/* The organiser each of organisers was read as, when it matched no
	 * event and one name was closest (names.h); NULL entries otherwise,
	 * and no array when none was. */
	char **organisers_meant;
	const char **organisers_use; /* the filter: meant, else as given */
	evs_sort sort; /* as applied (never DEFAULT) */
	uint64_t total;
	size_t offset, limit;
	evs_hit *hits;
	size_t nhits;
	facet_entry *facets[EVS_N_FACETS];
	size_t nfacets[EVS_N_FACETS];
	evs_highlight hl;
	char *stemmer; /* to stem words of snippets */
	/* The shards of a cluster left out (EVS_OPEN_ALLOW_PARTIAL). */
	char **missing;
	size_t nmissing;
};

/* A snippet of hit i with each match wrapped in open/close; with html,
 * the text is HTML-escaped. Returns NULL when out of memory. */
char *evs_snippet__make(const evs_results *res, size_t i, const char *open,
                        const char *close, int html);

#endif
