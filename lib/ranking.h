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

/* A free-text word that is also a word of a participant's name adds that
 * participant term with this weight: a surname typed most likely means
 * that speaker's talk, not one that mentions the name. Chosen on the
 * development schedules of scripts/known-item (docs/ranking.md): 1 took
 * surnames from 0.563 to 0.607, 3 to 0.613 but titles down 0.007. */
#define EVS_PEOPLE_BOOST 1.0
/* The same for a word of the title (0: none): it lowered CISI's MAP at
 * every weight tried (0.2300 to 0.2281 at 0.25, 0.2105 at 1), so only the
 * title that has every word counts (EVS_TITLE_ALL_BOOST). */
#define EVS_TITLE_BOOST 0.0
/* Events whose title has every word of a query of two words or more,
 * over EVS_EVERY_WORD_BOOST (docs/ranking.md, "Titles"): chosen on the
 * development schedules of scripts/known-item from 0, 0.3, 1, 3 and 10
 * (titles 0.823, 0.897, 0.903, 0.903, 0.903; misspelt 0.820, 0.883,
 * 0.880, 0.877, 0.873); no change on CISI, whose questions are long. */
#define EVS_TITLE_ALL_BOOST 1.0
/* Pseudo-relevance feedback, on unless EVS_SEARCH_NO_EXPAND: the
 * EVS_FB_TERMS best words of the top EVS_FB_DOCS matches by DFR's Bo1,
 * the query's own words among them, each weighing up to EVS_FB_WEIGHT
 * times a query word; chosen by 5-fold cross-validation on CISI
 * (docs/ranking.md, "Feedback"). */
#define EVS_FB_DOCS 10
#define EVS_FB_TERMS 20
#define EVS_FB_WEIGHT 4.0
/* Feedback reorders queries of at least this many words (stopwords not
 * counted): on the known-item queries of 2-3 words it lowered "year"
 * from 0.263 to 0.140 (development schedules), so short queries, which
 * name what they look for, keep the order of their own words. */
#define EVS_FB_MIN_WORDS 4

void evs_ranking__defaults(evs_ranking *r);

/* The settings of idx (its own, or the defaults). */
const evs_ranking *evs_ranking__of(const struct evs_index *idx,
                                   evs_ranking *tmp);

/* Parses "name=value ..." settings over the defaults into *out (names:
 * scheme=bm25|bm25plus|dlh|dph|pl2|lm, k1, b, param, stopwords=0|1,
 * near, window, fbdocs, fbterms, fbweight, fbbo1=0|1, fbq=0|1, people,
 * title,
 * titleall). Returns 0, or -1
 * with a message in err (errlen bytes). */
int evs_ranking__parse(evs_ranking *out, const char *spec, char *err,
                       size_t errlen);

/* Sets the ranking of idx for its later searches (r NULL: defaults). */
void evs_ranking__set(struct evs_index *idx, const evs_ranking *r);

/* Fills the weighting fields of sp. */
void evs_ranking__params(const evs_ranking *r, xs_search_params *sp);

/* Fills the feedback fields of sp (xs_search_params.fb_*): the settings
 * fb_* of r, stopwords never chosen. */
void evs_ranking__feedback(const evs_ranking *r, xs_search_params *sp);

/* Whether a normalised word (len bytes) is a stopword: an English,
 * German, French or Dutch function word that is not also an English
 * content word ("die", "war", "son", "door" and the like are kept). */
int evs_ranking__stopword(const char *w, size_t len);

/* The stopword table, sorted (for tests). */
extern const char *const evs_ranking__stopwords[];
extern const size_t evs_ranking__nstopwords;

/* *q OR the term of the word w under prefix weighted k, when k > 0 and
 * the index has that term (one term-frequency read); *q is left alone
 * otherwise. On failure *q may be NULL (freed). */
evs_status evs_ranking__field_word(struct evs_index *idx, const char *prefix,
                                   const char *w, double k, xs_query **q);

/* The title boost of the free-text words w[0..n) of a query: the AND of
 * their title terms, weighted r->title_all times EVS_EVERY_WORD_BOOST
 * (the weight of the words in the events that have them all). *out is NULL when there is
 * nothing to boost (fewer than two words, or the weight is 0). */
evs_status evs_ranking__title_all(struct evs_index *idx, const evs_ranking *r,
                                  char *const *w, size_t n, xs_query **out);

/* The proximity boost of the free-text words w[0..n) of a query: the
 * documents where two successive words stand within r->window positions
 * (in the plain terms or in one field's), weighted r->near. *out is NULL
 * when there is nothing to boost. */
evs_status evs_ranking__near(struct evs_index *idx, const evs_ranking *r,
                             char *const *w, size_t n, xs_query **out);


#endif
