/* query.c: the query language (docs/query-syntax.md):
 *
 *   query    := item*                  items join with the default
 *                                      operator (OR; AND with --all)
 *   item     := ['+'] or_expr | 'NOT' or_expr
 *   or_expr  := and_expr ('OR' and_expr)*
 *   and_expr := not_expr ('AND' ['NOT'] not_expr)*
 *   not_expr := primary ('NOT' primary)*
 *   primary  := ['-'] ( '(' query ')' | field ':' (word | phrase |
 *               '(' query ')') | phrase | word['*'] )
 *
 * '+' makes an item required; '-' excludes what it is on: a lone "-a" is
 * excluded from the whole query, "a AND -b" is "a AND NOT b", and "-a
 * AND -b" matches the events with neither.
 *
 * Operators are recognised in capitals only, so "and" stays a word. A
 * boolean field item (tag:, topic:, id:) at the top of a sequence filters,
 * as in Xapian's QueryParser: values of one field OR, fields AND.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "forms.h"
#include "ranking.h"
#include "query-dates.h"
#include "schema.h"
#include "spelling.h"
#include "synonyms.h"
#include "util.h"

typedef enum ttype {
	T_END,
	T_WORD,
	T_PHRASE,
	T_LPAREN,
	T_RPAREN,
	T_AND,
	T_OR,
	T_NOT
} ttype;

typedef struct tok {
	ttype type;
	const char *s; /* word or phrase text */
	size_t n;
	int sign; /* '+', '-' or 0 */
	const evs_query_field *field;
	int wildcard; /* word ended in '*' */
	size_t col;   /* 1-based byte column, for messages */
} tok;

typedef struct parser {
	evs_index *idx;
	const char *s;
	size_t n, i;
	unsigned flags;
	tok cur;
	int have; /* cur holds a token not yet consumed */
	unsigned depth;
	unsigned terms;
	evs_highlight *hl;
	int negated; /* inside an excluded branch: nothing to mark */
	evs_status st;
	/* Ranking (ranking.h): stopwords are left out of this query (it has
	 * other words); inside a required item ('+'), they are kept; the
	 * free-text words of the query, in order, for the proximity boost. */
	const evs_ranking *rk;
	int drop_stops;
	int required;
	/* The word at hand is an operand of an explicit AND or OR: kept.
	 * after_op: the token before it was one. */
	int operand, after_op;
	char **near;
	size_t nnear, near_cap;
	/* The stopwords left out of the top-level sequence: they still count
	 * in the AND of every word (every_word), so that a title given
	 * whole, or its beginning, still ranks its event first. */
	xs_query **stops;
	size_t nstops, stops_cap;
	uint64_t freq; /* events the last stem_query's forms are in, at most */
	/* Corrections (spelling.h): where in the text, and the word. */
	struct fix {
		size_t off, len;
		char word[EVS_MAX_WORD + 1];
	} fixes[16];
	size_t nfixes;
	int apply; /* a fix is to be applied, not only offered */
	int nofix; /* the word is a side of a synonym rule: no correction */
} parser;

/* A parsed piece: the query and, for a bare boolean field item, its
 * field (so that a sequence can filter by it). */
typedef struct node {
	xs_query *q;
	const evs_query_field *filter;
	int neg;  /* "-x" as an operand of AND, OR or NOT: x excluded */
	int year; /* a year typed among words (query-dates.h) */
} node;

static evs_status fail(parser *p, evs_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static evs_status fail(parser *p, evs_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->idx->errmsg, sizeof p->idx->errmsg, fmt, ap);
	va_end(ap);
	if (p->st == EVS_OK)
		p->st = st;
	return st;
}

void evs_highlight__dispose(evs_highlight *hl)
{
	for (size_t i = 0; i < hl->nstems; i++)
		free(hl->stems[i]);
	for (size_t i = 0; i < hl->nprefixes; i++)
		free(hl->prefixes[i]);
	free(hl->stems);
	free(hl->prefixes);
	free(hl->suggestion);
	memset(hl, 0, sizeof *hl);
}

static int push(char ***arr, size_t *n, size_t *cap, const char *s, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*arr)[i]) == len && memcmp((*arr)[i], s, len) == 0)
			return 0;
	char **a = evs_util__grow(*arr, cap, *n + 1, sizeof *a, 8);
	if (!a)
		return -1;
	*arr = a;
	char *d = malloc(len + 1);
	if (!d)
		return -1;
	memcpy(d, s, len);
	d[len] = '\0';
	(*arr)[(*n)++] = d;
	return 0;
}

/* ---- lexer ---- */

static int is_space(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned char c = (unsigned char)s[i];
	*len = 1;
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v')
		return 1;
	if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
		*len = 2; /* no-break space */
		return 1;
	}
	if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
	    (unsigned char)s[i + 2] == 0x80) {
		*len = 3; /* ideographic space */
		return 1;
	}
	return 0;
}

/* A quotation mark: '"', U+201C or U+201D. Returns its length or 0. */
static size_t quote_len(const char *s, size_t n, size_t i)
{
	if (s[i] == '"')
		return 1;
	if ((unsigned char)s[i] == 0xE2 && i + 2 < n &&
	    (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0x9C || (unsigned char)s[i + 2] == 0x9D))
		return 3;
	return 0;
}

