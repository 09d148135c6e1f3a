/* rebuild.c: building a new generation beside the live one (rebuild and
 * sync), checking it, switching readers to it, and rolling back.
 *
 * A new generation is written without fsync (Xapian's DB_NO_SYNC): it is
 * not live, and a crash only loses a build that the next run redoes. Its
 * files are synced once, before the switch, which is made durable by
 * fsync of the directory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "generation.h"
#include "handle.h"
#include "parallel.h"
#include "rebuild.h"
#include "schema.h"
#include "shard-write.h"

static char *join(const char *a, const char *b)
{
	char *s;
	if (asprintf(&s, "%s/%s", a, b) < 0)
		return NULL;
	return s;
}

/* Reads the live generation's stemmer without judging its settings: a
 * rebuild is how an index of another schema version is renewed. */
static char *live_stemmer(xs_db *live)
{
	char *v = NULL, err[XS_ERRLEN];
	if (xs_db_get_metadata(live, EVS_META_STEMMER, &v, err) != EVS_OK)
		return NULL;
	if (!*v) {
		free(v);
		return NULL;
	}
	return v;
}

evs_status evs_index__open_rebuild(evs_index *idx, const evs_open_options *opts)
{
	evs_status st;
	char *previous = NULL, *stemmer = NULL;
	st = evs_gen__read_link(idx->dir, "current", &idx->live_name, idx->errmsg);
	if (st != EVS_OK)
		goto done;
	if ((st = evs_gen__read_link(idx->dir, "previous", &previous,
	                             idx->errmsg)) != EVS_OK)
		goto done;
	if (idx->live_name) {
		char *path = join(idx->dir, idx->live_name);
		if (!path) {
			st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			goto done;
		}
		st = evs_cluster__open_local(&idx->live, path, idx->errmsg);
		free(path);
		if (st == EVS_OK)
			st = xs_db_doccount(idx->live, &idx->live_events, idx->errmsg);
		if (st != EVS_OK) {
			if (idx->mode == EVS_MODE_SYNC)
				goto done;
			/* A damaged live generation is what a rebuild replaces. */
			char ignore[XS_ERRLEN];
			xs_db_close(idx->live, ignore);
			idx->live = NULL;
			idx->live_events = 0;
			st = EVS_OK;
		}
	}
	/* What killed writers left behind goes now; the live and previous
	 * generations stay. */
	evs_gen__clean(idx->dir, idx->live_name, previous);
	idx->gen_name = evs_gen__next_name(idx->dir);
	idx->gen_path = idx->gen_name ? join(idx->dir, idx->gen_name) : NULL;
	if (!idx->gen_path) {
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		goto done;
	}
	if (idx->mode == EVS_MODE_SYNC && !idx->live)
		idx->mode = EVS_MODE_REBUILD; /* nothing to start from */
	if (idx->mode == EVS_MODE_SYNC) {
		char *live_path = join(idx->dir, idx->live_name);
		int sharded = live_path && evs_cluster__is_sharded(live_path);
		free(live_path);
		if (sharded) {
			/* A copy of each shard, written by a writer of its own. */
			st = evs_shardw__open_sync(idx, opts);
			goto done;
		}
	}
	/* The new generation is written as parts, merged into gen_path at the
	 * switch: a rebuild has one per worker thread; a sync (or a batch) has
	 * a copy of the live generation first, then one per worker for the
	 * records that are new or changed. */
	unsigned n = opts->threads > 0 ? (unsigned)opts->threads
	                               : evs_pool__default_size();
	if (n > 16)
		n = 16;
	if (idx->mode == EVS_MODE_SYNC)
		n++;
	/* Shards: a part each (the pool gives each id the part of its hash),
	 * kept apart at the switch. */
	if (opts->version >= 2 && opts->shards > 1) {
		if (idx->mode != EVS_MODE_REBUILD || opts->shards > EVS_MAX_SHARDS) {
			st = evs_index__fail(idx, EVS_E_INVALID,
			                     "shards: %d; a rebuild makes 2 to %d",
			                     opts->shards, EVS_MAX_SHARDS);
			goto done;
		}
		n = idx->shards = (unsigned)opts->shards;
	}
	idx->parts = calloc(n, sizeof *idx->parts);
	if (!idx->parts) {
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		goto done;
	}
	for (unsigned k = 0; k < n; k++) {
		if (asprintf(&idx->parts[k], "%s.part-%u", idx->gen_path, k) < 0) {
			idx->parts[k] = NULL;
			st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			goto done;
		}
		idx->nparts = k + 1;
	}
	if (idx->mode == EVS_MODE_SYNC) {
		/* The writer lock is held, so the live files do not change while
		 * they are copied. */
		char *live_path = join(idx->dir, idx->live_name);
		if (!live_path) {
			st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			goto done;
		}
		st = evs_gen__copy(live_path, idx->parts[0], idx->errmsg);
		free(live_path);
		if (st != EVS_OK ||
		    (st = xs_db_open_fresh(&idx->db, idx->parts[0], 0, idx->errmsg)) !=
		        EVS_OK ||
		    (st = evs_index__load_settings(idx)) != EVS_OK)
			goto done;
		if (opts->stemmer && strcmp(opts->stemmer, idx->stemmer) != 0) {
			st = evs_index__fail(idx, EVS_E_VERSION,
			                     "%s: index uses stemmer \"%s\", not \"%s\": "
			                     "a sync keeps it; rebuild to change it",
			                     idx->dir, idx->stemmer, opts->stemmer);
			goto done;
		}
		st = evs_pool__start(&idx->pool, (const char *const *)idx->parts + 1,
		                     idx->nparts - 1, idx->stemmer, idx->errmsg);
		goto done;
	}
	stemmer = opts->stemmer ? strdup(opts->stemmer)
	                        : (idx->live ? live_stemmer(idx->live) : NULL);
	if (!stemmer && !(stemmer = strdup("english"))) {
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		goto done;
	}
	if (strcmp(stemmer, "none") != 0 &&
	    (st = xs_stem_new(&idx->stem, stemmer, idx->errmsg)) != EVS_OK) {
		st = evs_index__fail(idx, EVS_E_INVALID, "unknown stemmer \"%s\"",
		                     stemmer);
		goto done;
	}
	idx->schema_version = EVS_SCHEMA_VERSION;
	idx->stemmer = strdup(stemmer);
	idx->normalisation = strdup(EVS_NORMALISATION_NAME);
	if (!idx->stemmer || !idx->normalisation) {
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		goto done;
	}
	st = evs_pool__start(&idx->pool, (const char *const *)idx->parts,
	                     idx->nparts, stemmer, idx->errmsg);
done:
	free(previous);
	free(stemmer);
	return st;
}

