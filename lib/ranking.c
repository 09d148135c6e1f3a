/* ranking.c: ranking settings, stopwords, proximity and feedback (see
 * ranking.h; measurements in docs/ranking.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "ranking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"
#include "schema.h"

/* Word pairs a proximity boost looks at: the first ones of a long query
 * (each pair costs a positional check of the documents with both). */
#define MAX_NEAR_PAIRS 16

void evs_ranking__defaults(evs_ranking *r)
{
	memset(r, 0, sizeof *r);
	r->set = 1;
	r->scheme = XS_SCHEME_BM25;
	r->k1 = EVS_BM25_K1;
	r->b = EVS_BM25_B;
	r->param = 0.0;
	r->stopwords = 1;
	r->near = 0.0;
	r->window = 8;
	r->fb_docs = EVS_FB_DOCS;
	r->fb_terms = EVS_FB_TERMS;
	r->fb_weight = EVS_FB_WEIGHT;
	r->fb_bo1 = 1;
	r->fb_qterms = 1;
	r->people = EVS_PEOPLE_BOOST;
	r->title = EVS_TITLE_BOOST;
	r->title_all = EVS_TITLE_ALL_BOOST;
}

const evs_ranking *evs_ranking__of(const evs_index *idx, evs_ranking *tmp)
{
	if (idx->ranking.set)
		return &idx->ranking;
	evs_ranking__defaults(tmp);
	return tmp;
}

void evs_ranking__set(evs_index *idx, const evs_ranking *r)
{
	if (r)
		idx->ranking = *r;
	else
		evs_ranking__defaults(&idx->ranking);
	idx->ranking.set = 1;
}

static int parse_scheme(const char *v, xs_scheme *out)
{
	static const char *const names[] = {"bm25", "bm25plus", "dlh",
	                                    "dph",  "pl2",      "lm"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = (xs_scheme)i;
			return 0;
		}
	return -1;
}

/* One "name=value" setting into r. Returns 0 or -1. */
static int parse_one(evs_ranking *r, const char *name, const char *v)
{
	char *end;
	if (strcmp(name, "scheme") == 0)
		return parse_scheme(v, &r->scheme);
	double d = strtod(v, &end);
	if (end == v || *end || d < 0)
		return -1;
	if (strcmp(name, "k1") == 0)
		r->k1 = d;
	else if (strcmp(name, "b") == 0)
		r->b = d;
	else if (strcmp(name, "param") == 0)
		r->param = d;
	else if (strcmp(name, "stopwords") == 0)
		r->stopwords = d != 0;
	else if (strcmp(name, "near") == 0)
		r->near = d;
	else if (strcmp(name, "window") == 0 && d >= 2 && d <= 1000)
		r->window = (unsigned)d;
	else if (strcmp(name, "fbdocs") == 0 && d >= 1 && d <= 1000)
		r->fb_docs = (unsigned)d;
	else if (strcmp(name, "fbterms") == 0 && d <= 1000)
		r->fb_terms = (unsigned)d;
	else if (strcmp(name, "fbweight") == 0)
		r->fb_weight = d;
	else if (strcmp(name, "fbbo1") == 0)
		r->fb_bo1 = d != 0;
	else if (strcmp(name, "fbq") == 0)
		r->fb_qterms = d != 0;
	else if (strcmp(name, "people") == 0)
		r->people = d;
	else if (strcmp(name, "title") == 0)
		r->title = d;
	else if (strcmp(name, "titleall") == 0)
		r->title_all = d;
	else
		return -1;
	return 0;
}

int evs_ranking__parse(evs_ranking *out, const char *spec, char *err,
                       size_t errlen)
{
	evs_ranking__defaults(out);
	const char *s = spec;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " ");
		if (n == 0)
			break;
		char item[64], *eq;
		if (n >= sizeof item || !(eq = memchr(s, '=', n))) {
			snprintf(err, errlen, "\"%.*s\": expected name=value", (int)n, s);
			return -1;
		}
		memcpy(item, s, n);
		item[n] = '\0';
		item[eq - s] = '\0';
		if (parse_one(out, item, item + (eq - s) + 1) < 0) {
			snprintf(err, errlen, "\"%.*s\": unknown setting or bad value",
			         (int)n, s);
			return -1;
		}
		s += n;
	}
	return 0;
}