static int ends_word(const char *s, size_t n, size_t i)
{
	size_t l;
	return i >= n || is_space(s, n, i, &l) || s[i] == '(' || s[i] == ')' ||
	       quote_len(s, n, i);
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static evs_status lex(parser *p, tok *t)
{
	const char *s = p->s;
	size_t n = p->n, l;
	memset(t, 0, sizeof *t);
	while (p->i < n && is_space(s, n, p->i, &l))
		p->i += l;
	t->col = p->i + 1;
	if (p->i >= n) {
		t->type = T_END;
		return EVS_OK;
	}
	int plain = (p->flags & EVS_SEARCH_PLAIN) != 0;
	if (plain) {
		size_t start = p->i;
		while (p->i < n && !is_space(s, n, p->i, &l))
			p->i++;
		t->type = T_WORD;
		t->s = s + start;
		t->n = p->i - start;
		t->wildcard =
		    (p->flags & EVS_SEARCH_PREFIX) && p->i == n && t->n > 1 ? 2 : 0;
		return EVS_OK;
	}
	if ((s[p->i] == '+' || s[p->i] == '-') && !ends_word(s, n, p->i + 1) &&
	    s[p->i + 1] != '+' && s[p->i + 1] != '-') {
		t->sign = s[p->i];
		p->i++;
	} else if ((s[p->i] == '+' || s[p->i] == '-') && p->i + 1 < n &&
	           (s[p->i + 1] == '(' || quote_len(s, n, p->i + 1))) {
		t->sign = s[p->i];
		p->i++;
	}
	if (s[p->i] == '(') {
		p->i++;
		t->type = T_LPAREN;
		return EVS_OK;
	}
	if (s[p->i] == ')') {
		p->i++;
		t->type = T_RPAREN;
		return EVS_OK;
	}
	/* A field name: letters then ':' then something to search. */
	size_t j = p->i;
	while (j < n && is_alpha(s[j]))
		j++;
	if (j > p->i && j < n && s[j] == ':' &&
	    (j + 1 >= n || is_space(s, n, j + 1, &l)) &&
	    evs_schema__query_field(s + p->i, j - p->i))
		return fail(p, EVS_E_QUERY_SYNTAX,
		            "column %zu: \"%.*s:\" needs a word or a phrase after "
		            "it",
		            t->col, (int)(j - p->i), s + p->i);
	if (j > p->i && j < n && s[j] == ':' && j + 1 < n &&
	    !is_space(s, n, j + 1, &l)) {
		const evs_query_field *f = evs_schema__query_field(s + p->i, j - p->i);
		if (f) {
			t->field = f;
			p->i = j + 1;
		} else if (s[j + 1] != '/') {
			/* "http://..." is text; "organizr:x" is a typo. */
			return fail(p, EVS_E_QUERY_SYNTAX,
			            "column %zu: unknown field \"%.*s:\" (fields: "
			            "title, participant, organiser, location, tag, "
			            "topic, id)",
			            t->col, (int)(j - p->i), s + p->i);
		}
	}
	size_t q = quote_len(s, n, p->i);
	if (q) {
		size_t start = p->i + q, k = start;
		while (k < n && !quote_len(s, n, k))
			k++;
		if (k >= n)
			return fail(p, EVS_E_QUERY_SYNTAX,
			            "column %zu: unclosed quotation mark", p->i + 1);
		t->type = T_PHRASE;
		t->s = s + start;
		t->n = k - start;
		p->i = k + quote_len(s, n, k);
		return EVS_OK;
	}
	if (t->field && s[p->i] == '(') {
		p->i++;
		t->type = T_LPAREN;
		return EVS_OK;
	}
	size_t start = p->i;
	while (!ends_word(s, n, p->i))
		p->i++;
	t->type = T_WORD;
	t->s = s + start;
	t->n = p->i - start;
	if (t->n > 1 && t->s[t->n - 1] == '*') {
		t->wildcard = 1;
		t->n--;
	} else if ((p->flags & EVS_SEARCH_PREFIX) && p->i == n && t->n > 1) {
		/* Search as you type: the word being typed is a prefix (2: of
		 * fewer completions than a '*'). */
		t->wildcard = 2;
	}
	if (!t->sign && !t->field && !t->wildcard) {
		if (t->n == 3 && memcmp(t->s, "AND", 3) == 0)
			t->type = T_AND;
		else if (t->n == 2 && memcmp(t->s, "OR", 2) == 0)
			t->type = T_OR;
		else if (t->n == 3 && memcmp(t->s, "NOT", 3) == 0)
			t->type = T_NOT;
	}
	return EVS_OK;
}

static tok *peek(parser *p)
{
	if (!p->have) {
		if (lex(p, &p->cur) != EVS_OK)
			p->cur.type = T_END;
		p->have = 1;
	}
	return &p->cur;
}

static void next(parser *p)
{
	p->have = 0;
}

/* ---- building queries ---- */

static xs_query *term_query(parser *p, const char *prefix, const char *w,
                            size_t len)
{
	char term[EVS_TERM_BUF];
	size_t tl = evs_schema__term(term, prefix, w, len);
	if (++p->terms > EVS_MAX_QUERY_TERMS) {
		fail(p, EVS_E_QUERY_SYNTAX, "the query has more than %d terms",
		     EVS_MAX_QUERY_TERMS);
		return NULL;
	}
	xs_query *q = NULL;
	evs_status st = xs_query_term(&q, term, tl, 0, p->idx->errmsg);
	if (st != EVS_OK)
		p->st = st;
	return q;
}

static xs_query *combine(parser *p, xs_op op, xs_query **subs, size_t n)
{
	if (p->st != EVS_OK) {
		for (size_t i = 0; i < n; i++)
			xs_query_free(subs[i]);
		return NULL;
	}
	if (n == 1 && op != XS_OP_PHRASE)
		return subs[0];
	xs_query *q = NULL;
	evs_status st = xs_query_combine(&q, op, subs, n, p->idx->errmsg);
	if (st != EVS_OK)
		p->st = st;
	return q;
}

static xs_query *combine2(parser *p, xs_op op, xs_query *a, xs_query *b)
{
	xs_query *v[2] = {a, b};
	return combine(p, op, v, 2);
}

/* The forms of a stem under a prefix: their terms and frequencies. */
typedef struct forms {
	parser *p;
	const char *prefix;
	xs_query **q;
	uint64_t *tf;
	size_t n, cap;
} forms;

static int add_form(forms *fs, const char *w, size_t len)
{
	parser *p = fs->p;
	/* Two arrays of one capacity: each grows the same way. */
	size_t qcap = fs->cap, tcap = fs->cap;
	xs_query **a = evs_util__grow(fs->q, &qcap, fs->n + 1, sizeof *a, 8);
	if (a)
		fs->q = a;
	uint64_t *t =
	    a ? evs_util__grow(fs->tf, &tcap, fs->n + 1, sizeof *t, 8) : NULL;
	if (!t) {
		p->st = EVS_E_NOMEM;
		return -1;
	}
	fs->tf = t;
	fs->cap = qcap;
	char term[EVS_TERM_BUF];
	size_t tl = evs_schema__term(term, fs->prefix, w, len);
	evs_status st =
	    xs_db_termfreq(p->idx->db, term, tl, &fs->tf[fs->n], p->idx->errmsg);
	if (st == EVS_OK)
		st = xs_query_term(&fs->q[fs->n], term, tl, 0, p->idx->errmsg);
	if (st != EVS_OK) {
		p->st = st;
		return -1;
	}
	fs->n++;
	return 0;
}

static int on_form(void *ctx, const char *w, size_t len)
{
	return add_form(ctx, w, len);
}

/* The collection frequency of the co-occurrence term of stem under the
 * prefix of fs (forms.h). */
static uint64_t forms_cf(parser *p, forms *fs, const char *stem, size_t sl)
{
	char zp[EVS_FORMS_PREFIX_BUF], co[EVS_TERM_BUF];
	uint64_t cf = 0;
	evs_schema__forms_prefix(zp, fs->prefix);
	size_t cl = evs_schema__term(co, zp, stem, sl);
	evs_status st = xs_db_collfreq(p->idx->db, co, cl, &cf, p->idx->errmsg);
	if (st != EVS_OK)
		p->st = st;
	return cf;
}

/* The synonym of the forms in fs as a tree of synonyms of two
 * (evs_forms__or_step), in a collection of ndocs events. */
static xs_query *synonym_tree(parser *p, forms *fs, double ndocs)
{
	size_t k = fs->n;
	if (k == 0)
		return combine(p, XS_OP_SYNONYM, fs->q, 0);
	while (k > 1 && p->st == EVS_OK) {
		k = evs_forms__or_step(fs->tf, fs->q, sizeof *fs->q, k, ndocs);
		fs->q[k - 1] = combine2(p, XS_OP_SYNONYM, fs->q[k - 1], fs->q[k]);
	}
	if (p->st != EVS_OK) {
		for (size_t i = 0; i < k; i++)
			xs_query_free(fs->q[i]);
		return NULL;
	}
	return fs->q[0];
}

/* The synonym of the forms in fs, weighed as one term in as many events
 * as hold any of them (forms.h): those of stem and, when other is not
 * NULL, of the stem other (an acronym's plural, which has no
 * co-occurrence term with it: their events are counted as apart). */
static xs_query *forms_query(parser *p, forms *fs, const char *stem, size_t sl,
                             const char *other)
{
	double scale = 1.0;
	uint64_t ndocs = 0;
	if (p->st == EVS_OK && fs->n > 1) {
		uint64_t cf = forms_cf(p, fs, stem, sl);
		if (other)
			cf += forms_cf(p, fs, other, strlen(other));
		evs_status st = p->st;
		if (st == EVS_OK)
			st = xs_db_doccount(p->idx->db, &ndocs, p->idx->errmsg);
		if (st != EVS_OK)
			p->st = st;
		else
			scale =
			    evs_forms__scale(fs->tf, fs->n,
			                     evs_forms__events(fs->tf, fs->n, cf), ndocs);
	}
	xs_query *q = synonym_tree(p, fs, (double)ndocs);
	if (q && scale != 1.0) {
		evs_status st = xs_query_scale(&q, q, scale, p->idx->errmsg);
		if (st != EVS_OK) {
			p->st = st;
			q = NULL;
		}
	}
	return q;
}

/* Adds to fs the forms of stem: those filed under it in the synonym
 * table, and the stem itself when it is its own stem. */
static void collect_forms(parser *p, forms *fs, const char *stem, size_t sl)
{
	char again[EVS_MAX_WORD * 2 + 8];
	size_t al = evs_index__stem(p->idx, stem, sl, again, sizeof again);
	if (al == sl && memcmp(again, stem, sl) == 0)
		(void)add_form(fs, stem, sl);
	char key[EVS_TERM_BUF];
	size_t kl = evs_schema__term(key, EVS_PREFIX_FORMS, stem, sl);
	if (p->st == EVS_OK) {
		/* A remote shard serves no synonym table (cluster.h). */
		evs_status st =
		    xs_db_is_remote(p->idx->db)
		        ? evs_cluster__each_form(p->idx, fs->prefix, stem, sl, on_form,
		                                 fs)
		        : xs_db_each_form(p->idx->db, key, kl, on_form, fs,
		                          p->idx->errmsg);
		if (st != EVS_OK && p->st == EVS_OK)
			p->st = st;
	}
}

/* The stem of the other number of an acronym (plurals.md in
 * docs/query-syntax.md): Snowball leaves the "s" of "gpus", "llms" and
 * "vms" alone (no vowel before it but the one right before), so "GPU"
 * and "GPUs" have different stems. For such a word w (stem == w) the
 * singular's stem, for a singular whose "s" plural would be such a word
 * that plural, into out; returns its length, 0 when there is none. */
static size_t plural_partner(parser *p, const char *w, size_t len,
                             const char *stem, size_t sl, char *out, size_t cap)
{
	char c[EVS_MAX_WORD + 2];
	if (len < 2 || len > EVS_MAX_WORD - 1 || cap < len + 2)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9')))
			return 0;
	if (sl != len || memcmp(stem, w, len) != 0)
		return 0;
	if (w[len - 1] == 's') {
		if (len < 3 || w[len - 2] == 's')
			return 0;
		return evs_index__stem(p->idx, w, len - 1, out, cap);
	}
	memcpy(c, w, len);
	c[len] = 's';
	size_t cl = evs_index__stem(p->idx, c, len + 1, out, cap);
	return cl == len + 1 && memcmp(out, c, cl) == 0 ? cl : 0;
}

/* A word under a prefix, stemmed: every word of the index with the same
 * stem, as one term (forms.h): the forms filed under the stem in the
 * synonym table, and the stem itself when it is its own stem; for an
 * acronym, also those of its other number. Without a stemmer, the
 * word. */
static xs_query *stem_query(parser *p, const char *prefix, const char *w,
                            size_t len)
{
	char stem[EVS_MAX_WORD * 2 + 8], other[EVS_MAX_WORD * 2 + 8];
	size_t sl = evs_index__stem(p->idx, w, len, stem, sizeof stem);
	if (!p->negated &&
	    push(&p->hl->stems, &p->hl->nstems, &p->hl->cap, stem, sl) < 0) {
		p->st = EVS_E_NOMEM;
		return NULL;
	}
	if (!p->idx->stem)
		return term_query(p, prefix, w, len);
	if (++p->terms > EVS_MAX_QUERY_TERMS) {
		fail(p, EVS_E_QUERY_SYNTAX, "the query has more than %d terms",
		     EVS_MAX_QUERY_TERMS);
		return NULL;
	}
	forms fs = {p, prefix, NULL, NULL, 0, 0};
	collect_forms(p, &fs, stem, sl);
	size_t ol = plural_partner(p, w, len, stem, sl, other, sizeof other - 1);
	if (ol) {
		size_t before = fs.n;
		other[ol] = '\0';
		collect_forms(p, &fs, other, ol);
		uint64_t found = 0;
		for (size_t i = before; i < fs.n; i++)
			found += fs.tf[i];
		if (found == 0) {
			/* No such word in the index ("status" is no plural). */
			while (fs.n > before)
				xs_query_free(fs.q[--fs.n]);
			ol = 0;
		} else if (!p->negated && push(&p->hl->stems, &p->hl->nstems,
		                               &p->hl->cap, other, ol) < 0)
			p->st = EVS_E_NOMEM;
	}
	/* No form in the index: the word, which matches nothing. */
	if (p->st == EVS_OK && fs.n == 0)
		(void)add_form(&fs, w, len);
	p->freq = 0;
	for (size_t i = 0; i < fs.n; i++)
		p->freq += fs.tf[i];
	xs_query *q = forms_query(p, &fs, stem, sl, ol ? other : NULL);
	free(fs.q);
	free(fs.tf);
	return q;
}

/* Collects the tokens of a word or phrase. */
typedef struct words {
	char **parts;
	size_t n, cap;
	char *joined; /* the joined form of a compound, if any */
	unsigned joins;
} words;

static void words_free(words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->parts[i]);
	free(w->parts);
	free(w->joined);
}

