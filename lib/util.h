/* util.h: the small mechanics that lib/ would otherwise repeat by hand:
 * growing arrays, joining paths, cutting UTF-8, a set of 64-bit hashes,
 * and the size of every error buffer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_UTIL_H
#define EVS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The size of every buffer of lib/ that holds a message: a handle's, a
 * shim call's err, a reader's. */
#define EVS_ERRLEN 512

/* Grows the array p (*cap elements of elem bytes; p may be NULL with
 * *cap 0) so that it holds at least need: its capacity doubles, from
 * first. Returns the array, p itself when it is big enough, and sets
 * *cap; or NULL when out of memory or when the size would overflow
 * size_t, p and *cap then unchanged (p still the caller's to free). */
void *evs_util__grow(void *p, size_t *cap, size_t need, size_t elem,
                     size_t first);

/* dir + "/" + name, to free; NULL when out of memory. */
char *evs_util__join(const char *dir, const char *name);

/* The length of s cut to at most max bytes without splitting a UTF-8
 * character: max moved back over continuation bytes. s holds at least
 * max + 1 bytes when its length is over max. */
size_t evs_util__utf8_cut(const char *s, size_t len, size_t max);

/* A set of 64-bit keys (never 0: 0 marks an empty slot), open
 * addressing, each key with how often it was added. Zero-initialise
 * (EVS_HASHSET_INIT); dispose with evs_hashset__dispose. */
typedef struct evs_hashset {
	struct evs_hashset_slot {
		uint64_t key;
		size_t count;
	} * v;
	size_t n, cap;
} evs_hashset;

#define EVS_HASHSET_INIT                                                       \
	{                                                                          \
		NULL, 0, 0                                                             \
	}

/* Adds key (not 0). Returns how often it was added before (0: new), or
 * -1 when out of memory (the set unchanged). */
long long evs_hashset__add(evs_hashset *s, uint64_t key);

/* How often key (not 0) was added: 0 when it is not in the set. */
size_t evs_hashset__count(const evs_hashset *s, uint64_t key);

void evs_hashset__dispose(evs_hashset *s);

#endif
