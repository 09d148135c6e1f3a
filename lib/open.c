/* open.c: opening, creating, committing and closing an evsearch index
 * directory.
 *
 * Layout of an index directory (docs/schema.md):
 *   DIR/current   symlink to the live generation ("gen-1"); readers open
 *                 it, so replacing it with rename(2) switches them at once
 *   DIR/gen-N/    a Xapian (glass) database
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cluster.h"
#include "docdata.h"
#include "generation.h"
#include "handle.h"
#include "held.h"
#include "rebuild.h"
#include "settings.h"
#include "shard-write.h"
#include "synonyms.h"
#include "util.h"

/* Creates path and its missing parents. */
static int mkdir_p(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0777) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

/* Whether dir holds only what evsearch itself puts there (generations,
 * its lock, links), as after an interrupted creation: then it may be
 * written into. */
static int only_generations(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int ok = 1;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		size_t len = strlen(n);
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
		    strcmp(n, "lock") == 0 || strcmp(n, "previous") == 0 ||
		    strncmp(n, "gen-", 4) == 0 ||
		    (len > 4 && strcmp(n + len - 4, ".tmp") == 0))
			continue;
		ok = 0;
	}
	closedir(d);
	return ok;
}

/* Makes a new index in dir: generation gen-1, its settings, and the
 * "current" link, which is made last so that an interrupted creation
 * leaves no index that looks complete. */
static evs_status create_index(evs_index *idx, const char *stemmer)
{
	evs_status st;
	if (!only_generations(idx->dir))
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "%s: exists and is not an evsearch index "
		                       "(no \"current\" link); refusing to write "
		                       "into it",
		                       idx->dir);
	/* Without "current", only what an interrupted creation leaves (one
	 * generation, no "previous") may be written over; anything more is an
	 * index that lost its link, and its generations are not ours to drop. */
	char *prev = NULL;
	evs_gen__read_link(idx->dir, "previous", &prev, idx->errmsg);
	char *next = evs_gen__next_name(idx->dir);
	int lost = prev || !next || strcmp(next, "gen-2") > 0 ||
	           strlen(next) > strlen("gen-2");
	free(prev);
	free(next);
	if (lost)
		return evs_index__fail(idx, EVS_E_CORRUPT,
		                       "%s: the \"current\" link is missing but "
		                       "generations are there: renew the index "
		                       "with evindex --rebuild",
		                       idx->dir);
	evs_gen__clean(idx->dir, NULL, NULL);
	if ((st = xs_db_open_writer(&idx->db, idx->gen_path, 2, idx->errmsg)) !=
	        EVS_OK ||
	    (st = evs_index__init_settings(idx, stemmer)) != EVS_OK ||
	    (st = xs_db_commit(idx->db, idx->errmsg)) != EVS_OK)
		return st;
	return evs_gen__set_link(idx->dir, "current", idx->gen_name, idx->errmsg);
}

/* Reads where dir/current points. */
static evs_status find_generation(evs_index *idx)
{
	char *link = evs_util__join(idx->dir, "current");
	if (!link)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	char target[256];
	ssize_t n = readlink(link, target, sizeof target - 1);
	int err = errno;
	free(link);
	if (n < 0) {
		struct stat sb;
		if (stat(idx->dir, &sb) < 0)
			return evs_index__fail(idx, EVS_E_NOTFOUND,
			                       "%s: no index there (create one with "
			                       "evindex)",
			                       idx->dir);
		if (!S_ISDIR(sb.st_mode))
			return evs_index__fail(idx, EVS_E_NOTFOUND,
			                       "%s: no index there (not a directory)",
			                       idx->dir);
		char *glass = evs_util__join(idx->dir, "iamglass");
		int bare = glass && access(glass, F_OK) == 0;
		free(glass);
		if (bare)
			return evs_index__fail(idx, EVS_E_INVALID,
			                       "%s: a bare Xapian database, not an "
			                       "evsearch index directory",
			                       idx->dir);
		if (err == EINVAL)
			return evs_index__fail(idx, EVS_E_CORRUPT,
			                       "%s/current: not a symbolic link", idx->dir);
		return evs_index__fail(idx, EVS_E_NOTFOUND,
		                       "%s: no index there (create one with "
		                       "evindex)",
		                       idx->dir);
	}
	target[n] = '\0';
	if (strchr(target, '/') || strncmp(target, "gen-", 4) != 0)
		return evs_index__fail(idx, EVS_E_CORRUPT,
		                       "%s/current: points to \"%s\", not to a "
		                       "generation",
		                       idx->dir, target);
	idx->gen_name = strdup(target);
	idx->gen_path = evs_util__join(idx->dir, target);
	if (!idx->gen_name || !idx->gen_path)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	return EVS_OK;
}