static int on_word(void *ctx, const evs_token *t)
{
	words *w = ctx;
	if (t->partial)
		return 0; /* the whole compound is joined below */
	if (t->back) {
		w->joins++;
		if (!w->joined) {
			w->joined = strndup(t->term, t->len);
			if (!w->joined)
				return -1;
		}
		return 0;
	}
	char **a = evs_util__grow(w->parts, &w->cap, w->n + 1, sizeof *a, 4);
	if (!a)
		return -1;
	w->parts = a;
	w->parts[w->n] = strndup(t->term, t->len);
	if (!w->parts[w->n])
		return -1;
	w->n++;
	return 0;
}

/* A term that does not count against EVS_MAX_QUERY_TERMS: a copy the
 * parser makes of a word the query has once. */
static xs_query *extra_term(parser *p, const char *prefix, const char *w)
{
	char term[EVS_TERM_BUF];
	size_t tl = evs_schema__term(term, prefix, w, strlen(w));
	xs_query *q = NULL;
	if (p->st == EVS_OK &&
	    (p->st = xs_query_term(&q, term, tl, 0, p->idx->errmsg)) != EVS_OK)
		q = NULL;
	return q;
}

/* The phrase of the words of w in the terms of prefix; the terms count
 * against the query's limit when counted. */
