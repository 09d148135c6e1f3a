/* shard-write.c: writing into an index built as shards (shard-write.h).
 *
 * Each shard gets a handle of its own, made here as a writer of one
 * database (in place, or of a copy for a sync), so that everything a
 * writer of one database does (records packed with that database's
 * dictionary, unchanged records left alone, the documents a sync was
 * given again) is done per shard by the same code. The handle of the
 * index routes each record and delete to the shard of its id.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cluster.h"
#include "generation.h"
#include "held.h"
#include "settings.h"
#include "write.h"
#include "schema.h"
#include "shard-write.h"

struct evs_shardw {
	unsigned n;
	char **paths;   /* each shard's database (live, or its copy) */
	evs_index **w;  /* each shard's writer; NULL until opened */
	evs_mode mode;  /* of the shard writers */
};

static char *shard_path(const char *gen, unsigned k)
{
	char *s;
	if (asprintf(&s, "%s/shard-%u", gen, k) < 0)
		return NULL;
	return s;
}

/* How many shards the generation directory gen has (shard-0 ...). */
static unsigned count_shards(const char *gen)
{
	unsigned n = 0;
	for (;; n++) {
		struct stat sb;
		char *p = shard_path(gen, n);
		int there = p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
		free(p);
		if (!there)
			return n;
	}
}

/* Closes the writer of one shard: in place, what it holds is written and
 * committed (closing a Xapian writer commits); a copy is left as it is,
 * for the switch or the discard of the handle that owns it. */
static evs_status close_shard(evs_index *w)
{
	evs_status st = EVS_OK;
	if (!w)
		return EVS_OK;
	if (w->db) {
		char err[XS_ERRLEN];
		if (w->mode == EVS_MODE_WRITE)
			st = evs_index__release_held(w, 1);
		evs_status cst = xs_db_close(w->db, err);
		if (st == EVS_OK)
			st = cst;
	}
	evs_index__dispose(w);
	return st;
}

static evs_status commit_shard(evs_index *w)
{
	evs_status st = evs_index__release_held(w, 0);
	if (st == EVS_OK)
		st = xs_db_commit(w->db, w->errmsg);
	if (st == EVS_OK)
		w->uncommitted = 0;
	return st;
}

static void shardw_free(struct evs_shardw *sw)
{
	if (!sw)
		return;
	for (unsigned k = 0; k < sw->n; k++) {
		if (sw->w)
			close_shard(sw->w[k]);
		if (sw->paths)
			free(sw->paths[k]);
	}
	free(sw->paths);
	free(sw->w);
	free(sw);
}

static evs_status no_memory(evs_index *idx)
{
	return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
}

/* Gives idx a router over n shards, whose writers will be of mode. The
 * paths are filled by the caller. */
static evs_status shardw_new(evs_index *idx, unsigned n, evs_mode mode)
{
	struct evs_shardw *sw = calloc(1, sizeof *sw);
	if (!sw)
		return no_memory(idx);
	sw->n = n;
	sw->mode = mode;
	sw->paths = calloc(n, sizeof *sw->paths);
	sw->w = calloc(n, sizeof *sw->w);
	idx->shardw = sw;
	if (!sw->paths || !sw->w)
		return no_memory(idx);
	return EVS_OK;
}

/* Opens the writer of shard k: a handle of one database, with its
 * settings and its dictionary of stored records. */
