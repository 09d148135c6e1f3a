/* ranking-settings.h: the ranking settings a handle holds (ranking.h
 * says how they are used). Apart from ranking.h so that the handle
 * (handle.h), which ranking.c uses, does not include ranking.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_RANKING_SETTINGS_H
#define EVS_RANKING_SETTINGS_H

#include "xapian-shim.h"

/* Ranking settings. The defaults (evs_ranking__defaults) are the ones
 * chosen by 5-fold cross-validation on CISI; a handle's settings can be
 * changed only by the evaluation harness (tests/ireval-run.c) through
 * evs_ranking__set, to measure the alternatives. */
typedef struct evs_ranking {
	int set; /* 0: the defaults (a new handle) */
	xs_scheme scheme;
	double k1, b;    /* BM25 and BM25+ */
	double param;    /* BM25+ delta, PL2 c, LM mu */
	int stopwords;   /* free-text queries leave stopwords out */
	double near;     /* weight of the proximity boost (0: none) */
	unsigned window; /* positions within which two words are near */
	/* Feedback (EVS_SEARCH_EXPAND): terms of the top fb_docs documents,
	 * fb_terms of them, each weighing up to fb_weight of a query word. */
	unsigned fb_docs, fb_terms;
	double fb_weight;
	int fb_bo1;     /* 1: Bo1 expand weights (0: Xapian's trad) */
	int fb_qterms;  /* 1: the query's terms may be expansion terms too */
	/* A free-text word also as a word of a participant's name (people)
	 * and of the title (title), each such term weighted so (0: none). */
	double people, title;
	/* Events whose title has every free-text word of a query of two
	 * words or more: that AND of title terms, weighted so (0: none). */
	double title_all;
} evs_ranking;

#endif