void evs_ranking__params(const evs_ranking *r, xs_search_params *sp)
{
	sp->bm25_k1 = r->k1;
	sp->bm25_b = r->b;
	sp->scheme = r->scheme;
	sp->scheme_param[0] = r->param;
}

void evs_ranking__feedback(const evs_ranking *r, xs_search_params *sp)
{
	sp->fb_docs = r->fb_docs;
	sp->fb_terms = r->fb_terms;
	sp->fb_weight = r->fb_weight;
	sp->fb_flags = (r->fb_bo1 ? XS_FB_BO1 : 0u) |
	               (r->fb_qterms ? XS_FB_QUERY_TERMS : 0u);
	sp->fb_skip = evs_ranking__stopword;
}

/* Function words of English and of the other languages of the shared
 * schedules (German, French, Dutch), as the normaliser leaves them
 * (folded, without accents: "uber", "etre"). Left out on purpose: words
 * that are also English content words or names ("die", "war", "man",
 * "hat", "den", "son", "est", "ai", "door", "want", "van", "men", "op"),
 * English modal verbs that are nouns too ("can", "may", "will"), and
 * words that carry meaning in a title ("same", "few", "own",
 * "further"). The table is sorted (strcmp), for bsearch. */
const char *const evs_ranking__stopwords[] = {
    "a",        "aan",     "aber",    "about",      "above",      "after",
    "again",    "against", "all",     "alle",       "allem",      "allen",
    "aller",    "alles",   "als",     "also",       "altijd",     "am",
    "an",       "and",     "andere",  "anderem",    "anderen",    "anderer",
    "anderes",  "any",     "are",     "as",         "at",         "au",
    "auch",     "auf",     "aus",     "aux",        "avec",       "be",
    "because",  "been",    "before",  "bei",        "being",      "below",
    "between",  "bij",     "bis",     "bist",       "both",       "but",
    "by",       "ce",      "ces",     "could",      "da",         "daar",
    "damit",    "dan",     "dann",    "dans",       "das",        "dass",
    "dat",      "de",      "dein",    "deine",      "dem",        "der",
    "des",      "deze",    "dich",    "did",        "dir",        "dit",
    "do",       "doch",    "doen",    "does",       "doing",      "dort",
    "down",     "du",      "durch",   "during",     "dus",        "each",
    "een",      "eens",    "ein",     "eine",       "einem",      "einen",
    "einer",    "eines",   "elle",    "elles",      "en",         "er",
    "es",       "et",      "etaient", "etait",      "ete",        "etes",
    "etre",     "etwas",   "euch",    "euer",       "eure",       "eux",
    "for",      "from",    "geen",    "gegen",      "geweest",    "gewesen",
    "haar",     "habe",    "haben",   "had",        "has",        "hatte",
    "hatten",   "have",    "having",  "he",         "hebben",     "heeft",
    "her",      "here",    "hers",    "herself",    "het",        "hier",
    "hij",      "him",     "himself", "his",        "hoe",        "how",
    "hun",      "i",       "ich",     "iemand",     "iets",       "if",
    "ihm",      "ihn",     "ihnen",   "ihr",        "ihre",       "ihrem",
    "ihren",    "ihrer",   "ihres",   "ik",         "il",         "ils",
    "im",       "in",      "indem",   "ins",        "into",       "is",
    "ist",      "it",      "its",     "itself",     "je",         "jede",
    "jedem",    "jeden",   "jeder",   "jedes",      "jene",       "jenem",
    "jenen",    "jener",   "jenes",   "jetzt",      "kann",       "konnen",
    "kunnen",   "la",      "le",      "les",        "leur",       "leurs",
    "lui",      "ma",      "maar",    "mais",       "me",         "meer",
    "mein",     "meine",   "meinem",  "meinen",     "meiner",     "meme",
    "mes",      "met",     "mich",    "mij",        "mijn",       "mir",
    "mit",      "moet",    "moi",     "mon",        "more",       "most",
    "muss",     "my",      "myself",  "naar",       "nach",       "ne",
    "nicht",    "nichts",  "niet",    "niets",      "no",         "noch",
    "nog",      "nor",     "nos",     "not",        "notre",      "nous",
    "nu",       "nun",     "nur",     "ob",         "oder",       "of",
    "off",      "ohne",    "om",      "omdat",      "on",         "once",
    "onder",    "only",    "ons",     "ook",        "or",         "other",
    "ou",       "ought",   "our",     "ours",       "ourselves",  "out",
    "over",     "par",     "pas",     "pour",       "qu",         "que",
    "quel",     "quelle",  "qui",     "reeds",      "sa",         "se",
    "sehr",     "sein",    "seine",   "seinem",     "seinen",     "seiner",
    "ses",      "she",     "should",  "sich",       "sie",        "sind",
    "so",       "soll",    "sollte",  "some",       "sommes",     "sondern",
    "sonst",    "sont",    "such",    "suis",       "sur",        "ta",
    "te",       "tegen",   "tes",     "than",       "that",       "the",
    "their",    "theirs",  "them",    "themselves", "then",       "there",
    "these",    "they",    "this",    "those",      "through",    "to",
    "toch",     "toen",    "toi",     "ton",        "too",        "tu",
    "uber",     "uit",     "um",      "un",         "und",        "under",
    "une",      "uns",     "unser",   "unter",      "until",      "up",
    "uw",       "veel",    "very",    "vom",        "von",        "voor",
    "vor",      "vos",     "votre",   "vous",       "wann",       "waren",
    "warum",    "was",     "wat",     "we",         "weil",       "welche",
    "welchem",  "welchen", "welcher", "welches",    "wenn",       "werd",
    "werde",    "werden",  "were",    "what",       "when",       "where",
    "which",    "while",   "who",     "whom",       "why",        "wie",
    "wieder",   "wij",     "wir",     "wird",       "wirst",      "with",
    "wo",       "worden",  "wordt",   "would",      "wurde",      "wurden",
    "you",      "your",    "yours",   "yourself",   "yourselves", "zal",
    "ze",       "zelf",    "zich",    "zij",        "zijn",       "zo",
    "zonder",   "zou",     "zu",      "zum",        "zur",        "zwar",
    "zwischen",
};
const size_t evs_ranking__nstopwords =
    sizeof evs_ranking__stopwords / sizeof *evs_ranking__stopwords;