static xs_query *phrase_in(parser *p, const char *prefix, words *w, int counted)
{
	xs_query **subs = calloc(w->n, sizeof *subs);
	if (!subs) {
		p->st = EVS_E_NOMEM;
		return NULL;
	}
	for (size_t i = 0; i < w->n; i++) {
		subs[i] = counted
		              ? term_query(p, prefix, w->parts[i], strlen(w->parts[i]))
		              : extra_term(p, prefix, w->parts[i]);
		if (!subs[i]) {
			for (size_t j = 0; j < i; j++)
				xs_query_free(subs[j]);
			free(subs);
			return NULL;
		}
	}
	xs_query *q = combine(p, XS_OP_PHRASE, subs, w->n);
	free(subs);
	return q;
}

/* A phrase under prefix ("" for free text). The words of free-text fields
 * that have a prefix of their own (title, participants, ...) keep their
 * positions in that field's terms only (schema.c), so a free-text phrase
 * is the phrase in the plain terms or in any such field's terms. It
 * weighs what its plain words weigh, as a phrase of plain terms would. */
static xs_query *phrase_of(parser *p, const char *prefix, words *w)
{
	for (size_t i = 0; i < w->n; i++) {
		char stem[EVS_MAX_WORD * 2 + 8];
		size_t sl = evs_index__stem(p->idx, w->parts[i], strlen(w->parts[i]),
		                            stem, sizeof stem);
		if (!p->negated &&
		    push(&p->hl->stems, &p->hl->nstems, &p->hl->cap, stem, sl) < 0)
			p->st = EVS_E_NOMEM;
	}
	if (*prefix)
		return phrase_in(p, prefix, w, 1);
	xs_query *alts[1 + 16];
	size_t na = 0;
	alts[na++] = phrase_in(p, "", w, 1);
	for (size_t k = 0; k < evs_schema__nfields && na < 1 + 16; k++) {
		const evs_field *f = &evs_schema__fields[k];
		if (f->wdf && f->prefix)
			alts[na++] = phrase_in(p, f->prefix, w, 0);
	}
	xs_query **words = calloc(w->n, sizeof *words);
	if (!words) {
		p->st = EVS_E_NOMEM;
		return combine(p, XS_OP_OR, alts, na);
	}
	for (size_t i = 0; i < w->n; i++)
		words[i] = extra_term(p, "", w->parts[i]);
	xs_query *all = combine(p, XS_OP_AND, words, w->n);
	free(words);
	return combine2(p, XS_OP_FILTER, all, combine(p, XS_OP_OR, alts, na));
}

/* Whether a single word is left out of the query: a stopword of a query
 * that has other words, unless required or excluded. A free-text word
 * that is kept is noted for the proximity boost. */
static void keep_stop(parser *p, const char *prefix, const char *w, size_t len)
{
	xs_query **a =
	    evs_util__grow(p->stops, &p->stops_cap, p->nstops + 1, sizeof *a, 8);
	if (!a) {
		p->st = EVS_E_NOMEM;
		return;
	}
	p->stops = a;
	xs_query *q = stem_query(p, prefix, w, len);
	if (q)
		p->stops[p->nstops++] = q;
}

static int skip_word(parser *p, const char *prefix, const char *w)
{
	size_t len = strlen(w);
	if (p->drop_stops && !p->required && !p->negated && !p->operand &&
	    evs_ranking__stopword(w, len)) {
		if (p->depth == 0)
			keep_stop(p, prefix, w, len);
		return 1;
	}
	if (!*prefix && !p->negated &&
	    (p->rk->near > 0 || p->rk->title_all > 0) &&
	    push(&p->near, &p->nnear, &p->near_cap, w, len) < 0)
		p->st = EVS_E_NOMEM;
	return 0;
}

/* Notes a correction of word w (token t, under prefix) when the last
 * stem_query found it rare (spelling.h); nothing is read otherwise. */
static void note_fix(parser *p, const tok *t, const char *prefix, const char *w)
{
	size_t len = strlen(w);
	if ((p->flags & EVS_SEARCH_EXACT) || p->nfixes == 16 || p->nofix ||
	    !evs_spelling__eligible(w, len))
		return;
	uint64_t ndocs = 0;
	evs_spell_level level = EVS_SPELL_NONE;
	struct fix *f = &p->fixes[p->nfixes];
	evs_status st = xs_db_doccount(p->idx->db, &ndocs, p->idx->errmsg);
	if (st == EVS_OK)
		st = evs_spelling__correct(p->idx, prefix, w, len, p->freq, ndocs,
		                           f->word, sizeof f->word, &level);
	if (st != EVS_OK) {
		p->st = st;
		return;
	}
	if (level == EVS_SPELL_NONE)
		return;
	f->off = (size_t)(t->s - p->s);
	f->len = t->n;
	p->nfixes++;
	p->apply |= level == EVS_SPELL_APPLY;
}

/* The text of p with its fixes made, or NULL when out of memory. */
static char *fixed_text(const parser *p)
{
	size_t cap = p->n + 1;
	for (size_t i = 0; i < p->nfixes; i++)
		cap += strlen(p->fixes[i].word);
	char *out = malloc(cap), *o = out;
	if (!out)
		return NULL;
	size_t at = 0;
	for (size_t i = 0; i < p->nfixes; i++) {
		const struct fix *f = &p->fixes[i];
		memcpy(o, p->s + at, f->off - at);
		o += f->off - at;
		size_t wl = strlen(f->word);
		memcpy(o, f->word, wl);
		o += wl;
		at = f->off + f->len;
	}
	memcpy(o, p->s + at, p->n - at);
	o[p->n - at] = '\0';
	return out;
}

/* q (a free-text word w) OR w as a word of a participant's name and of
 * the title, weighted as the ranking says (ranking.h: EVS_PEOPLE_BOOST,
 * EVS_TITLE_BOOST). */
static xs_query *people_boost(parser *p, xs_query *q, const char *w)
{
	if (p->st == EVS_OK)
		p->st = evs_ranking__field_word(p->idx, "XP", w, p->rk->people, &q);
	if (p->st == EVS_OK)
		p->st = evs_ranking__field_word(p->idx, "S", w, p->rk->title, &q);
	return q;
}

/* A word token (or a phrase when phrase != 0) under field f (NULL: free
 * text). */
/* A wildcard may expand to EVS_MAX_WILDCARD terms, but most expand to
 * few: it weighs a quarter of that against the term limit. Returns 0, or
 * -1 after failing the parse when the query has too many terms. */
