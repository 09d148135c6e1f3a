/* util.c: see util.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *evs_util__grow(void *p, size_t *cap, size_t need, size_t elem,
                     size_t first)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : first;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return NULL;
		c *= 2;
	}
	if (elem && c > SIZE_MAX / elem)
		return NULL;
	void *n = realloc(p, c * elem);
	if (n)
		*cap = c;
	return n;
}

char *evs_util__join(const char *dir, const char *name)
{
	char *s;
	if (asprintf(&s, "%s/%s", dir, name) < 0)
		return NULL;
	return s;
}

size_t evs_util__utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* The slot of key in v (cap a power of two): its own, or the empty one
 * where it goes. */
static size_t slot_of(const struct evs_hashset_slot *v, size_t cap,
                      uint64_t key)
{
	size_t j = key & (cap - 1);
	while (v[j].key && v[j].key != key)
		j = (j + 1) & (cap - 1);
	return j;
}

long long evs_hashset__add(evs_hashset *s, uint64_t key)
{
	/* At most half full, so that probes stay short. */
	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		if (cap > SIZE_MAX / sizeof *s->v)
			return -1;
		struct evs_hashset_slot *t = calloc(cap, sizeof *t);
		if (!t)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i].key)
				t[slot_of(t, cap, s->v[i].key)] = s->v[i];
		free(s->v);
		s->v = t;
		s->cap = cap;
	}
	size_t j = slot_of(s->v, s->cap, key);
	if (!s->v[j].key) {
		s->v[j].key = key;
		s->n++;
	}
	return (long long)s->v[j].count++;
}

size_t evs_hashset__count(const evs_hashset *s, uint64_t key)
{
	return s->cap ? s->v[slot_of(s->v, s->cap, key)].count : 0;
}

void evs_hashset__dispose(evs_hashset *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
