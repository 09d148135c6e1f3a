/* buf.c: a growable byte buffer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

int evs_buf__grow(evs_buf *b, size_t extra)
{
	if (extra > (size_t)-1 / 2 - b->len)
		return -1;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	b->p[b->len] = '\0'; /* always a string, also when still empty */
	return 0;
}

int evs_buf__add(evs_buf *b, const char *s, size_t n)
{
	if (evs_buf__grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int evs_buf__adds(evs_buf *b, const char *s)
{
	return evs_buf__add(b, s, strlen(s));
}

int evs_buf__addc(evs_buf *b, char c)
{
	return evs_buf__add(b, &c, 1);
}

void evs_buf__clear(evs_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void evs_buf__dispose(evs_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *evs_buf__detach(evs_buf *b)
{
	char *p = b->p;
	if (!p)
		p = calloc(1, 1);
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}