void evs_index__discard(evs_index *idx)
{
	if (!idx || (idx->mode != EVS_MODE_REBUILD && idx->mode != EVS_MODE_SYNC) ||
	    idx->switched == 1)
		return;
	char ignore[XS_ERRLEN];
	evs_shardw__close(idx); /* a sharded sync's copies stay, to go below */
	evs_pool__free(idx->pool);
	idx->pool = NULL;
	if (idx->db) {
		xs_db_close(idx->db, ignore);
		idx->db = NULL;
	}
	if (idx->lock_fd < 0)
		return; /* another writer's files, not ours */
	for (unsigned k = 0; k < idx->nparts; k++)
		evs_gen__remove(idx->parts[k]);
	if (idx->gen_path)
		evs_gen__remove(idx->gen_path);
}

/* Merges the parts into the new generation (compacting it: smaller, and
 * faster to search) and removes them. */
static evs_status merge_parts(evs_index *idx)
{
	evs_status st = EVS_OK;
	char err[XS_ERRLEN];
	if ((st = evs_index__release_held(idx, 1)) != EVS_OK)
		return st;
	if (idx->shardw && (st = evs_shardw__finish(idx)) != EVS_OK)
		return st;
	if (idx->pool) {
		st = evs_pool__finish(idx->pool, idx->errmsg);
		evs_pool__free(idx->pool);
		idx->pool = NULL;
		if (st != EVS_OK)
			return st;
	}
	if (idx->db) { /* a sync's copy of the live generation */
		if ((st = evs_index_commit(idx)) != EVS_OK)
			return st;
		st = xs_db_close(idx->db, err);
		idx->db = NULL;
		if (st != EVS_OK)
			return evs_index__fail(idx, st, "%s: %s", idx->parts[0], err);
	}
	if (idx->shards)
		st = evs_cluster__make_shards(idx->gen_path, idx->parts, idx->nparts,
		                              err);
	else
		st = xs_compact((const char *const *)idx->parts, idx->nparts,
		                idx->gen_path, err);
	if (st != EVS_OK)
		return evs_index__fail(idx, st, "%s: merging the new generation: %s",
		                       idx->dir, err);
	for (unsigned k = 0; k < idx->nparts; k++)
		evs_gen__remove(idx->parts[k]);
	return EVS_OK;
}

/* Sync: the events of the copied live generation that the sources did not
 * give again. */
typedef struct vanished {
	evs_index *idx;
	unsigned *docids;
	size_t n, cap;
	int failed;
} vanished;