static int count_wildcard(parser *p)
{
	p->terms += EVS_MAX_WILDCARD / 4;
	if (p->terms <= EVS_MAX_QUERY_TERMS)
		return 0;
	fail(p, EVS_E_QUERY_SYNTAX,
	     "the query has more than %d terms (a wildcard counts as %d)",
	     EVS_MAX_QUERY_TERMS, EVS_MAX_WILDCARD / 4);
	return -1;
}

/* The whole value of a filter field (organiser:"EU Cyber Direct",
 * tag:cyber*, id:...): one exact term, or every term that begins so. */
static node value_node(parser *p, const tok *t, const evs_query_field *f)
{
	node nd = {NULL, NULL, 0, 0};
	evs_buf name = EVS_BUF_INIT;
	if (evs_normalize__name(&p->idx->nz, t->s, t->n, &name) < 0) {
		p->st = EVS_E_NOMEM;
		return nd;
	}
	if (name.len) {
		char term[EVS_MAX_ID_TERM + 1];
		size_t tl;
		if (f->kind == EVS_FIELD_ID) {
			/* Ids are matched as given, not normalised. */
			if (evs_schema__id_term(t->s, t->n, &name) < 0) {
				p->st = EVS_E_NOMEM;
				evs_buf__dispose(&name);
				return nd;
			}
			tl = name.len < sizeof term ? name.len : sizeof term - 1;
			memcpy(term, name.p, tl);
		} else {
			tl = evs_schema__exact_term(term, f->exact_prefix, name.p,
			                            name.len);
		}
		if (t->wildcard && f->kind != EVS_FIELD_ID) {
			/* tag:cyber* : every tag that begins so. */
			term[tl] = '\0';
			evs_status st = EVS_OK;
			if (count_wildcard(p) == 0)
				st = xs_query_wildcard(&nd.q, term, EVS_MAX_WILDCARD,
				                       p->idx->errmsg);
			if (st != EVS_OK)
				p->st = st;
		} else if (++p->terms > EVS_MAX_QUERY_TERMS) {
			fail(p, EVS_E_QUERY_SYNTAX, "the query has more than %d terms",
			     EVS_MAX_QUERY_TERMS);
		} else {
			evs_status st =
			    xs_query_term(&nd.q, term, tl, 0, p->idx->errmsg);
			if (st != EVS_OK)
				p->st = st;
		}
		nd.filter = nd.q ? f : NULL;
	}
	evs_buf__dispose(&name);
	return nd;
}

static node text_node(parser *p, const tok *t, const evs_query_field *f,
                      int phrase)
{
	node nd = {NULL, NULL, 0, 0};
	int after_op = p->after_op;
	p->after_op = 0;
	if (f && evs_schema__whole_value(f))
		return value_node(p, t, f);
	const char *prefix = f ? f->prefix : "";
	words w = {NULL, 0, 0, NULL, 0};
	if (evs_tokenize__text(&p->idx->nz, t->s, t->n, on_word, &w) != 0) {
		p->st = EVS_E_NOMEM;
		goto done;
	}
	if (w.n == 0)
		goto done;
	if (t->wildcard && w.n == 1 && !phrase) {
		char term[EVS_MAX_WORD * 2 + 16];
		snprintf(term, sizeof term, "%s%s", prefix, w.parts[0]);
		if (!p->negated &&
		    push(&p->hl->prefixes, &p->hl->nprefixes, &p->hl->pcap, w.parts[0],
		         strlen(w.parts[0])) < 0) {
			p->st = EVS_E_NOMEM;
			goto done;
		}
		if (count_wildcard(p) < 0)
			goto done;
		evs_status st = xs_query_wildcard(
		    &nd.q, term,
		    t->wildcard == 2 ? EVS_PREFIX_EXPAND : EVS_MAX_WILDCARD,
		    p->idx->errmsg);
		if (st != EVS_OK)
			p->st = st;
		goto done;
	}
	if (phrase && w.n == 1) {
		/* A quoted word matches as written (after folding), unstemmed. */
		if (!p->negated)
			push(&p->hl->stems, &p->hl->nstems, &p->hl->cap, w.parts[0],
			     strlen(w.parts[0]));
		nd.q = term_query(p, prefix, w.parts[0], strlen(w.parts[0]));
		goto done;
	}
	if (w.n == 1 && !f && !phrase && !p->negated && p->depth == 0 &&
	    !p->hl->year) {
		p->hl->year = evs_query_dates__year(t->s, t->n);
		nd.year = p->hl->year != 0;
	}
	if (w.n == 1) {
		int op = peek(p)->type;
		p->operand = after_op || op == T_OR || op == T_AND;
		if (skip_word(p, prefix, w.parts[0]))
			goto done;
		nd.q = stem_query(p, prefix, w.parts[0], strlen(w.parts[0]));
		if (nd.q && !phrase && !p->negated)
			note_fix(p, t, prefix, w.parts[0]);
		if (nd.q && !f && !phrase && !p->negated)
			nd.q = people_boost(p, nd.q, w.parts[0]);
		goto done;
	}
	nd.q = phrase_of(p, prefix, &w);
	/* "multi-stakeholder" also matches "multistakeholder". */
	if (!phrase && w.joined && w.joins == 1 && nd.q) {
		xs_query *j = stem_query(p, prefix, w.joined, strlen(w.joined));
		nd.q = j ? combine2(p, XS_OP_OR, nd.q, j) : nd.q;
	}
done:
	words_free(&w);
	return nd;
}

static node parse_seq(parser *p, const evs_query_field *f, int inner);

/* The end of the word of the query text at i, where it could continue a
 * synonym's side: 0 when there is none, or it is an operator, a field, a
 * group, a phrase, a sign, a wildcard, or the word being typed under
 * EVS_SEARCH_PREFIX. */
static size_t side_word_end(const parser *p, size_t i)
{
	size_t l, start;
	while (i < p->n && is_space(p->s, p->n, i, &l))
		i += l;
	start = i;
	while (i < p->n && !is_space(p->s, p->n, i, &l))
		i++;
	const char *w = p->s + start;
	size_t n = i - start;
	if (n == 0 || ((p->flags & EVS_SEARCH_PREFIX) && i == p->n))
		return 0;
	if (p->flags & EVS_SEARCH_PLAIN)
		return i;
	if (strchr("()+-\"", w[0]) || quote_len(w, n, 0) || memchr(w, ':', n) ||
	    memchr(w, '(', n) || memchr(w, ')', n) || w[n - 1] == '*' ||
	    (n == 3 && (memcmp(w, "AND", 3) == 0 || memcmp(w, "NOT", 3) == 0)) ||
	    (n == 2 && memcmp(w, "OR", 2) == 0))
		return 0;
	return i;
}

/* Looks up the longest run of words from the word token t that is a side
 * of a synonym rule; on a match, t covers the run (and the lexer goes on
 * after it) and the other sides are in alts. Returns how many. */