static evs_status open_shard(evs_index *idx, unsigned k)
{
	struct evs_shardw *sw = idx->shardw;
	evs_index *w = calloc(1, sizeof *w);
	evs_status st;
	if (!w)
		return no_memory(idx);
	w->lock_fd = -1; /* the index's lock is idx's */
	w->writable = 1;
	w->mode = sw->mode;
	w->batch = idx->batch;
	w->dir = strdup(sw->paths[k]);
	w->gen_path = strdup(sw->paths[k]);
	w->gen_name = strdup(strrchr(sw->paths[k], '/') + 1);
	sw->w[k] = w;
	if (!w->dir || !w->gen_path || !w->gen_name)
		return no_memory(idx);
	st = sw->mode == EVS_MODE_WRITE
	         ? xs_db_open_writer(&w->db, w->gen_path, 0, w->errmsg)
	         : xs_db_open_fresh(&w->db, w->gen_path, 0, w->errmsg);
	if (st == EVS_OK)
		st = evs_index__load_settings(w);
	if (st == EVS_OK)
		st = evs_index__docdict_writer(w);
	if (st == EVS_E_LOCKED)
		return evs_index__fail(idx, st, "%s: shard %u is locked by another "
		                       "writer", idx->dir, k);
	if (st != EVS_OK)
		return evs_index__fail(idx, st, "%s: shard %u: %s", idx->dir, k,
		                       w->errmsg);
	return EVS_OK;
}

/* The writer of the shard of id (n bytes), opened when needed. */
static evs_status shard_of(evs_index *idx, const char *id, size_t n,
                           evs_index **out)
{
	struct evs_shardw *sw = idx->shardw;
	unsigned k = (unsigned)(evs_schema__id_hash(id, n) % sw->n);
	evs_status st = EVS_OK;
	if (!sw->w[k])
		st = open_shard(idx, k);
	*out = st == EVS_OK ? sw->w[k] : NULL;
	return st;
}

/* Makes idx->db all the shards of gen together, read-only, and reads
 * the settings from it (the same on each shard: a rebuild wrote them). */
static evs_status open_combined(evs_index *idx, const char *gen,
                                const evs_open_options *opts)
{
	evs_status st = evs_cluster__open_local(&idx->db, gen, idx->errmsg);
	if (st == EVS_OK)
		st = evs_index__load_settings(idx);
	if (st == EVS_OK && opts->stemmer && strcmp(opts->stemmer, idx->stemmer))
		st = evs_index__fail(idx, EVS_E_VERSION,
		                     "%s: index uses stemmer \"%s\", not \"%s\": "
		                     "rebuild it to change",
		                     idx->dir, idx->stemmer, opts->stemmer);
	return st;
}

evs_status evs_shardw__open(evs_index *idx, const evs_open_options *opts)
{
	unsigned n = count_shards(idx->gen_path);
	evs_status st = open_combined(idx, idx->gen_path, opts);
	if (st == EVS_OK)
		st = shardw_new(idx, n, EVS_MODE_WRITE);
	for (unsigned k = 0; st == EVS_OK && k < n; k++)
		if (!(idx->shardw->paths[k] = shard_path(idx->gen_path, k)))
			st = no_memory(idx);
	return st;
}

evs_status evs_shardw__open_sync(evs_index *idx, const evs_open_options *opts)
{
	evs_status st;
	char *live = NULL;
	if (asprintf(&live, "%s/%s", idx->dir, idx->live_name) < 0)
		return no_memory(idx);
	unsigned n = count_shards(live);
	if ((st = open_combined(idx, live, opts)) != EVS_OK ||
	    (st = shardw_new(idx, n, EVS_MODE_SYNC)) != EVS_OK)
		goto done;
	if (!(idx->parts = calloc(n, sizeof *idx->parts))) {
		st = no_memory(idx);
		goto done;
	}
	/* The copies are the parts that the switch makes shards of. */
	idx->shards = n;
	for (unsigned k = 0; k < n && st == EVS_OK; k++) {
		char *src = shard_path(live, k);
		if (!src || asprintf(&idx->parts[k], "%s.part-%u", idx->gen_path,
		                     k) < 0) {
			idx->parts[k] = NULL;
			free(src);
			st = no_memory(idx);
			break;
		}
		idx->nparts = k + 1;
		/* The writer lock is held: the live shards do not change while
		 * they are copied. */
		st = evs_gen__copy(src, idx->parts[k], idx->errmsg);
		free(src);
		if (st == EVS_OK && !(idx->shardw->paths[k] = strdup(idx->parts[k])))
			st = no_memory(idx);
		if (st == EVS_OK)
			st = open_shard(idx, k);
	}
done:
	free(live);
	return st;
}