static int cmp_word(const void *key, const void *elt)
{
	return strcmp(key, *(const char *const *)elt);
}

int evs_ranking__stopword(const char *w, size_t len)
{
	char buf[16];
	if (len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, w, len);
	buf[len] = '\0';
	return bsearch(buf, evs_ranking__stopwords, evs_ranking__nstopwords,
	               sizeof *evs_ranking__stopwords, cmp_word) != NULL;
}

evs_status evs_ranking__field_word(evs_index *idx, const char *prefix,
                                   const char *w, double k, xs_query **q)
{
	char term[EVS_TERM_BUF];
	uint64_t f = 0;
	xs_query *b = NULL;
	if (k <= 0 || !*q)
		return EVS_OK;
	size_t tl = evs_schema__term(term, prefix, w, strlen(w));
	evs_status st = xs_db_termfreq(idx->db, term, tl, &f, idx->errmsg);
	if (st != EVS_OK || f == 0)
		return st;
	if ((st = xs_query_term(&b, term, tl, 0, idx->errmsg)) != EVS_OK ||
	    (st = xs_query_scale(&b, b, k, idx->errmsg)) != EVS_OK)
		return st;
	xs_query *v[2] = {*q, b};
	*q = NULL;
	return xs_query_combine(q, XS_OP_OR, v, 2, idx->errmsg);
}