static size_t find_synonyms(parser *p, const evs_synonyms *syn, tok *t,
                            const char **alts, size_t cap)
{
	size_t ends[EVS_SYN_MAX_WORDS], k = 1, found = 0;
	size_t maxw = evs_synonyms__max_words(syn);
	ends[0] = (size_t)(t->s - p->s) + t->n;
	/* A run of words only from a word of free text or of a group. */
	while (!t->field && k < maxw && k < EVS_SYN_MAX_WORDS &&
	       (ends[k] = side_word_end(p, ends[k - 1])) != 0)
		k++;
	evs_buf key = EVS_BUF_INIT;
	for (; k > 0 && !found; k--) {
		size_t len = ends[k - 1] - (size_t)(t->s - p->s);
		if (evs_normalize__name(&p->idx->nz, t->s, len, &key) < 0) {
			p->st = EVS_E_NOMEM;
			break;
		}
		if (key.len && (found = evs_synonyms__find(syn, key.p, alts, cap))) {
			t->n = len;
			p->i = ends[k - 1];
		}
	}
	evs_buf__dispose(&key);
	return found;
}

/* One side of a synonym rule (normalised words) under prefix: the word,
 * stemmed, or the phrase of its words. */
static xs_query *side_query(parser *p, const char *prefix, const char *side)
{
	words w = {NULL, 0, 0, NULL, 0};
	xs_query *q = NULL;
	if (evs_tokenize__text(&p->idx->nz, side, strlen(side), on_word, &w) != 0)
		p->st = EVS_E_NOMEM;
	else if (w.n == 1)
		q = stem_query(p, prefix, w.parts[0], strlen(w.parts[0]));
	else if (w.n > 1)
		q = phrase_of(p, prefix, &w);
	words_free(&w);
	return q;
}

/* A month name followed by a year among the words of free text ("rust
 * march 2025"): both words, as one item read like a year (query-dates.h)
 * that favours the events of that month. nd.q is NULL when t is no such
 * month name. */
static node month_node(parser *p, tok *t, const evs_query_field *f)
{
	node nd = {NULL, NULL, 0, 0};
	size_t from = (size_t)(t->s - p->s) + t->n, l;
	int month = evs_query_dates__month(t->s, t->n);
	size_t end = month && !f && !p->negated && p->depth == 0 && !p->hl->year
	                 ? side_word_end(p, from)
	                 : 0;
	if (!end)
		return nd;
	while (is_space(p->s, p->n, from, &l))
		from += l;
	if (!evs_query_dates__year(p->s + from, end - from))
		return nd;
	tok yt = *t;
	yt.s = p->s + from;
	yt.n = end - from;
	p->i = end;
	p->nofix++;
	node m = text_node(p, t, f, 0), y = text_node(p, &yt, f, 0);
	p->nofix--;
	p->hl->month = month;
	nd.year = 1;
	nd.q = m.q ? (y.q ? combine2(p, XS_OP_OR, m.q, y.q) : m.q) : y.q;
	return nd;
}

/* A word token under field f (NULL: free text); when it, or a run of
 * words from it, is a side of a synonym rule, also the other sides
 * (synonyms.h). A run is searched as its phrase. */
static node word_node(parser *p, tok *t, const evs_query_field *f)
{
	const evs_synonyms *syn = NULL;
	node md = month_node(p, t, f);
	if (md.q || p->st != EVS_OK)
		return md;
	const char *alts[EVS_SYN_MAX_SIDES];
	size_t nalts = 0, typed = t->n;
	if (!(p->flags & EVS_SEARCH_EXACT) && !t->wildcard &&
	    !(f && evs_schema__whole_value(f))) {
		evs_status st = evs_synonyms__of(p->idx, &syn);
		if (st != EVS_OK) {
			p->st = st;
			return (node){NULL, NULL, 0, 0};
		}
		nalts = find_synonyms(p, syn, t, alts, EVS_SYN_MAX_SIDES);
	}
	p->nofix += nalts > 0;
	node nd = text_node(p, t, f, t->n != typed);
	p->nofix -= nalts > 0;
	const char *prefix = f ? f->prefix : "";
	for (size_t i = 0; i < nalts && nd.q && p->st == EVS_OK; i++) {
		xs_query *q = side_query(p, prefix, alts[i]);
		if (q)
			nd.q = combine2(p, XS_OP_OR, nd.q, q);
	}
	return nd;
}

static node parse_primary(parser *p, const evs_query_field *f)
{
	node nd = {NULL, NULL, 0, 0};
	tok *t = peek(p);
	if (p->st != EVS_OK)
		return nd;
	const evs_query_field *tf = t->field ? t->field : f;
	if (t->sign == '-') {
		/* "a AND -b": the sign excludes, as NOT would. */
		t->sign = 0;
		p->negated++;
		nd = parse_primary(p, f);
		p->negated--;
		nd.neg = nd.q != NULL;
		nd.filter = NULL;
		return nd;
	}
	switch (t->type) {
	case T_LPAREN: {
		size_t col = t->col;
		next(p);
		p->after_op = 0;
		if (++p->depth > EVS_MAX_QUERY_DEPTH) {
			fail(p, EVS_E_QUERY_SYNTAX,
			     "column %zu: parentheses nested more than %d deep", col,
			     EVS_MAX_QUERY_DEPTH);
			return nd;
		}
		nd = parse_seq(p, tf, 1);
		p->depth--;
		if (p->st != EVS_OK)
			return nd;
		if (peek(p)->type != T_RPAREN) {
			fail(p, EVS_E_QUERY_SYNTAX, "column %zu: '(' is never closed", col);
			return nd;
		}
		next(p);
		nd.filter = NULL;
		return nd;
	}
	case T_WORD:
	case T_PHRASE: {
		tok copy = *t;
		next(p);
		if (copy.type == T_WORD)
			return word_node(p, &copy, tf);
		return text_node(p, &copy, tf, 1);
	}
	case T_RPAREN:
		fail(p, EVS_E_QUERY_SYNTAX, "column %zu: ')' without '('", t->col);
		return nd;
	case T_END:
		fail(p, EVS_E_QUERY_SYNTAX, "the query ends where a word was expected");
		return nd;
	default:
		fail(p, EVS_E_QUERY_SYNTAX,
		     "column %zu: %.*s needs a word on each side", t->col,
		     (int)(t->type == T_OR ? 2 : 3),
		     t->type == T_AND  ? "AND"
		     : t->type == T_OR ? "OR"
		                       : "NOT");
		return nd;
	}
}

/* Turns an excluded operand into the events without it. */
static xs_query *complement(parser *p, xs_query *q)
{
	xs_query *all = NULL;
	evs_status st = xs_query_match_all(&all, p->idx->errmsg);
	if (st != EVS_OK) {
		p->st = st;
		xs_query_free(q);
		return NULL;
	}
	return combine2(p, XS_OP_AND_NOT, all, q);
}

