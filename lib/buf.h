/* buf.h: a growable byte buffer, always NUL-terminated.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_BUF_H
#define EVS_BUF_H

#include <stddef.h>

typedef struct evs_buf {
	char *p; /* NULL until the first append */
	size_t len;
	size_t cap;
} evs_buf;

#define EVS_BUF_INIT                                                           \
	{                                                                          \
		NULL, 0, 0                                                             \
	}

/* Each returns 0, or -1 when out of memory (the buffer is unchanged). */
int evs_buf__grow(evs_buf *b, size_t extra);
int evs_buf__add(evs_buf *b, const char *s, size_t n);
int evs_buf__adds(evs_buf *b, const char *s);
int evs_buf__addc(evs_buf *b, char c);
void evs_buf__clear(evs_buf *b);
void evs_buf__dispose(evs_buf *b);
/* Hands the contents to the caller (free with free()); b becomes empty.
 * Returns NULL when out of memory. */
char *evs_buf__detach(evs_buf *b);

#endif