static int collect_vanished(void *ctx, unsigned docid, const char *val,
                            size_t len)
{
	vanished *v = ctx;
	(void)val;
	(void)len;
	if (evs_index__given(v->idx, docid))
		return 0;
	if (v->n == v->cap) {
		size_t c = v->cap ? v->cap * 2 : 256;
		unsigned *d = realloc(v->docids, c * sizeof *d);
		if (!d) {
			v->failed = 1;
			return 1;
		}
		v->docids = d;
		v->cap = c;
	}
	v->docids[v->n++] = docid;
	return 0;
}

static evs_status delete_vanished(evs_index *idx)
{
	vanished v = {idx, NULL, 0, 0, 0};
	evs_status st = xs_db_each_value(idx->db, EVS_SLOT_ID, collect_vanished, &v,
	                                 idx->errmsg);
	if (st == EVS_OK && v.failed)
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	for (size_t i = 0; st == EVS_OK && i < v.n; i++)
		st = xs_db_delete_docid(idx->db, v.docids[i], idx->errmsg);
	if (st == EVS_OK)
		idx->deleted = v.n;
	free(v.docids);
	return st;
}

/* Throws the new generation away after a failed check. */
static evs_status reject(evs_index *idx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static evs_status reject(evs_index *idx, const char *fmt, ...)
{
	va_list ap;
	char msg[EVS_ERRLEN];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	evs_index__discard(idx);
	idx->switched = -1;
	return evs_index__fail(idx, EVS_E_REJECTED,
	                       "%s: new generation rejected, the live index is "
	                       "unchanged: %s",
	                       idx->dir, msg);
}

/* A sync that changed nothing: the live generation stays, and with it
 * the one --rollback goes back to; the copy is thrown away. */
static evs_status keep_live(evs_index *idx, evs_switch_report *report)
{
	char err[XS_ERRLEN];
	evs_index__discard(idx);
	idx->switched = 1;
	if (report && report->version >= 1) {
		report->live_events = idx->live_events;
		report->new_events = idx->live_events;
		report->skipped = idx->skipped;
		report->unchanged = idx->unchanged;
		report->deleted = 0;
		report->dropped = 0;
		report->old_generation = NULL;
		report->new_generation = idx->live_name;
		char *path = join(idx->dir, idx->live_name);
		report->bytes = path ? evs_gen__bytes(path) : 0;
		free(path);
	}
	xs_db_close(idx->live, err);
	idx->live = NULL;
	free(idx->gen_name);
	free(idx->gen_path);
	idx->gen_name = strdup(idx->live_name);
	idx->gen_path = join(idx->dir, idx->live_name);
	if (idx->gen_path &&
	    xs_db_open_reader(&idx->db, idx->gen_path, err) == EVS_OK)
		evs_index__load_settings(idx);
	return EVS_OK;
}

evs_status evs_index_switch(evs_index *idx, const evs_switch_options *opts,
                            evs_switch_report *report)
{
	evs_switch_options def = EVS_SWITCH_OPTIONS_INIT;
	evs_status st = EVS_OK;
	uint64_t events = 0;
	evs_index__reset(idx);
	if (!opts)
		opts = &def;
	if ((idx->mode != EVS_MODE_REBUILD && idx->mode != EVS_MODE_SYNC) ||
	    idx->switched)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "not a rebuild or sync handle, or already "
		                       "switched");
	if (opts->version < 1 || opts->version > EVS_SWITCH_OPTIONS_VERSION)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "evs_switch_options version %d unknown",
		                       opts->version);
	if (idx->mode == EVS_MODE_SYNC) {
		if (idx->shardw)
			st = evs_shardw__settle(idx, delete_vanished);
		else if (!idx->batch)
			st = delete_vanished(idx);
		if (st != EVS_OK) {
			evs_index__discard(idx);
			idx->switched = -1;
			return st;
		}
		if (idx->written == 0 && idx->deleted == 0 && idx->nheld == 0)
			return keep_live(idx, report);
	}
	if ((st = merge_parts(idx)) != EVS_OK ||
	    (st = evs_gen__sync(idx->gen_path, idx->errmsg)) != EVS_OK) {
		/* Nothing is left to switch to: the build is thrown away. */
		evs_index__discard(idx);
		idx->switched = -1;
		return st;
	}
	char err[XS_ERRLEN];

	/* Check what readers will get: open it as they will. */
	xs_db *check = NULL;
	st = evs_cluster__open_local(&check, idx->gen_path, err);
	if (st == EVS_OK)
		st = xs_db_doccount(check, &events, err);
	char *schema = NULL;
	if (st == EVS_OK)
		st = xs_db_get_metadata(check, EVS_META_SCHEMA, &schema, err);
	xs_db_close(check, err);
	if (st != EVS_OK)
		return reject(idx, "it does not open: %s", err);
	int version = atoi(schema);
	free(schema);
	if (version != EVS_SCHEMA_VERSION)
		return reject(idx, "it has schema version %d", version);
	if (events < opts->min_events)
		return reject(idx,
		              "it has %llu events, fewer than the minimum of "
		              "%llu",
		              (unsigned long long)events,
		              (unsigned long long)opts->min_events);
	if (idx->live && opts->max_shrink_percent >= 0 && idx->live_events > 0 &&
	    events < idx->live_events) {
		double shrink =
		    100.0 * (double)(idx->live_events - events) / idx->live_events;
		if (shrink > opts->max_shrink_percent)
			return reject(idx,
			              "it has %llu events, %.1f%% fewer than the live "
			              "generation's %llu (the limit is %g%%)",
			              (unsigned long long)events, shrink,
			              (unsigned long long)idx->live_events,
			              opts->max_shrink_percent);
	}
	if (opts->max_errors >= 0 && idx->skipped > (uint64_t)opts->max_errors)
		return reject(idx,
		              "%llu bad records were skipped, more than the limit "
		              "of %lld",
		              (unsigned long long)idx->skipped,
		              (long long)opts->max_errors);

	/* The switch itself: one rename. */
	if ((st = evs_gen__set_link(idx->dir, "current", idx->gen_name,
	                            idx->errmsg)) != EVS_OK) {
		evs_index__discard(idx);
		idx->switched = -1;
		return st;
	}
	idx->switched = 1;
	/* Old generations go only once "previous" is right, so that the one
	 * to roll back to is never among them. */
	if (!idx->live_name ||
	    evs_gen__set_link(idx->dir, "previous", idx->live_name, err) == EVS_OK)
		evs_gen__clean(idx->dir, idx->gen_name, idx->live_name);
	if (report && report->version >= 1) {
		report->live_events = idx->live_events;
		report->new_events = events;
		report->skipped = idx->skipped;
		report->unchanged = idx->unchanged;
		report->deleted = idx->deleted;
		report->dropped = idx->mode == EVS_MODE_REBUILD && idx->live
		                      ? idx->live_events - idx->kept
		                      : 0;
		report->old_generation = idx->live_name;
		report->new_generation = idx->gen_name;
		report->bytes = evs_gen__bytes(idx->gen_path);
	}
	/* The handle now reads the generation it built; if that fails, the
	 * switch has still happened, and searches of the handle say so. */
	if (xs_db_open_reader(&idx->db, idx->gen_path, err) == EVS_OK)
		evs_index__load_settings(idx);
	return EVS_OK;
}