/* Joins a and b with op; a side that has no words is dropped. */
static node join(parser *p, xs_op op, node a, node b)
{
	node r = {NULL, NULL, 0, 0};
	if (!a.q && !b.q)
		return r;
	if (op == XS_OP_AND && (a.neg || b.neg) && a.q && b.q &&
	    !(a.neg && b.neg)) {
		/* "a AND -b" is "a AND NOT b". */
		node pos = a.neg ? b : a, neg = a.neg ? a : b;
		r.q = combine2(p, XS_OP_AND_NOT, pos.q, neg.q);
		return r;
	}
	if (a.neg && a.q)
		a.q = complement(p, a.q);
	if (b.neg && b.q)
		b.q = complement(p, b.q);
	a.neg = b.neg = 0;
	if (!a.q) {
		if (op == XS_OP_AND_NOT) {
			xs_query_free(b.q);
			return r; /* nothing minus something */
		}
		b.filter = NULL;
		return b;
	}
	if (!b.q) {
		a.filter = NULL;
		return a;
	}
	r.q = combine2(p, op, a.q, b.q);
	return r;
}

static node parse_not(parser *p, const evs_query_field *f)
{
	node a = parse_primary(p, f);
	while (p->st == EVS_OK && peek(p)->type == T_NOT) {
		next(p);
		p->negated++;
		node b = parse_primary(p, f);
		p->negated--;
		a = join(p, XS_OP_AND_NOT, a, b);
	}
	return a;
}

static node parse_and(parser *p, const evs_query_field *f)
{
	node a = parse_not(p, f);
	while (p->st == EVS_OK && peek(p)->type == T_AND) {
		next(p);
		p->after_op = 1;
		if (peek(p)->type == T_NOT) {
			next(p);
			p->negated++;
			node b = parse_not(p, f);
			p->negated--;
			a = join(p, XS_OP_AND_NOT, a, b);
		} else {
			node b = parse_not(p, f);
			a = join(p, XS_OP_AND, a, b);
		}
	}
	return a;
}

static node parse_or(parser *p, const evs_query_field *f)
{
	node a = parse_and(p, f);
	while (p->st == EVS_OK && peek(p)->type == T_OR) {
		next(p);
		p->after_op = 1;
		node b = parse_and(p, f);
		a = join(p, XS_OP_OR, a, b);
	}
	return a;
}

/* A growable list of queries. */
typedef struct qlist {
	xs_query **q;
	size_t n, cap;
} qlist;

static int qpush(parser *p, qlist *l, xs_query *q)
{
	xs_query **a = evs_util__grow(l->q, &l->cap, l->n + 1, sizeof *a, 8);
	if (!a) {
		xs_query_free(q);
		p->st = EVS_E_NOMEM;
		return -1;
	}
	l->q = a;
	l->q[l->n++] = q;
	return 0;
}

static void qfree(qlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		xs_query_free(l->q[i]);
	free(l->q);
	l->q = NULL;
	l->n = 0;
}

/* Takes the queries of l into one (op); NULL when l is empty. */
static xs_query *take(parser *p, qlist *l, xs_op op)
{
	if (l->n == 0)
		return NULL;
	xs_query *q = combine(p, op, l->q, l->n);
	free(l->q);
	l->q = NULL;
	l->n = 0;
	return q;
}

/* With the default operator OR, BM25 alone can rank an event that has one
 * query word many times above one that has them all. Events matching
 * every word must come first, so the optional items are also ANDed and
 * that branch weighted EVS_EVERY_WORD_BOOST times: an event with all the
 * words scores (1 + boost) times its BM25 sum, which puts it above events
 * that miss a word for any realistic weights. */
