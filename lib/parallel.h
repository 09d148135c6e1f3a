/* parallel.h: a rebuild's documents built on several threads, each into
 * a part database of its own; the parts are merged (and compacted) into
 * the new generation at the switch. Records are checked in order on the
 * caller's thread (so that messages come in order, with their lines) and
 * handed to the part that owns their id, so that a repeated id still
 * replaces the earlier record.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_PARALLEL_H
#define EVS_PARALLEL_H

#include "event.h"

typedef struct evs_pool evs_pool;

/* Starts n workers writing new databases at paths[0..n) with the
 * settings (stemmer name or "none"). On failure err says why. */
evs_status evs_pool__start(evs_pool **out, const char *const *paths, unsigned n,
                           const char *stemmer, char *err);

/* Hands a checked record (its contents are moved out of rec) to the
 * worker that owns its id; waits while that worker is busy. fresh: no
 * record of this id was handed over before, so the worker adds it
 * without looking the id up (when unsure, pass 0: the record then
 * replaces any of its id). Returns the first failure of any worker (with
 * its message in err). */
evs_status evs_pool__add(evs_pool *p, evs_record *rec, int fresh, char *err);

/* Makes every part store its records packed with dict (len bytes, a
 * string: see docdata.h) and keep dict in its metadata. Only before the
 * first record is handed over. */
evs_status evs_pool__pack(evs_pool *p, const char *dict, size_t len, char *err);

/* Waits until every record handed over is in its part, then commits
 * every part and closes it. */
evs_status evs_pool__finish(evs_pool *p, char *err);

/* Stops the workers (what they did is lost) and frees the pool. */
void evs_pool__free(evs_pool *p);

/* The number of workers a rebuild uses when the caller leaves it to the
 * library: the processors online, at most 4. */
unsigned evs_pool__default_size(void);

#endif