evs_status evs_index_rollback(const char *path, const evs_open_options *opts,
                              char **errmsg_out)
{
	char err[XS_ERRLEN] = "";
	char *cur = NULL, *prev = NULL, *prev_path = NULL;
	int fd = -1;
	xs_db *check = NULL;
	evs_status st;
	if (errmsg_out)
		*errmsg_out = NULL;
	if (!path) {
		snprintf(err, sizeof err, "no index path given");
		st = EVS_E_INVALID;
		goto done;
	}
	if (access(path, F_OK) < 0) {
		snprintf(err, sizeof err, "%s: no index there", path);
		st = EVS_E_NOTFOUND;
		goto done;
	}
	if ((st = evs_gen__lock(path, opts ? opts->wait_seconds : 0, &fd, err)) !=
	        EVS_OK ||
	    (st = evs_gen__read_link(path, "current", &cur, err)) != EVS_OK ||
	    (st = evs_gen__read_link(path, "previous", &prev, err)) != EVS_OK)
		goto done;
	if (!cur || !prev) {
		snprintf(err, sizeof err, "%s: no previous generation to roll back to",
		         path);
		st = EVS_E_NOTFOUND;
		goto done;
	}
	prev_path = join(path, prev);
	if (!prev_path) {
		st = EVS_E_NOMEM;
		snprintf(err, sizeof err, "out of memory");
		goto done;
	}
	if ((st = evs_cluster__open_local(&check, prev_path, err)) != EVS_OK) {
		char detail[XS_ERRLEN];
		snprintf(detail, sizeof detail, "%s", err);
		snprintf(err, sizeof err,
		         "%.200s: previous generation %.40s does "
		         "not open: %.200s",
		         path, prev, detail);
		st = EVS_E_CORRUPT;
		goto done;
	}
	if ((st = evs_gen__set_link(path, "current", prev, err)) != EVS_OK)
		goto done;
	st = evs_gen__set_link(path, "previous", cur, err);
done:
	if (check)
		xs_db_close(check, err);
	if (fd >= 0)
		close(fd);
	if (st != EVS_OK && errmsg_out)
		*errmsg_out = strdup(err);
	free(cur);
	free(prev);
	free(prev_path);
	return st;
}