static xs_query *every_word(parser *p, const qlist *opt)
{
	/* The stopwords left out of the query count here too. */
	size_t n = opt->n + p->nstops;
	xs_query **v = calloc(n, sizeof *v);
	xs_query *q = NULL;
	if (!v) {
		p->st = EVS_E_NOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if ((p->st =
		         xs_query_clone(&v[i],
		                        i < opt->n ? opt->q[i] : p->stops[i - opt->n],
		                        p->idx->errmsg)) != EVS_OK) {
			while (i--)
				xs_query_free(v[i]);
			free(v);
			return NULL;
		}
	q = combine(p, XS_OP_AND, v, n);
	free(v);
	if (q && (p->st = xs_query_scale(&q, q, EVS_EVERY_WORD_BOOST,
	                                 p->idx->errmsg)) != EVS_OK)
		q = NULL;
	return q;
}

/* main OR the proximity and title boosts of the query's free-text
 * words. */
static xs_query *near_boost(parser *p, xs_query *main)
{
	xs_query *near = NULL, *title = NULL;
	if (p->st == EVS_OK && p->nnear >= 2 &&
	    (p->st = evs_ranking__near(p->idx, p->rk, p->near, p->nnear, &near)) !=
	        EVS_OK)
		near = NULL;
	main = near ? combine2(p, XS_OP_OR, main, near) : main;
	if (p->st == EVS_OK && main &&
	    (p->st = evs_ranking__title_all(p->idx, p->rk, p->near, p->nnear,
	                                    &title)) != EVS_OK)
		title = NULL;
	return title ? combine2(p, XS_OP_OR, main, title) : main;
}

/* One item of a sequence, with its operators, and its sign: '+'
 * (required), '-' (excluded) or 0. */
static node parse_item(parser *p, tok *t, const evs_query_field *f,
                       unsigned items, int *sign)
{
	/* '+' binds to the item; '-' to the word, phrase or group it is
	 * on (parse_primary), so that "-a AND -b" excludes both. */
	*sign = t->sign == '+' ? '+' : 0;
	if (*sign)
		t->sign = 0;
	if (t->type == T_NOT && items == 0) {
		/* A leading NOT excludes, like '-'. */
		next(p);
		*sign = '-';
		p->negated++;
	}
	p->required += *sign == '+';
	node nd = parse_or(p, f);
	p->required -= *sign == '+';
	if (*sign == '-')
		p->negated--;
	if (p->st == EVS_OK && nd.q && nd.neg) {
		/* A lone "-word": excluded from the whole query. */
		nd.neg = 0;
		*sign = '-';
	}
	return nd;
}

/* The free words of a sequence (opt), ORed (ANDed with
 * EVS_SEARCH_ALL_WORDS), with the boost of the events that have them
 * all, a year typed among them (weak) and, at the top, their proximity. */
static xs_query *seq_words(parser *p, qlist *opt, qlist *weak, int inner)
{
	int all = (p->flags & EVS_SEARCH_ALL_WORDS) != 0;
	size_t nopt = opt->n;
	xs_query *every = NULL;
	if (!all && !inner && opt->n >= 1 && opt->n + p->nstops >= 2)
		every = every_word(p, opt);
	xs_query *main = take(p, opt, all ? XS_OP_AND : XS_OP_OR);
	if (every && main)
		main = combine2(p, XS_OP_OR, main, every);
	else
		xs_query_free(every);
	/* "rust 2025": the events of 2025 first, and the year as a word that
	 * does not count as one of the words an event must all have
	 * (query-dates.h). Typed alone, a year is a word. */
	if (weak->n && (!main || nopt == 0 || all)) {
		xs_query *y = take(p, weak, XS_OP_OR);
		main = main ? combine2(p, all ? XS_OP_AND : XS_OP_OR, main, y) : y;
		p->hl->year = p->hl->month = 0;
	} else if (weak->n) {
		xs_query *y = take(p, weak, XS_OP_OR);
		if (y && (p->st = xs_query_scale(&y, y, EVS_YEAR_WORD_SCALE,
		                                 p->idx->errmsg)) != EVS_OK)
			y = NULL;
		main = combine2(p, XS_OP_OR, main, y);
		if (main && p->st == EVS_OK)
			p->st = evs_query_dates__boost(p->idx, p->hl->year, p->hl->month,
			                               &main);
	} else if (!inner) {
		/* inside an operator: a word like any other */
		p->hl->year = p->hl->month = 0;
	}
	if (!inner && main)
		main = near_boost(p, main);
	return main;
}

/* A sequence of items: its free words (seq_words), then what is
 * required, the filters and what is excluded. */
static node parse_seq(parser *p, const evs_query_field *f, int inner)
{
	qlist opt = {0}, req = {0}, excl = {0}, weak = {0};
	/* Filters, grouped by field: values of a field OR, fields AND. */
	const evs_query_field *ffield[16];
	qlist fl[16];
	size_t nf = 0;
	node r = {NULL, NULL, 0, 0};
	unsigned items = 0;
	memset(fl, 0, sizeof fl);

	for (;;) {
		tok *t = peek(p);
		if (p->st != EVS_OK)
			break;
		if (t->type == T_END)
			break;
		if (t->type == T_RPAREN) {
			if (inner)
				break;
			fail(p, EVS_E_QUERY_SYNTAX, "column %zu: ')' without '('", t->col);
			break;
		}
		int sign;
		node nd = parse_item(p, t, f, items, &sign);
		items++;
		if (p->st != EVS_OK) {
			xs_query_free(nd.q);
			break;
		}
		if (!nd.q)
			continue;
		if (sign == '-') {
			qpush(p, &excl, nd.q);
		} else if (sign == '+') {
			qpush(p, &req, nd.q);
		} else if (nd.filter) {
			size_t k;
			for (k = 0; k < nf; k++)
				if (ffield[k] == nd.filter)
					break;
			if (k == nf) {
				if (nf == 16) {
					qpush(p, &req, nd.q);
					continue;
				}
				ffield[nf++] = nd.filter;
			}
			qpush(p, &fl[k], nd.q);
		} else if (nd.year && !inner) {
			qpush(p, &weak, nd.q);
		} else {
			qpush(p, &opt, nd.q);
		}
	}
	if (p->st != EVS_OK)
		goto done;

	xs_query *main = seq_words(p, &opt, &weak, inner);
	xs_query *must = take(p, &req, XS_OP_AND);
	if (must)
		main = main ? combine2(p, XS_OP_AND_MAYBE, must, main) : must;
	xs_query *filter = NULL;
	for (size_t k = 0; k < nf; k++) {
		xs_query *one = take(p, &fl[k], XS_OP_OR);
		filter = filter ? combine2(p, XS_OP_AND, filter, one) : one;
	}
	if (filter) {
		if (!main) {
			main = filter;
			/* Alone, a filter is the query; it carries no weight. */
		} else {
			main = combine2(p, XS_OP_FILTER, main, filter);
		}
	}
	xs_query *no = take(p, &excl, XS_OP_OR);
	if (no) {
		if (!main) {
			evs_status st = xs_query_match_all(&main, p->idx->errmsg);
			if (st != EVS_OK) {
				p->st = st;
				xs_query_free(no);
				goto done;
			}
		}
		main = combine2(p, XS_OP_AND_NOT, main, no);
	}
	r.q = main;
	if (items == 1 && nf == 1 && r.q && !must && !no)
		r.filter = ffield[0];
done:
	qfree(&opt);
	qfree(&req);
	qfree(&excl);
	qfree(&weak);
	for (size_t k = 0; k < 16; k++)
		qfree(&fl[k]);
	if (p->st != EVS_OK) {
		xs_query_free(r.q);
		r.q = NULL;
	}
	return r;
}

static int on_content(void *ctx, const evs_token *t)
{
	int *content = ctx;
	if (!t->back && !evs_ranking__stopword(t->term, t->len))
		*content = 1;
	return 0;
}

/* Whether the query has something to search for besides stopwords: a
 * free-text or field word that is not one, a phrase or a wildcard. When
 * it has not ("The Who", "to be or not to be"), its stopwords are what it
 * searches for. Excluded items do not count. */
static int has_content(const parser *p0)
{
	parser p = *p0;
	tok t;
	int content = 0, excluded = 0;
	while (!content && lex(&p, &t) == EVS_OK && t.type != T_END) {
		if (t.type == T_NOT) {
			excluded = 1;
			continue;
		}
		int skip = excluded || t.sign == '-';
		if (t.type == T_WORD || t.type == T_PHRASE)
			excluded = 0;
		if (skip || (t.field && evs_schema__whole_value(t.field)) ||
		    (t.type != T_WORD && t.type != T_PHRASE))
			continue;
		if (t.type == T_PHRASE || t.wildcard)
			return 1;
		if (evs_tokenize__text(&p.idx->nz, t.s, t.n, on_content, &content) != 0)
			return 1;
	}
	return content;
}

evs_status evs_query__parse(evs_index *idx, const char *text, unsigned flags,
                            xs_query **out, evs_highlight *hl)
{
	*out = NULL;
	size_t n = strlen(text);
	if (n > EVS_MAX_QUERY_BYTES)
		return evs_index__fail(idx, EVS_E_QUERY_SYNTAX,
		                       "the query is longer than %d bytes",
		                       EVS_MAX_QUERY_BYTES);
	if (!evs_utf8__valid(text, n))
		return evs_index__fail(idx, EVS_E_QUERY_SYNTAX,
		                       "the query is not valid UTF-8");
	parser p;
	memset(&p, 0, sizeof p);
	p.idx = idx;
	p.s = text;
	p.n = n;
	p.flags = flags;
	p.hl = hl;
	evs_ranking rtmp;
	p.rk = evs_ranking__of(idx, &rtmp);
	p.drop_stops = p.rk->stopwords && has_content(&p);
	node nd = parse_seq(&p, NULL, 0);
	for (size_t i = 0; i < p.nnear; i++)
		free(p.near[i]);
	free(p.near);
	for (size_t i = 0; i < p.nstops; i++)
		xs_query_free(p.stops[i]);
	free(p.stops);
	if (p.st == EVS_OK && p.nfixes) {
		free(hl->suggestion);
		hl->suggestion = fixed_text(&p);
		if (!hl->suggestion)
			p.st = EVS_E_NOMEM;
	}
	if (p.st != EVS_OK) {
		xs_query_free(nd.q);
		if (p.st == EVS_E_NOMEM)
			evs_index__fail(idx, p.st, "out of memory");
		return p.st;
	}
	if (p.apply) {
		/* The results are those of the corrected query, as it would be
		 * parsed if typed. */
		char *fixed = hl->suggestion;
		hl->suggestion = NULL;
		xs_query_free(nd.q);
		evs_highlight__dispose(hl);
		evs_status st =
		    evs_query__parse(idx, fixed, flags | EVS_SEARCH_EXACT, out, hl);
		hl->suggestion = fixed;
		hl->corrected = 1;
		return st;
	}
	*out = nd.q;
	return EVS_OK;
}