static void index_free(evs_index *idx)
{
	if (!idx)
		return;
	char ignore[XS_ERRLEN];
	evs_shardw__close(idx); /* after a failed open */
	if (idx->db)
		xs_db_close(idx->db, ignore);
	idx->db = NULL;
	evs_cluster__free(idx->cluster);
	if (idx->live)
		xs_db_close(idx->live, ignore);
	if (idx->lock_fd >= 0)
		close(idx->lock_fd);
	evs_synonyms__free(idx->synonyms);
	evs_index__dispose(idx);
}

/* Opens the live generation of idx->dir, as a reader or a writer. */
static evs_status open_live(evs_index *idx, const evs_open_options *opts)
{
	const char *stemmer = opts->stemmer ? opts->stemmer : "english";
	evs_status st = find_generation(idx);
	if (st == EVS_E_NOTFOUND && idx->writable &&
	    (opts->flags & EVS_OPEN_CREATE)) {
		idx->gen_name = strdup("gen-1");
		idx->gen_path = evs_util__join(idx->dir, "gen-1");
		if (!idx->gen_name || !idx->gen_path)
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		return create_index(idx, stemmer);
	}
	if (st != EVS_OK)
		return st;
	if (idx->writable) {
		/* The one writer clears what killed writers left (parts of a
		 * build, generations being removed), keeping the rollback one. */
		char *prev = NULL, ignore[XS_ERRLEN];
		evs_gen__read_link(idx->dir, "previous", &prev, ignore);
		evs_gen__clean(idx->dir, idx->gen_name, prev);
		free(prev);
	}
	if (evs_cluster__is_sharded(idx->gen_path)) {
		if (!idx->writable)
			return evs_cluster__open_gen(idx, opts);
		return evs_shardw__open(idx, opts);
	}
	st = idx->writable
	         ? xs_db_open_writer(&idx->db, idx->gen_path, 0, idx->errmsg)
	         : xs_db_open_reader(&idx->db, idx->gen_path, idx->errmsg);
	if (st != EVS_OK) {
		char detail[EVS_ERRLEN];
		snprintf(detail, sizeof detail, "%s", idx->errmsg);
		if (st == EVS_E_LOCKED)
			return evs_index__fail(idx, st,
			                       "%s: index is locked by another writer",
			                       idx->dir);
		if (st == EVS_E_NOTFOUND || st == EVS_E_CORRUPT)
			return evs_index__fail(idx, EVS_E_CORRUPT,
			                       "%s: generation %s is missing or damaged "
			                       "(%s): rebuild the index (evindex "
			                       "--rebuild)",
			                       idx->dir, idx->gen_name, detail);
		return evs_index__fail(idx, st, "%s: %s", idx->dir, detail);
	}
	if ((st = evs_index__load_settings(idx)) != EVS_OK)
		return st;
	if (opts->stemmer && strcmp(opts->stemmer, idx->stemmer) != 0)
		return evs_index__fail(idx, EVS_E_VERSION,
		                       "%s: index uses stemmer \"%s\", not \"%s\": "
		                       "rebuild it to change",
		                       idx->dir, idx->stemmer, opts->stemmer);
	return EVS_OK;
}

/* What evs_index_open checks before it touches the disk: the path, the
 * options' version and the stemmer asked for; and what idx is opened for
 * (idx->dir, mode, writable). */
static evs_status check_open(evs_index *idx, const char *path,
                             const evs_open_options *opts)
{
	if (!path || !*path)
		return evs_index__fail(idx, EVS_E_INVALID, "no index path given");
	if (opts->version < 1 || opts->version > EVS_OPEN_OPTIONS_VERSION)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "evs_open_options version %d unknown",
		                       opts->version);
	idx->dir = strdup(path);
	if (!idx->dir)
		return EVS_E_NOMEM;
	int f = opts->flags;
	idx->batch = (f & EVS_OPEN_BATCH) && !(f & EVS_OPEN_SYNC);
	idx->mode = f & (EVS_OPEN_SYNC | EVS_OPEN_BATCH) ? EVS_MODE_SYNC
	            : f & EVS_OPEN_REBUILD ? EVS_MODE_REBUILD
	            : f & EVS_OPEN_WRITE   ? EVS_MODE_WRITE
	                                   : EVS_MODE_READ;
	idx->writable = idx->mode != EVS_MODE_READ;
	if (opts->stemmer && strcmp(opts->stemmer, "none") != 0) {
		/* Refuse an unknown language before anything is created. */
		xs_stem *probe = NULL;
		if (xs_stem_new(&probe, opts->stemmer, idx->errmsg) != EVS_OK)
			return evs_index__fail(idx, EVS_E_INVALID,
			                       "unknown stemmer \"%s\" (try english, "
			                       "french, german, ... or none)",
			                       opts->stemmer);
		xs_stem_free(probe);
	}
	return EVS_OK;
}

