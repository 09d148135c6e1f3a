/* generation.h: the index directory's generations, its writer lock and
 * the atomic switch between generations.
 *
 *   DIR/current    symlink to the live generation ("gen-7")
 *   DIR/previous   symlink to the one before, for rollback
 *   DIR/gen-N/     Xapian databases; N grows with every rebuild
 *   DIR/lock       flock()ed by the one writer; holds its PID
 *
 * A switch writes a new symlink beside the old one and renames it over
 * "current": rename(2) is atomic, so a reader opening DIR/current gets the
 * old generation or the new one, whole. A process killed at any point
 * leaves "current" pointing to a complete generation; what it leaves
 * behind (a half-built gen-N, current.tmp) is removed by the next writer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_GENERATION_H
#define EVS_GENERATION_H

#include <stdint.h>

#include "evsearch.h"

/* Takes the writer lock of dir (creating dir/lock), waiting as
 * wait_seconds says (0: not at all, -1: for ever). On success *fd is the
 * lock's descriptor (close it to release). Messages go to err
 * (XS_ERRLEN bytes). Statuses: EVS_E_LOCKED, EVS_E_IO. */
evs_status evs_gen__lock(const char *dir, int wait_seconds, int *fd, char *err);

/* Reads dir/name ("current", "previous"): *target is a malloc'ed
 * generation name, or NULL (with EVS_OK) when the link does not exist.
 * EVS_E_CORRUPT when it exists but is not a link to a generation. */
evs_status evs_gen__read_link(const char *dir, const char *name, char **target,
                              char *err);

/* Points dir/name at target atomically and durably (the link is written
 * as name.tmp, renamed over name, and dir is fsync()ed). */
evs_status evs_gen__set_link(const char *dir, const char *name,
                             const char *target, char *err);

/* Removes dir/name when it is a link. */
void evs_gen__unlink(const char *dir, const char *name);

/* A name for a new generation: "gen-" + one more than the highest there.
 * Returns a malloc'ed name or NULL. */
char *evs_gen__next_name(const char *dir);

/* Removes every gen-* of dir but keep1 (the live one) and keep2 (either
 * may be NULL), and any leftover "*.tmp" link: what killed writers left
 * behind. The newest generation, and the newest below keep1, are kept as
 * well: a writer killed between its two link updates may have left a
 * link pointing past them. */
void evs_gen__clean(const char *dir, const char *keep1, const char *keep2);

/* Removes generation directory path and the files in it. */
int evs_gen__remove(const char *path);

/* Copies the files of generation src into the new directory dst. */
evs_status evs_gen__copy(const char *src, const char *dst, char *err);

/* fsync()s every file of path, then path itself. */
evs_status evs_gen__sync(const char *path, char *err);

/* Total size of the regular files in path. */
uint64_t evs_gen__bytes(const char *path);

#endif
