/* names.h: the whole names of a boolean field (organisers) closest to one
 * that matches nothing, for correcting "--organiser" as words are
 * corrected (spelling.h).
 *
 * The names are the field's exact terms, read in order: a few thousand in
 * a large index, and read only when a name matched no event.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_NAMES_H
#define EVS_NAMES_H

#include <stddef.h>

#include "handle.h"

/* The most names a closest-names list holds. */
#define EVS_NAMES_MAX 5

typedef struct evs_names {
	char *name[EVS_NAMES_MAX]; /* normalised, closest first */
	unsigned dist[EVS_NAMES_MAX];
	size_t n;
} evs_names;

void evs_names__dispose(evs_names *c);

/* The edit distance (letters inserted, deleted, replaced, or two
 * neighbours swapped) between a and b, or max + 1 when it is over max. */
unsigned evs_names__distance(const char *a, size_t al, const char *b,
                             size_t bl, unsigned max);

/* The names under the exact-term prefix (say "XOE") closest to the
 * normalised name (len bytes), within a distance of a quarter of its
 * length (at least 1), into *out, closest first. Statuses from the
 * backend, EVS_E_NOMEM. */
evs_status evs_names__closest(evs_index *idx, const char *prefix,
                              const char *name, size_t len, evs_names *out);

/* For each of the n names given (as typed) whose normalised exact term
 * under prefix matches no event: the closest name, when one is closer
 * than any other, into meant[i] (to free; NULL otherwise). When several
 * are equally close, fails with EVS_E_INVALID and a message listing them
 * (what names the filter, "organiser"). Statuses from the backend,
 * EVS_E_NOMEM. */
evs_status evs_names__correct(evs_index *idx, const char *prefix,
                              const char *what, char *const *given, size_t n,
                              char **meant);

#endif
