/* cluster.h: an index made of shards searched together, local databases
 * and databases that xapian-tcpsrv serves (tcp://HOST:PORT). A reader
 * gets one from a cluster file (one shard a line, docs/schema.md) or from
 * a generation built as shards (DIR/gen-N/shard-K, evindex --shards).
 *
 * The shards are combined into one Xapian database, so that a search
 * weighs every event with the statistics of all of them and gives the
 * answers one index of the same events would. What differs is kept here:
 * each shard's own dictionary of stored records, and the shards that did
 * not answer (EVS_OPEN_ALLOW_PARTIAL).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_CLUSTER_H
#define EVS_CLUSTER_H

#include <stddef.h>

#include "evsearch.h"
#include "handle.h"

typedef struct evs_cluster evs_cluster;

/* The most shards a rebuild makes (one worker thread each). */
#define EVS_MAX_SHARDS 16

/* Whether path names a cluster file (a regular file, not an index
 * directory). */
int evs_cluster__is_file(const char *path);

/* Whether the generation directory gen holds shards (gen/shard-0). */
int evs_cluster__is_sharded(const char *gen);

/* Opens the shards that the cluster file idx->dir lists as idx->db and
 * idx->cluster, with idx's settings. Statuses: EVS_E_INVALID (a line
 * that names no shard: "FILE:LINE: ..."), EVS_E_NOTFOUND, EVS_E_VERSION
 * (shards with other settings), EVS_E_UNAVAILABLE (a shard that does
 * not answer, unless opts allow partial results). */
evs_status evs_cluster__open_file(evs_index *idx, const evs_open_options *opts);

/* The same for the shards of the generation idx->gen_path. */
evs_status evs_cluster__open_gen(evs_index *idx, const evs_open_options *opts);

/* Opens idx's cluster again from its source (the file, or the live
 * generation of the index directory): a new generation, a shard back.
 * On failure idx goes on with the shards it had. */
evs_status evs_cluster__reopen(evs_index *idx);

/* After a search failed with EVS_E_UNAVAILABLE: finds the shards that no
 * longer answer. Without EVS_OPEN_ALLOW_PARTIAL the status stays, with a
 * message naming them; with it, idx->db is made of the others and EVS_OK
 * says to search again. */
evs_status evs_cluster__lost(evs_index *idx);

/* The dictionary of stored records of the shard that part (of
 * xs_mset_part) is; *len 0 when it has none. */
evs_status evs_cluster__docdict(evs_index *idx, size_t part, const char **dict,
                                size_t *len);

/* Calls fn for each word whose stem is stem but which is not the stem
 * itself: what the synonym table files under "Z" + stem (forms.h), for
 * shards that cannot serve that table (xapian-tcpsrv does not). When
 * every shard files its forms as metadata keys too (EVS_META_FORM_KEYS),
 * those are listed: one round trip per shard. Otherwise (an index made
 * before them, or a form too long for a key) the words are looked up
 * among the terms under prefix that share the stem's beginning: a
 * Snowball stemmer changes only a word's end (after the text
 * normalisation, which has folded accents), at most its last three
 * letters ("dying" to "die"); for a short stem that is a long list. */
evs_status evs_cluster__each_form(
    evs_index *idx, const char *prefix, const char *stem, size_t sl,
    int (*fn)(void *ctx, const char *w, size_t len), void *ctx);

/* The names of the shards left out, as a new array of *count new
 * strings (NULL and 0 when none). Returns 0, or -1 when out of memory
 * (what was copied is in *names and *count, for the caller to free). */
int evs_cluster__missing(const evs_cluster *c, char ***names, size_t *count);

/* Opens the generation directory gen as its readers will: one database,
 * or all its shards together (for the checks of a writer; records are
 * not read through it). Messages go to err (XS_ERRLEN bytes). */
evs_status evs_cluster__open_local(xs_db **out, const char *gen, char *err);

/* A rebuild with shards: makes the generation gen of the n parts, part
 * k compacted into gen/shard-k and synced, and removes the parts. */
evs_status evs_cluster__make_shards(const char *gen, char *const *parts,
                                    unsigned n, char *err);

void evs_cluster__free(evs_cluster *c);

#endif
