/* shard-write.h: adds, deletes and syncs into an index built as shards
 * (DIR/gen-N/shard-K). Each id goes to the shard of its hash, as the
 * rebuild with --shards routes it (evs_schema__id_hash mod the number of
 * shards), so that an id lives on exactly one shard whatever wrote it.
 *
 * The handle keeps one writer handle per shard, each doing what a writer
 * of one database does (unchanged records are not rewritten, a sync
 * notes the documents given again), and routes records and deletes to
 * them:
 *  - EVS_OPEN_WRITE (plain adds, --delete) writes the live shards in
 *    place; a commit commits them one after the other, so a reader may
 *    see a batch appear shard by shard, but never an event twice or
 *    missing, and an interruption leaves each shard at its last commit;
 *  - EVS_OPEN_SYNC and EVS_OPEN_BATCH write a copy of each live shard
 *    (DIR/gen-N.part-K), made the shards of the new generation at the
 *    switch: readers see all of it at once, or nothing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_SHARD_WRITE_H
#define EVS_SHARD_WRITE_H

#include "event.h"
#include "handle.h"

/* A writer of the sharded live generation idx->gen_path in place
 * (EVS_MODE_WRITE): idx->db becomes all the shards together, read-only
 * (for the settings and the info), and the shard writers are opened at
 * the first write. */
evs_status evs_shardw__open(evs_index *idx, const evs_open_options *opts);

/* A sync or batch of the sharded live generation idx->live_name: copies
 * each shard into idx->parts and opens a writer on each copy. */
evs_status evs_shardw__open_sync(evs_index *idx, const evs_open_options *opts);

/* Writes the checked record rec (json, len: its text) to its shard.
 * seen: its id was given earlier through idx. */
evs_status evs_shardw__add(evs_index *idx, const evs_record *rec,
                           const char *json, size_t len, int seen,
                           evs_outcome *outcome, int *dup);

/* Deletes the event id from its shard (EVS_E_NOTFOUND when none). */
evs_status evs_shardw__delete(evs_index *idx, const char *id);

/* Commits every shard that was written, one after the other. */
evs_status evs_shardw__commit(evs_index *idx);

/* Sync and batch, before the switch: the deletes of a sync (vanish on
 * each shard's writer deletes the events not given again), and the
 * counts of the shards summed into idx (written, unchanged, deleted). */
evs_status evs_shardw__settle(evs_index *idx,
                              evs_status (*vanish)(evs_index *w));

/* Sync and batch: commits each copy and closes its writer, and the
 * read-only idx->db, so that the copies can be made shards. */
evs_status evs_shardw__finish(evs_index *idx);

/* Closes the shard writers: in place they commit (the status says
 * whether that worked); a copy is left as it is, for the caller to keep
 * or remove. Safe on any handle. */
evs_status evs_shardw__close(evs_index *idx);

#endif
