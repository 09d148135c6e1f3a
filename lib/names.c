/* names.c: closest whole names (names.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "names.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* Names longer than this are not compared (the rows of the distance
 * table live on the stack). */
#define MAX_NAME 256

void evs_names__dispose(evs_names *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->name[i]);
	memset(c, 0, sizeof *c);
}

unsigned evs_names__distance(const char *a, size_t al, const char *b,
                             size_t bl, unsigned max)
{
	unsigned rows[3][MAX_NAME + 1];
	if (al > MAX_NAME || bl > MAX_NAME)
		return max + 1;
	if ((al > bl ? al - bl : bl - al) > max)
		return max + 1;
	unsigned *two = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= bl; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= al; i++) {
		unsigned low = cur[0] = (unsigned)i;
		for (size_t j = 1; j <= bl; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned d = prev[j - 1] + cost;
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && two[j - 2] + 1 < d)
				d = two[j - 2] + 1;
			cur[j] = d;
			if (d < low)
				low = d;
		}
		if (low > max)
			return max + 1;
		unsigned *t = two;
		two = prev;
		prev = cur;
		cur = t;
	}
	return prev[bl] <= max ? prev[bl] : max + 1;
}

typedef struct scan {
	const char *name;
	size_t len, plen;
	unsigned max;
	evs_names *out;
	int nomem;
} scan;

/* Keeps term when it is among the closest yet. */
static int on_term(void *ctx, const char *term, size_t len)
{
	scan *s = ctx;
	const char *cand = term + s->plen;
	size_t cl = len - s->plen;
	unsigned d = evs_names__distance(s->name, s->len, cand, cl, s->max);
	evs_names *o = s->out;
	if (d > s->max || (o->n == EVS_NAMES_MAX && d >= o->dist[o->n - 1]))
		return 0;
	size_t at = o->n < EVS_NAMES_MAX ? o->n : EVS_NAMES_MAX - 1;
	if (o->n == EVS_NAMES_MAX)
		free(o->name[at]);
	else
		o->n++;
	/* Insertion keeps the list sorted; equal distances keep term order. */
	while (at > 0 && o->dist[at - 1] > d) {
		o->name[at] = o->name[at - 1];
		o->dist[at] = o->dist[at - 1];
		at--;
	}
	o->dist[at] = d;
	o->name[at] = strndup(cand, cl);
	if (!o->name[at]) {
		memmove(&o->name[at], &o->name[at + 1],
		        (o->n - at - 1) * sizeof o->name[0]);
		memmove(&o->dist[at], &o->dist[at + 1],
		        (o->n - at - 1) * sizeof o->dist[0]);
		o->n--;
		s->nomem = 1;
		return 1;
	}
	return 0;
}

evs_status evs_names__closest(evs_index *idx, const char *prefix,
                              const char *name, size_t len, evs_names *out)
{
	memset(out, 0, sizeof *out);
	unsigned max = (unsigned)(len / 4);
	scan s = {name, len, strlen(prefix), max ? max : 1, out, 0};
	evs_status st = xs_db_each_term(idx->db, prefix, on_term, &s, idx->errmsg);
	if (st == EVS_OK && s.nomem)
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	if (st != EVS_OK)
		evs_names__dispose(out);
	return st;
}

/* Fails listing the closest names c of name given. */
static evs_status ambiguous(evs_index *idx, const char *what, const char *given,
                            const evs_names *c)
{
	char list[512] = "";
	size_t at = 0;
	for (size_t i = 0; i < c->n && at < sizeof list; i++) {
		int w = snprintf(list + at, sizeof list - at, "%s\"%s\"",
		                 i ? ", " : "", c->name[i]);
		if (w < 0)
			break;
		at += (size_t)w;
	}
	return evs_index__fail(idx, EVS_E_INVALID,
	                       "%s \"%s\" matches no event; the closest: %s", what,
	                       given, list);
}

evs_status evs_names__correct(evs_index *idx, const char *prefix,
                              const char *what, char *const *given, size_t n,
                              char **meant)
{
	evs_buf name = EVS_BUF_INIT;
	evs_status st = EVS_OK;
	for (size_t i = 0; i < n && st == EVS_OK; i++) {
		char term[EVS_MAX_ID_TERM + 1];
		uint64_t freq = 0;
		evs_names c = {0};
		meant[i] = NULL;
		if (evs_normalize__name(&idx->nz, given[i], strlen(given[i]), &name) <
		    0) {
			st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			break;
		}
		size_t tl = evs_schema__exact_term(term, prefix, name.p, name.len);
		if (name.len == 0 ||
		    (st = xs_db_termfreq(idx->db, term, tl, &freq, idx->errmsg)) !=
		        EVS_OK ||
		    freq > 0 ||
		    (st = evs_names__closest(idx, prefix, name.p, name.len, &c)) !=
		        EVS_OK)
			continue;
		if (c.n == 1 || (c.n > 1 && c.dist[0] < c.dist[1])) {
			meant[i] = c.name[0];
			c.name[0] = NULL;
		} else if (c.n > 1) {
			st = ambiguous(idx, what, given[i], &c);
		}
		evs_names__dispose(&c);
	}
	evs_buf__dispose(&name);
	return st;
}
