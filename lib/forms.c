/* forms.c: the word forms of a document grouped by stem, and the exact
 * frequency of a stem at query time (see forms.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "forms.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "util.h"

/* One noted word: its prefix, stem and word, back to back in bytes. */
struct evs_form_entry {
	size_t off;
	unsigned char pl; /* prefixes are short (schema.c) */
	size_t sl, wl;
	const char *p; /* set by finish(), once bytes no longer moves */
};

int evs_forms__add(evs_forms *f, const char *prefix, const char *stem,
                   size_t sl, const char *word, size_t wl)
{
	size_t pl = strlen(prefix);
	if (f->n == f->cap) {
		struct evs_form_entry *e =
		    evs_util__grow(f->e, &f->cap, f->n + 1, sizeof *e, 256);
		if (!e)
			return -1;
		f->e = e;
	}
	size_t off = f->bytes.len;
	if (evs_buf__add(&f->bytes, prefix, pl) < 0 ||
	    evs_buf__add(&f->bytes, stem, sl) < 0 ||
	    evs_buf__add(&f->bytes, word, wl) < 0) {
		f->bytes.len = off;
		return -1;
	}
	f->e[f->n++] =
	    (struct evs_form_entry){off, (unsigned char)pl, sl, wl, NULL};
	return 0;
}

static int cmp_part(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : (al > bl) - (al < bl);
}

/* Orders by prefix, then stem, then word. */
static int by_entry(const void *x, const void *y)
{
	const struct evs_form_entry *a = x, *b = y;
	int c = cmp_part(a->p, a->pl, b->p, b->pl);
	if (!c)
		c = cmp_part(a->p + a->pl, a->sl, b->p + b->pl, b->sl);
	if (!c)
		c = cmp_part(a->p + a->pl + a->sl, a->wl, b->p + b->pl + b->sl, b->wl);
	return c;
}

static int same_group(const struct evs_form_entry *a,
                      const struct evs_form_entry *b)
{
	return a->pl == b->pl && a->sl == b->sl &&
	       memcmp(a->p, b->p, (size_t)a->pl + a->sl) == 0;
}

static int same_word(const struct evs_form_entry *a,
                     const struct evs_form_entry *b)
{
	return same_group(a, b) && a->wl == b->wl &&
	       memcmp(a->p + a->pl + a->sl, b->p + b->pl + b->sl, a->wl) == 0;
}

evs_status evs_forms__finish(evs_forms *f, xs_doc *doc, char *err)
{
	evs_status st = EVS_OK;
	for (size_t i = 0; i < f->n; i++)
		f->e[i].p = f->bytes.p + f->e[i].off;
	qsort(f->e, f->n, sizeof *f->e, by_entry);
	for (size_t i = 0; i < f->n && st == EVS_OK;) {
		/* One group: the words of one stem under one prefix. */
		size_t j = i, distinct = 0;
		for (; j < f->n && same_group(&f->e[i], &f->e[j]); j++) {
			const struct evs_form_entry *e = &f->e[j];
			if (j > i && same_word(&f->e[j - 1], e))
				continue;
			distinct++;
			const char *stem = e->p + e->pl, *word = stem + e->sl;
			if (e->sl == e->wl && memcmp(stem, word, e->sl) == 0)
				continue; /* the stem itself: a query looks for it */
			char key[EVS_TERM_BUF];
			size_t kl = evs_schema__term(key, EVS_PREFIX_FORMS, stem, e->sl);
			st = xs_doc_form(doc, key, kl, word, e->wl, err);
			if (st != EVS_OK)
				break;
		}
		if (st == EVS_OK && distinct > 1) {
			const struct evs_form_entry *e = &f->e[i];
			char fp[EVS_FORMS_PREFIX_BUF], zp[EVS_FORMS_PREFIX_BUF];
			char term[EVS_TERM_BUF];
			memcpy(fp, e->p, e->pl);
			fp[e->pl] = '\0';
			evs_schema__forms_prefix(zp, fp);
			size_t tl = evs_schema__term(term, zp, e->p + e->pl, e->sl);
			st = xs_doc_term(doc, term, tl, (unsigned)(distinct - 1), err);
		}
		i = j;
	}
	f->n = 0;
	evs_buf__clear(&f->bytes);
	return st;
}

void evs_forms__dispose(evs_forms *f)
{
	evs_buf__dispose(&f->bytes);
	free(f->e);
	f->e = NULL;
	f->n = f->cap = 0;
}

uint64_t evs_forms__events(const uint64_t *tf, size_t k, uint64_t cf)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < k; i++)
		sum += tf[i];
	return sum > cf ? sum - cf : 0;
}

/* Xapian's BM25Weight: the idf part of a term in n of ndocs events. */
static double bm25_idf(double n, double ndocs)
{
	double tw = (ndocs - n + 0.5) / (n + 0.5);
	if (tw < 2)
		tw = tw * 0.5 + 1;
	return log(tw);
}

size_t evs_forms__or_step(uint64_t *tf, void *items, size_t size, size_t k,
                          double ndocs)
{
	unsigned char tmp[64];
	/* The two least frequent to the end, their items with them. */
	for (size_t pass = 0; pass < 2; pass++) {
		size_t min = 0, last = k - 1 - pass;
		for (size_t i = 1; i <= last; i++)
			if (tf[i] < tf[min])
				min = i;
		uint64_t t = tf[min];
		tf[min] = tf[last];
		tf[last] = t;
		if (items && size <= sizeof tmp) {
			unsigned char *a = (unsigned char *)items + min * size;
			unsigned char *b = (unsigned char *)items + last * size;
			memcpy(tmp, a, size);
			memcpy(a, b, size);
			memcpy(b, tmp, size);
		}
	}
	double a = (double)tf[k - 1], b = (double)tf[k - 2];
	tf[k - 2] = (uint64_t)(a + b - (ndocs > 0 ? a * b / ndocs : 0) + 0.5);
	return k - 1;
}

/* Xapian's estimate of the frequency of the synonym of k forms built by
 * evs_forms__or_step. tf is used as scratch. */
static double or_estimate(uint64_t *tf, size_t k, double ndocs)
{
	while (k > 1)
		k = evs_forms__or_step(tf, NULL, 0, k, ndocs);
	return (double)tf[0];
}

double evs_forms__scale(const uint64_t *tf, size_t k, uint64_t n,
                        uint64_t ndocs)
{
	if (k < 2 || ndocs == 0)
		return 1.0;
	uint64_t *scratch = malloc(k * sizeof *scratch);
	if (!scratch)
		return 1.0; /* the estimate, as Xapian alone would weigh it */
	memcpy(scratch, tf, k * sizeof *scratch);
	double est = or_estimate(scratch, k, (double)ndocs);
	free(scratch);
	double want = bm25_idf((double)n, (double)ndocs);
	double have = bm25_idf(est, (double)ndocs);
	if (!(have > 0) || !(want > 0))
		return 1.0;
	return want / have;
}
