/* ranking.h: how evs_search weighs matches beyond the query's terms:
 * the weighting scheme and its parameters, the stopwords that free-text
 * queries leave out, the proximity boost and pseudo-relevance feedback
 * (EVS_SEARCH_EXPAND). docs/ranking.md gives the measurements behind
 * every default.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_RANKING_H
#define EVS_RANKING_H

#include <stddef.h>

#include "ranking-settings.h"
#include "xapian-shim.h"

struct evs_index;

void evs_ranking__defaults(evs_ranking *r);

/* The settings of idx (its own, or the defaults). */
const evs_ranking *evs_ranking__of(const struct evs_index *idx,
                                   evs_ranking *tmp);

/* Parses "name=value ..." settings over the defaults into *out (names:
 * scheme=bm25|bm25plus|dlh|dph|pl2|lm, k1, b, param, stopwords=0|1,
 * near, window, fbdocs, fbterms, fbweight, fbor=0|1). Returns 0, or -1
 * with a message in err (errlen bytes). */
int evs_ranking__parse(evs_ranking *out, const char *spec, char *err,
                       size_t errlen);

/* Sets the ranking of idx for its later searches (r NULL: defaults). */
void evs_ranking__set(struct evs_index *idx, const evs_ranking *r);

/* Fills the weighting fields of sp. */
void evs_ranking__params(const evs_ranking *r, xs_search_params *sp);

/* Whether a normalised word (len bytes) is a stopword: an English,
 * German, French or Dutch function word that is not also an English
 * content word ("die", "war", "son", "door" and the like are kept). */
int evs_ranking__stopword(const char *w, size_t len);

/* The stopword table, sorted (for tests). */
extern const char *const evs_ranking__stopwords[];
extern const size_t evs_ranking__nstopwords;

/* The proximity boost of the free-text words w[0..n) of a query: the
 * documents where two successive words stand within r->window positions
 * (in the plain terms or in one field's), weighted r->near. *out is NULL
 * when there is nothing to boost. */
evs_status evs_ranking__near(struct evs_index *idx, const evs_ranking *r,
                             char *const *w, size_t n, xs_query **out);

/* Pseudo-relevance feedback: *q becomes *q with the best terms of the
 * top documents it finds added (see evs_ranking.fb_*). */
evs_status evs_ranking__expand(struct evs_index *idx, const evs_ranking *r,
                               xs_query **q);

#endif