evs_status evs_shardw__add(evs_index *idx, evs_record *rec, int seen,
                           evs_outcome *outcome, int *dup)
{
	evs_index *w;
	evs_status st = shard_of(idx, rec->id.p, rec->id.len, &w);
	if (st == EVS_OK &&
	    (st = evs_index__store_record(w, rec, seen, outcome, dup)) != EVS_OK)
		return evs_index__fail(idx, st, "%s", w->errmsg);
	if (st == EVS_OK && *outcome != EVS_UNCHANGED) {
		idx->uncommitted++;
		idx->written++;
	}
	return st;
}

evs_status evs_shardw__delete(evs_index *idx, const char *id)
{
	evs_index *w;
	evs_status st = shard_of(idx, id, strlen(id), &w);
	if (st == EVS_OK && ((st = evs_index__release_held(w, 0)) != EVS_OK ||
	                     (st = evs_index__delete_one(w, id)) != EVS_OK))
		evs_index__fail(idx, st, "%s", w->errmsg);
	return st;
}

evs_status evs_shardw__commit(evs_index *idx)
{
	struct evs_shardw *sw = idx->shardw;
	for (unsigned k = 0; k < sw->n; k++) {
		evs_status st = sw->w[k] ? commit_shard(sw->w[k]) : EVS_OK;
		if (st != EVS_OK)
			return evs_index__fail(idx, st, "%s: shard %u: %s", idx->dir, k,
			                       sw->w[k]->errmsg);
	}
	idx->uncommitted = 0;
	/* In place, the shards read together then show what was committed
	 * (evs_index_info_get through this handle). */
	if (sw->mode == EVS_MODE_WRITE)
		return xs_db_reopen(idx->db, idx->errmsg);
	return EVS_OK;
}

evs_status evs_shardw__settle(evs_index *idx)
{
	struct evs_shardw *sw = idx->shardw;
	idx->written = idx->unchanged = idx->deleted = 0;
	for (unsigned k = 0; k < sw->n; k++) {
		evs_index *w = sw->w[k];
		evs_status st;
		if (!idx->batch && (st = evs_index__delete_vanished(w)) != EVS_OK)
			return evs_index__fail(idx, st, "%s: shard %u: %s", idx->dir, k,
			                       w->errmsg);
		idx->written += w->written;
		idx->unchanged += w->unchanged;
		idx->deleted += w->deleted;
	}
	return EVS_OK;
}

evs_status evs_shardw__finish(evs_index *idx)
{
	struct evs_shardw *sw = idx->shardw;
	evs_status st = EVS_OK;
	for (unsigned k = 0; k < sw->n && st == EVS_OK; k++) {
		evs_index *w = sw->w[k];
		if ((st = evs_index__release_held(w, 1)) != EVS_OK ||
		    (st = commit_shard(w)) != EVS_OK)
			evs_index__fail(idx, st, "%s: shard %u: %s", idx->dir, k,
			                w->errmsg);
	}
	if (st != EVS_OK)
		return st;
	shardw_free(sw);
	idx->shardw = NULL;
	char ignore[XS_ERRLEN];
	xs_db_close(idx->db, ignore);
	idx->db = NULL;
	return EVS_OK;
}

evs_status evs_shardw__close(evs_index *idx)
{
	struct evs_shardw *sw = idx->shardw;
	evs_status st = EVS_OK;
	if (!sw)
		return EVS_OK;
	for (unsigned k = 0; k < sw->n; k++) {
		if (!sw->w || !sw->w[k])
			continue;
		/* In place, closing a writer commits what it has. */
		evs_status cst = close_shard(sw->w[k]);
		sw->w[k] = NULL;
		if (cst != EVS_OK && st == EVS_OK)
			st = evs_index__fail(idx, cst, "%s: shard %u: committing failed",
			                     idx->dir, k);
	}
	shardw_free(sw);
	idx->shardw = NULL;
	return st;
}