/* A writer's directory, made when missing (EVS_OPEN_CREATE), and its
 * lock: one writer at a time, whatever it does. The lock is taken before
 * anything is read, so that what is read stays true. */
static evs_status lock_dir(evs_index *idx, const evs_open_options *opts)
{
	struct stat sb;
	if (stat(idx->dir, &sb) < 0) {
		if (!(opts->flags & EVS_OPEN_CREATE))
			return evs_index__fail(idx, EVS_E_NOTFOUND,
			                       "%s: no index there (create one with "
			                       "evindex)",
			                       idx->dir);
		if (mkdir_p(idx->dir) < 0)
			return evs_index__fail(idx, EVS_E_IO, "%s: cannot create: %s",
			                       idx->dir, strerror(errno));
	} else if (!S_ISDIR(sb.st_mode)) {
		return evs_index__fail(idx, EVS_E_INVALID, "%s: not a directory",
		                       idx->dir);
	}
	char *link = evs_util__join(idx->dir, "current");
	struct stat lb;
	int fresh = link && lstat(link, &lb) < 0;
	free(link);
	if (fresh && !only_generations(idx->dir))
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "%s: exists and is not an evsearch index "
		                       "(no \"current\" link); refusing to write "
		                       "into it",
		                       idx->dir);
	return evs_gen__lock(idx->dir, opts->wait_seconds, &idx->lock_fd,
	                     idx->errmsg);
}

/* Sets up what idx was opened for: a new generation (rebuild, sync), a
 * reader of a cluster file, or the live generation. */
static evs_status open_for(evs_index *idx, const char *path,
                           const evs_open_options *opts)
{
	if (idx->mode == EVS_MODE_REBUILD || idx->mode == EVS_MODE_SYNC)
		return evs_index__open_rebuild(idx, opts);
	if (idx->mode == EVS_MODE_READ && evs_cluster__is_file(path))
		return evs_cluster__open_file(idx, opts);
	evs_status st = open_live(idx, opts);
	/* A reader that lost a race with two quick switches (the link
	 * read, then its generation removed) opens the new one. */
	for (int tries = 0;
	     tries < 3 && st == EVS_E_CORRUPT && idx->mode == EVS_MODE_READ;
	     tries++) {
		char *now = NULL, ignore[XS_ERRLEN];
		evs_gen__read_link(idx->dir, "current", &now, ignore);
		int moved = now && idx->gen_name && strcmp(now, idx->gen_name) != 0;
		free(now);
		if (!moved)
			break;
		free(idx->gen_name);
		free(idx->gen_path);
		idx->gen_name = idx->gen_path = NULL;
		if (idx->db)
			xs_db_close(idx->db, ignore);
		idx->db = NULL;
		evs_cluster__free(idx->cluster);
		idx->cluster = NULL;
		st = open_live(idx, opts);
	}
	return st;
}

evs_status evs_index_open(evs_index **out, const char *path,
                          const evs_open_options *opts, char **errmsg_out)
{
	evs_index *idx = NULL;
	evs_status st = EVS_OK;
	evs_open_options def = EVS_OPEN_OPTIONS_INIT;
	*out = NULL;
	if (errmsg_out)
		*errmsg_out = NULL;
	if (!opts)
		opts = &def;
	idx = calloc(1, sizeof *idx);
	if (!idx) {
		st = EVS_E_NOMEM;
		goto done;
	}
	idx->lock_fd = -1;
	if ((st = check_open(idx, path, opts)) != EVS_OK ||
	    (idx->writable && (st = lock_dir(idx, opts)) != EVS_OK) ||
	    (st = open_for(idx, path, opts)) != EVS_OK)
		goto done;
	if (idx->writable)
		st = evs_index__docdict_writer(idx);
done:
	if (st != EVS_OK) {
		if (errmsg_out) {
			if (st == EVS_E_NOMEM || !idx)
				*errmsg_out = strdup("out of memory");
			else
				*errmsg_out = strdup(idx->errmsg);
		}
		if (idx)
			evs_index__discard(idx);
		index_free(idx);
		return st;
	}
	evs_index__reset(idx);
	*out = idx;
	return EVS_OK;
}