/* Two words near each other in the plain terms or in the terms of one
 * free-text field that has a prefix (a field's words keep their positions
 * in its own terms only: see phrase_of() in query.c). */
static evs_status near_pair(evs_index *idx, unsigned window, const char *a,
                            const char *b, xs_query **out)
{
	xs_query *alts[1 + 16];
	size_t na = 0;
	evs_status st = EVS_OK;
	for (size_t k = 0; k <= evs_schema__nfields && na < 1 + 16; k++) {
		const char *prefix = "";
		if (k > 0) {
			const evs_field *f = &evs_schema__fields[k - 1];
			if (!f->wdf || !f->prefix)
				continue;
			prefix = f->prefix;
		}
		xs_query *t[2] = {NULL, NULL};
		const char *w[2] = {a, b};
		for (int i = 0; i < 2 && st == EVS_OK; i++) {
			char term[EVS_TERM_BUF];
			size_t tl = evs_schema__term(term, prefix, w[i], strlen(w[i]));
			st = xs_query_term(&t[i], term, tl, 0, idx->errmsg);
		}
		if (st != EVS_OK) {
			xs_query_free(t[0]);
			xs_query_free(t[1]);
			break;
		}
		if ((st = xs_query_near(&alts[na], t, 2, window, idx->errmsg)) !=
		    EVS_OK)
			break;
		na++;
	}
	if (st == EVS_OK && na)
		return xs_query_combine(out, XS_OP_OR, alts, na, idx->errmsg);
	for (size_t i = 0; i < na; i++)
		xs_query_free(alts[i]);
	return st;
}

evs_status evs_ranking__near(evs_index *idx, const evs_ranking *r,
                             char *const *w, size_t n, xs_query **out)
{
	xs_query *pairs[MAX_NEAR_PAIRS];
	size_t np = 0;
	evs_status st = EVS_OK;
	*out = NULL;
	if (r->near <= 0 || n < 2)
		return EVS_OK;
	for (size_t i = 0; i + 1 < n && np < MAX_NEAR_PAIRS; i++) {
		if ((st = near_pair(idx, r->window, w[i], w[i + 1], &pairs[np])) !=
		    EVS_OK)
			break;
		np++;
	}
	if (st != EVS_OK) {
		for (size_t i = 0; i < np; i++)
			xs_query_free(pairs[i]);
		return st;
	}
	xs_query *all = NULL;
	if ((st = xs_query_combine(&all, XS_OP_OR, pairs, np, idx->errmsg)) !=
	    EVS_OK)
		return st;
	return xs_query_scale(out, all, r->near, idx->errmsg);
}

evs_status evs_ranking__title_all(evs_index *idx, const evs_ranking *r,
                                  char *const *w, size_t n, xs_query **out)
{
	*out = NULL;
	if (r->title_all <= 0 || n < 2)
		return EVS_OK;
	xs_query **t = calloc(n, sizeof *t);
	if (!t)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	evs_status st = EVS_OK;
	size_t nt = 0;
	for (; nt < n && st == EVS_OK; nt++) {
		char term[EVS_TERM_BUF];
		size_t tl = evs_schema__term(term, "S", w[nt], strlen(w[nt]));
		st = xs_query_term(&t[nt], term, tl, 0, idx->errmsg);
	}
	xs_query *all = NULL;
	if (st == EVS_OK)
		st = xs_query_combine(&all, XS_OP_AND, t, n, idx->errmsg);
	else
		for (size_t i = 0; i < nt; i++)
			xs_query_free(t[i]);
	free(t);
	if (st != EVS_OK)
		return st;
	/* Such events are among those with every word, whose words weigh
	 * EVS_EVERY_WORD_BOOST times more (query.c, every_word). */
	return xs_query_scale(out, all, r->title_all * EVS_EVERY_WORD_BOOST,
	                      idx->errmsg);
}