evs_status evs_index_commit(evs_index *idx)
{
	evs_index__reset(idx);
	if (!idx->writable)
		return evs_index__fail(idx, EVS_E_READONLY,
		                       "the index is open read-only");
	if (idx->pool || idx->switched)
		return EVS_OK; /* parts flush themselves; the switch syncs */
	if (idx->shardw)
		return evs_shardw__commit(idx);
	if (!idx->db)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "the new generation failed; open the index "
		                       "again");
	evs_status st = evs_index__release_held(idx, 0);
	if (st == EVS_OK)
		st = xs_db_commit(idx->db, idx->errmsg);
	if (st == EVS_OK)
		idx->uncommitted = 0;
	return st;
}

evs_status evs_index_close(evs_index *idx)
{
	if (!idx)
		return EVS_OK;
	evs_status st = EVS_OK;
	if (idx->mode == EVS_MODE_REBUILD || idx->mode == EVS_MODE_SYNC) {
		/* A generation that was never switched to is thrown away. */
		evs_index__discard(idx);
	} else if (idx->db) {
		char err[XS_ERRLEN];
		st = evs_index__release_held(idx, 1);
		evs_status cst = xs_db_close(idx->db, err);
		if (st == EVS_OK)
			st = cst;
		idx->db = NULL;
	}
	evs_status sst = evs_shardw__close(idx);
	if (st == EVS_OK)
		st = sst;
	index_free(idx);
	return st;
}

evs_status evs_index_reopen(evs_index *idx)
{
	char *target = NULL, *path = NULL;
	xs_db *db = NULL;
	evs_settings set;
	evs_status st;
	memset(&set, 0, sizeof set);
	evs_index__reset(idx);
	idx->synonyms_read = 0; /* the operator may have changed them */
	if (!idx->db) {
		st = evs_index__fail(idx, EVS_E_INVALID,
		                     "the new generation is being built");
		goto done;
	}
	if (idx->mode != EVS_MODE_READ) {
		st = xs_db_reopen(idx->db, idx->errmsg);
		goto done;
	}
	if (idx->cluster) {
		st = evs_cluster__reopen(idx);
		goto done;
	}
	/* A writer may give a generation without one its dictionary. */
	if (idx->docdict.len == 0)
		idx->docdict_read = 0;
	/* Follow a switch: Xapian's reopen stays in the generation it has. */
	if ((st = evs_gen__read_link(idx->dir, "current", &target, idx->errmsg)) !=
	    EVS_OK)
		goto done;
	if (!target || strcmp(target, idx->gen_name) == 0) {
		st = xs_db_reopen(idx->db, idx->errmsg);
		goto done;
	}
	if (!(path = evs_util__join(idx->dir, target))) {
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		goto done;
	}
	if (evs_cluster__is_sharded(path)) {
		st = evs_cluster__reopen(idx);
		goto done;
	}
	/* The new generation is checked before the handle lets go of the old:
	 * on any failure the handle goes on answering as before. */
	if ((st = xs_db_open_reader(&db, path, idx->errmsg)) != EVS_OK ||
	    (st = evs_settings__read(idx, db, &set)) != EVS_OK)
		goto done;
	char ignore[XS_ERRLEN];
	xs_db_close(idx->db, ignore);
	free(idx->gen_name);
	free(idx->gen_path);
	idx->db = db;
	idx->gen_name = target;
	idx->gen_path = path;
	evs_settings__apply(idx, &set);
	evs_buf__clear(&idx->docdict);
	idx->docdict_read = 0;
	db = NULL;
	target = path = NULL;
done:
	if (db) {
		char ignore[XS_ERRLEN];
		xs_db_close(db, ignore);
	}
	evs_settings__dispose(&set);
	free(target);
	free(path);
	return st;
}

evs_status evs_index_info_get(evs_index *idx, evs_index_info *out)
{
	evs_index__reset(idx);
	if (!out || out->version < 1)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "evs_index_info: version not set");
	if (!idx->db)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "the new generation is being built");
	evs_status st = evs_index__release_held(idx, 0);
	if (st == EVS_OK)
		st = xs_db_doccount(idx->db, &out->events, idx->errmsg);
	if (st != EVS_OK)
		return st;
	out->bytes = evs_gen__bytes(idx->gen_path);
	out->schema_version = idx->schema_version;
	out->stemmer = idx->stemmer;
	out->normalisation = idx->normalisation;
	out->generation = idx->gen_name;
	out->path = idx->gen_path;
	return EVS_OK;
}
