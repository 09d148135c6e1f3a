/* index.c: opening, creating and writing an evsearch index directory.
 *
 * Layout of an index directory (docs/schema.md):
 *   DIR/current   symlink to the live generation ("gen-1"); readers open
 *                 it, so replacing it with rename(2) switches them at once
 *   DIR/gen-N/    a Xapian (glass) database
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "docdata.h"
#include "event.h"
#include "generation.h"
#include "handle.h"
#include "ics/ics.h"
#include "ics/read.h"
#include "parallel.h"
#include "reader.h"
#include "rebuild.h"
#include "schema.h"
#include "sha256.h"
#include "shard-write.h" /* issue 15 hook */
#include "synonyms.h"

#define DEFAULT_COMMIT_EVERY 10000
/* Unknown keys and time zones of one file it remembers, to warn once. */
#define MAX_NOTED 256

const char *evs_version(void)
{
	return EVSEARCH_VERSION_STRING;
}

const char *evs_status_str(evs_status status)
{
	switch (status) {
	case EVS_OK: return "ok";
	case EVS_E_INVALID: return "invalid";
	case EVS_E_NOTFOUND: return "not found";
	case EVS_E_QUERY_SYNTAX: return "query syntax error";
	case EVS_E_LOCKED: return "locked";
	case EVS_E_MODIFIED: return "modified";
	case EVS_E_CORRUPT: return "corrupt";
	case EVS_E_VERSION: return "version mismatch";
	case EVS_E_NOMEM: return "out of memory";
	case EVS_E_IO: return "I/O error";
	case EVS_E_READONLY: return "read-only";
	case EVS_E_CANCELLED: return "cancelled";
	case EVS_E_BACKEND: return "backend error";
	case EVS_E_REJECTED: return "rejected";
	case EVS_E_UNAVAILABLE: return "shard unavailable";
	}
	return "unknown status";
}

void evs_free(void *ptr)
{
	free(ptr);
}

evs_status evs_index__fail(evs_index *idx, evs_status status, const char *fmt,
                           ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(idx->errmsg, sizeof idx->errmsg, fmt, ap);
	va_end(ap);
	return status;
}

void evs_index__reset(evs_index *idx)
{
	idx->errmsg[0] = '\0';
}

const char *evs_errmsg(const evs_index *idx)
{
	return idx ? idx->errmsg : "no index handle";
}

size_t evs_index__stem(evs_index *idx, const char *word, size_t len, char *out,
                       size_t cap)
{
	if (idx->stem)
		return xs_stem_word(idx->stem, word, len, out, cap);
	size_t n = len < cap ? len : cap - 1;
	memcpy(out, word, n);
	out[n] = '\0';
	return n;
}

static char *join(const char *a, const char *b)
{
	char *s;
	if (asprintf(&s, "%s/%s", a, b) < 0)
		return NULL;
	return s;
}

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

/* An index's settings, read from its metadata. */
typedef struct settings {
	int schema_version;
	char *stemmer, *normalisation;
	xs_stem *stem;
} settings;

static void settings_dispose(settings *s)
{
	free(s->stemmer);
	free(s->normalisation);
	xs_stem_free(s->stem);
	memset(s, 0, sizeof *s);
}

/* Reads and checks the settings of db into *s, with messages on idx. */
static evs_status read_settings(evs_index *idx, xs_db *db, settings *s)
{
	char *v = NULL;
	evs_status st;
	memset(s, 0, sizeof *s);
	if ((st = xs_db_get_metadata(db, EVS_META_SCHEMA, &v, idx->errmsg)) !=
	    EVS_OK)
		goto done;
	s->schema_version = atoi(v);
	if (s->schema_version != EVS_SCHEMA_VERSION) {
		st = evs_index__fail(idx, EVS_E_VERSION,
		                     "%s: index has schema version %d, this evsearch "
		                     "needs %d: rebuild it (evindex --rebuild)",
		                     idx->dir, s->schema_version, EVS_SCHEMA_VERSION);
		goto done;
	}
	if ((st = xs_db_get_metadata(db, EVS_META_NORMALISATION, &s->normalisation,
	                             idx->errmsg)) != EVS_OK)
		goto done;
	if (strcmp(s->normalisation, EVS_NORMALISATION_NAME) != 0) {
		st =
		    evs_index__fail(idx, EVS_E_VERSION,
		                    "%s: index uses text normalisation \"%s\", this "
		                    "evsearch uses \"%s\": rebuild it (evindex "
		                    "--rebuild)",
		                    idx->dir, s->normalisation, EVS_NORMALISATION_NAME);
		goto done;
	}
	if ((st = xs_db_get_metadata(db, EVS_META_STEMMER, &s->stemmer,
	                             idx->errmsg)) != EVS_OK)
		goto done;
	if (strcmp(s->stemmer, "none") != 0 &&
	    xs_stem_new(&s->stem, s->stemmer, idx->errmsg) != EVS_OK) {
		st = evs_index__fail(idx, EVS_E_VERSION,
		                     "%s: index uses stemmer \"%s\", which this "
		                     "Xapian does not have",
		                     idx->dir, s->stemmer);
		goto done;
	}
done:
	free(v);
	if (st != EVS_OK)
		settings_dispose(s);
	return st;
}

/* Gives idx the settings s (which are moved). */
static void apply_settings(evs_index *idx, settings *s)
{
	free(idx->stemmer);
	free(idx->normalisation);
	xs_stem_free(idx->stem);
	idx->schema_version = s->schema_version;
	idx->stemmer = s->stemmer;
	idx->normalisation = s->normalisation;
	idx->stem = s->stem;
	memset(s, 0, sizeof *s);
}

evs_status evs_index__load_settings(evs_index *idx)
{
	settings s;
	evs_status st = read_settings(idx, idx->db, &s);
	if (st == EVS_OK)
		apply_settings(idx, &s);
	return st;
}

evs_status evs_index__init_settings(evs_index *idx, const char *stemmer)
{
	evs_status st;
	if (strcmp(stemmer, "none") != 0 &&
	    xs_stem_new(&idx->stem, stemmer, idx->errmsg) != EVS_OK)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "unknown stemmer \"%s\" (try english, "
		                       "french, german, ... or none)",
		                       stemmer);
	char ver[16];
	snprintf(ver, sizeof ver, "%d", EVS_SCHEMA_VERSION);
	if ((st = xs_db_set_metadata(idx->db, EVS_META_SCHEMA, ver, idx->errmsg)) !=
	        EVS_OK ||
	    (st = xs_db_set_metadata(idx->db, EVS_META_STEMMER, stemmer,
	                             idx->errmsg)) != EVS_OK ||
	    (st = xs_db_set_metadata(idx->db, EVS_META_NORMALISATION,
	                             EVS_NORMALISATION_NAME, idx->errmsg)) !=
	        EVS_OK)
		return st;
	idx->schema_version = EVS_SCHEMA_VERSION;
	free(idx->stemmer);
	free(idx->normalisation);
	idx->stemmer = strdup(stemmer);
	idx->normalisation = strdup(EVS_NORMALISATION_NAME);
	if (!idx->stemmer || !idx->normalisation)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	return EVS_OK;
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
	char *link = join(idx->dir, "current");
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
		char *glass = join(idx->dir, "iamglass");
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
	idx->gen_path = join(idx->dir, target);
	if (!idx->gen_name || !idx->gen_path)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	return EVS_OK;
}

static void index_free(evs_index *idx)
{
	if (!idx)
		return;
	char ignore[XS_ERRLEN];
	evs_shardw__close(idx); /* issue 15 hook: after a failed open */
	if (idx->db)
		xs_db_close(idx->db, ignore);
	evs_cluster__free(idx->cluster);
	if (idx->live)
		xs_db_close(idx->live, ignore);
	if (idx->lock_fd >= 0)
		close(idx->lock_fd);
	free(idx->live_name);
	xs_stem_free(idx->stem);
	free(idx->dir);
	free(idx->gen_name);
	free(idx->gen_path);
	free(idx->stemmer);
	free(idx->normalisation);
	free(idx->seen);
	free(idx->given);
	for (size_t i = 0; i < idx->nheld; i++)
		evs_record__dispose(&idx->held[i]);
	free(idx->held);
	free(idx->held_seen);
	evs_buf__dispose(&idx->dict_src);
	evs_buf__dispose(&idx->docdict);
	evs_packer__free(idx->packer);
	for (unsigned i = 0; i < idx->nparts; i++)
		free(idx->parts[i]);
	free(idx->parts);
	evs_normalize__dispose(&idx->nz);
	evs_synonyms__free(idx->synonyms);
	free(idx->synonyms_path);
	free(idx);
}

/* Opens the live generation of idx->dir, as a reader or a writer. */
static evs_status open_live(evs_index *idx, const evs_open_options *opts)
{
	const char *stemmer = opts->stemmer ? opts->stemmer : "english";
	evs_status st = find_generation(idx);
	if (st == EVS_E_NOTFOUND && idx->writable &&
	    (opts->flags & EVS_OPEN_CREATE)) {
		idx->gen_name = strdup("gen-1");
		idx->gen_path = join(idx->dir, "gen-1");
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
		return evs_shardw__open(idx, opts); /* issue 15 hook */
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
	if (!path || !*path) {
		st = evs_index__fail(idx, EVS_E_INVALID, "no index path given");
		goto done;
	}
	if (opts->version < 1 || opts->version > EVS_OPEN_OPTIONS_VERSION) {
		st = evs_index__fail(idx, EVS_E_INVALID,
		                     "evs_open_options version %d unknown",
		                     opts->version);
		goto done;
	}
	idx->dir = strdup(path);
	if (!idx->dir) {
		st = EVS_E_NOMEM;
		goto done;
	}
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
		if (xs_stem_new(&probe, opts->stemmer, idx->errmsg) != EVS_OK) {
			st = evs_index__fail(idx, EVS_E_INVALID,
			                     "unknown stemmer \"%s\" (try english, "
			                     "french, german, ... or none)",
			                     opts->stemmer);
			goto done;
		}
		xs_stem_free(probe);
	}
	if (idx->writable) {
		/* One writer at a time, whatever it does: the lock is taken before
		 * anything is read, so that what is read stays true. */
		struct stat sb;
		if (stat(idx->dir, &sb) < 0) {
			if (!(f & EVS_OPEN_CREATE)) {
				st = evs_index__fail(idx, EVS_E_NOTFOUND,
				                     "%s: no index there (create one with "
				                     "evindex)",
				                     idx->dir);
				goto done;
			}
			if (mkdir_p(idx->dir) < 0) {
				st = evs_index__fail(idx, EVS_E_IO, "%s: cannot create: %s",
				                     idx->dir, strerror(errno));
				goto done;
			}
		} else if (!S_ISDIR(sb.st_mode)) {
			st = evs_index__fail(idx, EVS_E_INVALID, "%s: not a directory",
			                     idx->dir);
			goto done;
		}
		char *link = join(idx->dir, "current");
		struct stat lb;
		int fresh = link && lstat(link, &lb) < 0;
		free(link);
		if (fresh && !only_generations(idx->dir)) {
			st = evs_index__fail(idx, EVS_E_INVALID,
			                     "%s: exists and is not an evsearch index "
			                     "(no \"current\" link); refusing to write "
			                     "into it",
			                     idx->dir);
			goto done;
		}
		st = evs_gen__lock(idx->dir, opts->wait_seconds, &idx->lock_fd,
		                   idx->errmsg);
		if (st != EVS_OK)
			goto done;
	}
	if (idx->mode == EVS_MODE_REBUILD || idx->mode == EVS_MODE_SYNC) {
		st = evs_index__open_rebuild(idx, opts);
	} else if (idx->mode == EVS_MODE_READ && evs_cluster__is_file(path)) {
		st = evs_cluster__open_file(idx, opts);
	} else {
		st = open_live(idx, opts);
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
	}
	if (st == EVS_OK && idx->writable)
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
	if (idx->shardw) /* issue 15 hook */
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
	evs_status sst = evs_shardw__close(idx); /* issue 15 hook */
	if (st == EVS_OK)
		st = sst;
	index_free(idx);
	return st;
}

evs_status evs_index_reopen(evs_index *idx)
{
	char *target = NULL, *path = NULL;
	xs_db *db = NULL;
	settings set;
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
	if (!(path = join(idx->dir, target))) {
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
	    (st = read_settings(idx, db, &set)) != EVS_OK)
		goto done;
	char ignore[XS_ERRLEN];
	xs_db_close(idx->db, ignore);
	free(idx->gen_name);
	free(idx->gen_path);
	idx->db = db;
	idx->gen_name = target;
	idx->gen_path = path;
	apply_settings(idx, &set);
	evs_buf__clear(&idx->docdict);
	idx->docdict_read = 0;
	db = NULL;
	target = path = NULL;
done:
	if (db) {
		char ignore[XS_ERRLEN];
		xs_db_close(db, ignore);
	}
	settings_dispose(&set);
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

/* FNV-1a: to notice repeated ids cheaply. A miss is exact (an id always
 * has the same hash), which lets a rebuild add an id's first record
 * without looking it up. A hit may be a collision: where a database is
 * at hand it is confirmed by the database having the id; in a rebuild it
 * costs only a replace_document lookup and a repeated-id warning. */
int evs_index__given(const evs_index *idx, unsigned docid)
{
	return (size_t)docid / 8 < idx->given_len &&
	       (idx->given[docid / 8] >> (docid % 8) & 1);
}

/* Sync: notes that the document docid was given again. */
static evs_status mark_docid(evs_index *idx, unsigned docid)
{
	if ((size_t)docid / 8 >= idx->given_len) {
		size_t n = idx->given_len ? idx->given_len : 1024;
		while (n <= (size_t)docid / 8)
			n *= 2;
		unsigned char *g = realloc(idx->given, n);
		if (!g)
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		memset(g + idx->given_len, 0, n - idx->given_len);
		idx->given = g;
		idx->given_len = n;
	}
	idx->given[docid / 8] |= (unsigned char)(1u << (docid % 8));
	return EVS_OK;
}

/* Sync: notes that the document indexed by uterm was given again. */
static evs_status mark_given(evs_index *idx, const char *uterm, size_t len)
{
	unsigned docid = 0;
	evs_status st =
	    xs_db_docid_by_term(idx->db, uterm, len, &docid, idx->errmsg);
	if (st != EVS_OK || docid == 0)
		return st;
	return mark_docid(idx, docid);
}

/* Whether h is in the seen set. */
static int seen_has(const evs_index *idx, uint64_t h)
{
	for (size_t j = h & (idx->seen_cap - 1); idx->seen_cap && idx->seen[j];
	     j = (j + 1) & (idx->seen_cap - 1))
		if (idx->seen[j] == h)
			return 1;
	return 0;
}

/* Adds h to the seen set; returns 1 when it was there already, 0 when
 * added, -1 when out of memory. */
static int seen_add(evs_index *idx, uint64_t h)
{
	if (idx->nseen * 2 >= idx->seen_cap) {
		size_t cap = idx->seen_cap ? idx->seen_cap * 2 : 1024;
		uint64_t *t = calloc(cap, sizeof *t);
		if (!t)
			return -1;
		for (size_t i = 0; i < idx->seen_cap; i++) {
			uint64_t v = idx->seen[i];
			if (!v)
				continue;
			size_t j = v & (cap - 1);
			while (t[j])
				j = (j + 1) & (cap - 1);
			t[j] = v;
		}
		free(idx->seen);
		idx->seen = t;
		idx->seen_cap = cap;
	}
	size_t j = h & (idx->seen_cap - 1);
	while (idx->seen[j]) {
		if (idx->seen[j] == h)
			return 1;
		j = (j + 1) & (idx->seen_cap - 1);
	}
	idx->seen[j] = h;
	idx->nseen++;
	return 0;
}

/* Sync and batch: the record's id is in the copy of the live generation
 * as docid; whether it is there as it is (*same). The hash is that of
 * evs_event__document(), made without building the document. */
static evs_status same_as_copy(evs_index *idx, const evs_record *rec,
                               int *same)
{
	char hash[65], *old_hash = NULL;
	char *data = json_dumps(rec->root, JSON_COMPACT);
	if (!data)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	evs_sha256__hex(data, strlen(data), hash);
	free(data);
	evs_status st = xs_db_value_by_term(idx->db, rec->uterm.p, rec->uterm.len,
	                                    EVS_SLOT_HASH, &old_hash, idx->errmsg);
	*same = st == EVS_OK && strcmp(old_hash, hash) == 0;
	free(old_hash);
	return st;
}

/* Sync and batch, on the parallel path: a record the copy of the live
 * generation has as it is stays there; otherwise its event (if any)
 * leaves the copy and the record goes to the worker that owns its id.
 * An id still in the copy had only unchanged records before in this
 * run (a changed one took it out). */
static evs_status write_batch(evs_index *idx, evs_record *rec, int seen,
                              evs_outcome *outcome, int *dup)
{
	unsigned docid = 0;
	int same = 0;
	evs_status st = xs_db_docid_by_term(idx->db, rec->uterm.p,
	                                    rec->uterm.len, &docid, idx->errmsg);
	if (st == EVS_OK && docid)
		st = same_as_copy(idx, rec, &same);
	if (st != EVS_OK)
		return st;
	*dup = seen;
	if (same) {
		*outcome = EVS_UNCHANGED;
		idx->unchanged++;
		return idx->batch ? EVS_OK : mark_docid(idx, docid);
	}
	*outcome = seen || docid ? EVS_REPLACED : EVS_ADDED;
	if (docid &&
	    (st = xs_db_delete_docid(idx->db, docid, idx->errmsg)) != EVS_OK)
		return st;
	idx->written++;
	return evs_pool__add(idx->pool, rec, !seen, idx->errmsg);
}

/* Writes one checked record (moved out of rec): to the worker that owns
 * its id, or into the database. seen: its id was added earlier through
 * this handle. */
static evs_status write_record(evs_index *idx, evs_record *rec, int seen,
                               evs_outcome *outcome, int *dup)
{
	xs_doc *doc = NULL;
	char hash[65];
	char *old_hash = NULL;
	evs_status st;
	if (idx->pool && idx->mode == EVS_MODE_SYNC)
		return write_batch(idx, rec, seen, outcome, dup);
	if (idx->pool) {
		/* A fresh generation has an id only when this run gave it. */
		*dup = seen;
		*outcome = seen ? EVS_REPLACED : EVS_ADDED;
		return evs_pool__add(idx->pool, rec, !seen, idx->errmsg);
	}
	evs_analyzer an = {&idx->nz, idx->stem, idx->errmsg, idx->packer};
	if ((st = evs_event__document(&doc, &an, rec, hash)) != EVS_OK)
		goto done;
	uint64_t freq = 0;
	if ((st = xs_db_termfreq(idx->db, rec->uterm.p, rec->uterm.len, &freq,
	                         idx->errmsg)) != EVS_OK)
		goto done;
	*dup = seen && freq > 0;
	if ((idx->mode == EVS_MODE_SYNC || idx->mode == EVS_MODE_WRITE) && freq &&
	    !*dup) {
		/* A record the index has as it is needs no work: a re-run of the
		 * same file writes nothing. */
		if ((st = xs_db_value_by_term(idx->db, rec->uterm.p, rec->uterm.len,
		                              EVS_SLOT_HASH, &old_hash, idx->errmsg)) !=
		    EVS_OK)
			goto done;
		if (strcmp(old_hash, hash) == 0) {
			*outcome = EVS_UNCHANGED;
			idx->unchanged++;
			if (idx->mode == EVS_MODE_SYNC)
				st = mark_given(idx, rec->uterm.p, rec->uterm.len);
			goto done;
		}
	}
	if ((st = xs_db_replace(idx->db, rec->uterm.p, rec->uterm.len, doc,
	                        freq == 0, idx->errmsg)) != EVS_OK)
		goto done;
	*outcome = freq ? EVS_REPLACED : EVS_ADDED;
	idx->uncommitted++;
	idx->written++;
	if (idx->mode == EVS_MODE_SYNC)
		st = mark_given(idx, rec->uterm.p, rec->uterm.len);
done:
	xs_doc_free(doc);
	free(old_hash);
	return st;
}

/* Writes the held records in order (so that a repeated id still
 * replaces the earlier record), packed when the handle has a packer.
 * After a failure the others are dropped. */
static evs_status write_held(evs_index *idx)
{
	evs_status st = EVS_OK;
	for (size_t i = 0; i < idx->nheld; i++) {
		if (st == EVS_OK) {
			evs_outcome o;
			int dup;
			st = write_record(idx, &idx->held[i], idx->held_seen[i], &o, &dup);
		}
		evs_record__dispose(&idx->held[i]);
	}
	idx->nheld = 0;
	return st;
}

/* Makes the dictionary of the records seen so far and writes it, then
 * the held records packed with it. The dictionary is in the metadata
 * before any record is packed with it; when writing it fails, nothing
 * changed and the records are still held. */
static evs_status make_docdict(evs_index *idx)
{
	evs_status st;
	evs_buf d = EVS_BUF_INIT;
	const char *src = idx->dict_src.p;
	size_t len = idx->dict_src.len;
	if (evs_docdata__dict(&src, &len, 1, &d) < 0)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	if (idx->pool)
		st = evs_pool__pack(idx->pool, d.p, d.len, idx->errmsg);
	else if ((st = xs_db_set_metadata(idx->db, EVS_META_DOCDICT, d.p,
	                                  idx->errmsg)) == EVS_OK &&
	         !(idx->packer = evs_packer__new(d.p, d.len)))
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	if (st != EVS_OK) {
		evs_buf__dispose(&d);
		return st;
	}
	evs_buf__dispose(&idx->docdict);
	idx->docdict = d;
	idx->docdict_read = 1;
	idx->docdict_pending = 0;
	evs_buf__dispose(&idx->dict_src);
	return write_held(idx);
}

/* Holds a checked record (moved out of rec) until the records seen make
 * the dictionary (EVS_DOCDICT_BYTES of them), then writes them all. */
static evs_status hold_record(evs_index *idx, evs_record *rec, int seen)
{
	if (idx->nheld == idx->held_cap) {
		size_t c = idx->held_cap ? idx->held_cap * 2 : 16;
		evs_record *h = realloc(idx->held, c * sizeof *h);
		if (h)
			idx->held = h;
		int *hs = h ? realloc(idx->held_seen, c * sizeof *hs) : NULL;
		if (!hs)
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		idx->held_seen = hs;
		idx->held_cap = c;
	}
	char *json = json_dumps(rec->root, JSON_COMPACT);
	int rc = json ? evs_buf__adds(&idx->dict_src, json) : -1;
	free(json);
	if (rc < 0 || evs_buf__addc(&idx->dict_src, '\n') < 0)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	idx->held[idx->nheld] = *rec;
	memset(rec, 0, sizeof *rec);
	idx->held_seen[idx->nheld] = seen;
	idx->nheld++;
	if (idx->dict_src.len >= EVS_DOCDICT_BYTES)
		return make_docdict(idx);
	return EVS_OK;
}

evs_status evs_index__release_held(evs_index *idx, int last)
{
	if (!idx->docdict_pending || (idx->nheld == 0 && !last))
		return EVS_OK;
	/* The last records: the dictionary is made of what there is. */
	if (last)
		return idx->dict_src.len ? make_docdict(idx) : EVS_OK;
	/* A commit, a delete or a search before there is enough to make the
	 * dictionary of: the held records go in as JSON, and still count
	 * towards it. */
	return write_held(idx);
}

evs_status evs_index__docdict(evs_index *idx, const char **dict, size_t *len)
{
	if (!idx->docdict_read) {
		char *v = NULL;
		evs_status st =
		    xs_db_get_metadata(idx->db, EVS_META_DOCDICT, &v, idx->errmsg);
		if (st != EVS_OK)
			return st;
		evs_buf__clear(&idx->docdict);
		int rc = evs_buf__adds(&idx->docdict, v);
		free(v);
		if (rc < 0)
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		idx->docdict_read = 1;
	}
	*dict = idx->docdict.len ? idx->docdict.p : NULL;
	*len = idx->docdict.len;
	return EVS_OK;
}

evs_status evs_index__docdict_writer(evs_index *idx)
{
	if (idx->mode == EVS_MODE_REBUILD) {
		/* Empty parts: their records make the dictionary. */
		idx->docdict_pending = 1;
		return EVS_OK;
	}
	const char *dict = NULL;
	size_t len = 0;
	uint64_t events = 0;
	evs_status st = evs_index__docdict(idx, &dict, &len);
	if (st == EVS_OK && len == 0)
		st = xs_db_doccount(idx->db, &events, idx->errmsg);
	if (st != EVS_OK)
		return st;
	if (len && !(idx->packer = evs_packer__new(dict, len)))
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	/* A sync's workers pack with the dictionary of the copy they join. */
	if (len && idx->pool &&
	    (st = evs_pool__pack(idx->pool, dict, len, idx->errmsg)) != EVS_OK)
		return st;
	/* An index with events but no dictionary keeps storing JSON. */
	idx->docdict_pending = len == 0 && events == 0;
	return EVS_OK;
}

struct stream_ctx;
static evs_status check_fields(struct stream_ctx *sc, const evs_record *rec);

/* Adds one record. *dup is set when the id was added earlier through this
 * handle. sc: the stream it is read from (may be NULL). */
static evs_status add_record(evs_index *idx, const char *json, size_t len,
                             evs_outcome *outcome, int *dup, evs_warn_fn warn,
                             struct stream_ctx *sc)
{
	void *ctx = sc;
	evs_record rec;
	evs_status st;
	memset(&rec, 0, sizeof rec);
	*outcome = EVS_SKIPPED;
	*dup = 0;
	if (!idx->writable || idx->switched) {
		st = evs_index__fail(idx, EVS_E_READONLY,
		                     idx->switched ? "the generation was switched "
		                                     "to; open the index again"
		                                   : "the index is open read-only");
		goto done;
	}
	st = evs_event__check(&rec, json, len, idx->errmsg, warn, ctx);
	if (st != EVS_OK) {
		if (st == EVS_E_INVALID)
			idx->skipped++;
		else if (st == EVS_E_NOMEM)
			evs_index__fail(idx, st, "out of memory");
		goto done;
	}
	if (sc && (st = check_fields(sc, &rec)) != EVS_OK) {
		evs_index__fail(idx, st, "out of memory");
		goto done;
	}
	int seen = seen_add(idx, evs_schema__id_hash(rec.id.p, rec.id.len));
	if (seen < 0) {
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		goto done;
	}
	if (idx->mode == EVS_MODE_REBUILD && idx->live && !seen) {
		uint64_t live_freq = 0;
		if ((st = xs_db_termfreq(idx->live, rec.uterm.p, rec.uterm.len,
		                         &live_freq, idx->errmsg)) != EVS_OK)
			goto done;
		idx->kept += live_freq > 0;
	}
	if (idx->shardw) { /* issue 15 hook: to the shard of the id */
		st = evs_shardw__add(idx, &rec, json, len, seen, outcome, dup);
		goto done;
	}
	if (idx->docdict_pending) {
		/* Counted now, written with the dictionary they make: it replaces
		 * an event when one of its id is held, or in the index. */
		int there = 0;
		if (seen && !idx->pool) {
			for (size_t i = 0; i < idx->nheld && !there; i++)
				there = idx->held[i].uterm.len == rec.uterm.len &&
				        memcmp(idx->held[i].uterm.p, rec.uterm.p,
				               rec.uterm.len) == 0;
			uint64_t freq = 0;
			if (!there &&
			    (st = xs_db_termfreq(idx->db, rec.uterm.p, rec.uterm.len, &freq,
			                         idx->errmsg)) != EVS_OK)
				goto done;
			there = there || freq > 0;
		} else {
			there = seen; /* a fresh generation: what this run gave it */
		}
		*dup = there;
		*outcome = there ? EVS_REPLACED : EVS_ADDED;
		st = hold_record(idx, &rec, seen);
		goto done;
	}
	st = write_record(idx, &rec, seen, outcome, dup);
done:
	evs_record__dispose(&rec);
	return st;
}

evs_status evs_index_add_json(evs_index *idx, const char *json, size_t len,
                              evs_outcome *outcome)
{
	evs_outcome o;
	int dup;
	evs_index__reset(idx);
	if (!json)
		return evs_index__fail(idx, EVS_E_INVALID, "no record given");
	evs_status st = add_record(idx, json, len, &o, &dup, NULL, NULL);
	if (outcome)
		*outcome = o;
	return st;
}

evs_status evs_index_delete(evs_index *idx, const char *id)
{
	evs_buf term = EVS_BUF_INIT;
	evs_status st;
	uint64_t freq = 0;
	evs_index__reset(idx);
	if (!idx->writable)
		return evs_index__fail(idx, EVS_E_READONLY,
		                       "the index is open read-only");
	if (!id)
		return evs_index__fail(idx, EVS_E_INVALID, "no id given");
	if (idx->shardw) /* issue 15 hook */
		return evs_shardw__delete(idx, id);
	if (!idx->db)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "a rebuild adds events; it deletes none");
	if ((st = evs_index__release_held(idx, 0)) != EVS_OK)
		return st;
	if (evs_schema__id_term(id, strlen(id), &term) < 0)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	st = xs_db_termfreq(idx->db, term.p, term.len, &freq, idx->errmsg);
	if (st == EVS_OK && freq == 0 && idx->pool &&
	    seen_has(idx, evs_schema__id_hash(id, strlen(id))))
		/* Its record went to a worker's part, which deletes nothing. */
		st = evs_index__fail(idx, EVS_E_INVALID,
		                     "\"%s\" was written through this sync or batch; "
		                     "only events it had as they were can be deleted",
		                     id);
	else if (st == EVS_OK && freq == 0)
		st =
		    evs_index__fail(idx, EVS_E_NOTFOUND, "no event with id \"%s\"", id);
	if (st == EVS_OK)
		st = xs_db_delete(idx->db, term.p, term.len, idx->errmsg);
	evs_buf__dispose(&term);
	return st;
}

/* One stream being added. */
typedef struct stream_ctx {
	evs_index *idx;
	const evs_add_options *opts;
	const char *source;
	uint64_t line; /* of the record being added */
	evs_add_stats *stats;
	unsigned every; /* commit after this many records */
	int replacing;  /* the record is a newer version of one of its file */
	/* What the file was warned about once: unknown keys ("k" + key) and
	 * time zones ("z" + name, the known ones too, to look each up once). */
	char *noted[MAX_NOTED];
	size_t nnoted;
	/* The counts as of the last commit, which a failed write goes back
	 * to (writing in place: the index holds that commit). */
	evs_add_stats committed;
	int write_failed;
} stream_ctx;

/* Whether what (kind 'k' or 'z', then the name) was noted for this file;
 * notes it when not. -1: out of memory. When the list is full, 1. */
static int noted(stream_ctx *sc, char kind, const char *name)
{
	for (size_t i = 0; i < sc->nnoted; i++)
		if (sc->noted[i][0] == kind && strcmp(sc->noted[i] + 1, name) == 0)
			return 1;
	if (sc->nnoted == MAX_NOTED)
		return 1;
	char *n = malloc(strlen(name) + 2);
	if (!n)
		return -1;
	n[0] = kind;
	strcpy(n + 1, name);
	sc->noted[sc->nnoted++] = n;
	return 0;
}

static void report(stream_ctx *sc, evs_severity sev, uint64_t line,
                   const char *msg)
{
	if (sev == EVS_WARNING)
		sc->stats->warnings++;
	if (!sc->opts->report)
		return;
	evs_diag d = {sev, sc->source, line, msg};
	sc->opts->report(sc->opts->ctx, &d);
}

static void on_warning(void *ctx, const char *msg)
{
	stream_ctx *sc = ctx;
	report(sc, EVS_WARNING, sc->line, msg);
}

/* Warns, once per file, about a key that is no field of a record, and
 * about a "timezone" that is no known time zone. */
static evs_status check_fields(stream_ctx *sc, const evs_record *rec)
{
	const char *key;
	json_t *v;
	char msg[400];
	json_object_foreach(rec->root, key, v) {
		const char *alias;
		if (evs_event__known_key(key, &alias))
			continue;
		int n = noted(sc, 'k', key);
		if (n < 0)
			return EVS_E_NOMEM;
		if (n)
			continue;
		if (alias)
			snprintf(msg, sizeof msg,
			         "\"%.100s\": not a field (did you mean \"%s\"?); it is "
			         "ignored in this file",
			         key, alias);
		else
			snprintf(msg, sizeof msg,
			         "\"%.100s\": not a field (docs/schema.md); it is "
			         "ignored in this file",
			         key);
		report(sc, EVS_WARNING, sc->line, msg);
	}
	const char *tz = json_string_value(json_object_get(rec->root, "timezone"));
	if (tz && *tz) {
		int n = noted(sc, 'z', tz);
		if (n < 0)
			return EVS_E_NOMEM;
		if (!n && !evs_ics__known_zone(tz)) {
			snprintf(msg, sizeof msg,
			         "\"timezone\": \"%.100s\" is not a known time zone "
			         "(an IANA name such as Europe/Brussels); it is kept "
			         "as given (warned once per file)",
			         tz);
			report(sc, EVS_WARNING, sc->line, msg);
		}
	}
	return EVS_OK;
}

/* A record that could not be read at all (a line over the cap, a broken
 * VEVENT): counted as read and skipped. */
static void lost_record(stream_ctx *sc, uint64_t line, const char *msg)
{
	sc->stats->read++;
	sc->stats->skipped++;
	sc->idx->skipped++;
	report(sc, EVS_ERROR, line, msg);
	if (sc->opts->progress)
		sc->opts->progress(sc->opts->ctx, sc->stats->read);
}

/* Adds one record of a stream, or reports it and skips it when it is bad;
 * commits every sc->every records. Fails only for what stops the stream. */
static evs_status stream_record(stream_ctx *sc, const char *json, size_t len,
                                uint64_t line)
{
	evs_index *idx = sc->idx;
	evs_add_stats *stats = sc->stats;
	evs_outcome o;
	int dup;
	sc->line = line;
	stats->read++;
	evs_status st = add_record(idx, json, len, &o, &dup, on_warning, sc);
	if (st == EVS_E_INVALID) {
		stats->skipped++;
		report(sc, EVS_ERROR, line, idx->errmsg);
		evs_index__reset(idx);
		st = EVS_OK;
	} else if (st != EVS_OK) {
		sc->write_failed = 1;
		return st;
	} else {
		if (o == EVS_ADDED)
			stats->added++;
		else if (o == EVS_UNCHANGED)
			stats->unchanged++;
		else
			stats->replaced++;
		if (dup && !sc->replacing)
			report(sc, EVS_WARNING, line,
			       "duplicate id: this record replaces an earlier one "
			       "with the same id");
	}
	if (sc->opts->progress)
		sc->opts->progress(sc->opts->ctx, stats->read);
	if (idx->uncommitted >= sc->every) {
		if ((st = evs_index_commit(idx)) == EVS_OK)
			sc->committed = *stats;
		else
			sc->write_failed = 1;
	}
	return st;
}

/* After a failed write in place, the counts of what was written say what
 * the index holds: those of its last commit. (A new generation that
 * fails is thrown away whole; its caller says so.) */
static void uncount_lost(stream_ctx *sc)
{
	if (sc->idx->mode != EVS_MODE_WRITE || !sc->write_failed)
		return;
	sc->stats->added = sc->committed.added;
	sc->stats->replaced = sc->committed.replaced;
	sc->stats->unchanged = sc->committed.unchanged;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' &&
		    s[i] != '\v')
			return 0;
	return 1;
}

static evs_status read_jsonl(stream_ctx *sc, evs_line_reader *rd)
{
	evs_index *idx = sc->idx;
	const evs_add_options *opts = sc->opts;
	for (;;) {
		if (opts->cancel && opts->cancel(opts->ctx))
			return EVS_E_CANCELLED;
		int r = evs_reader__next(rd);
		if (r == EVS_LINE_EOF)
			return EVS_OK;
		if (r == EVS_LINE_CANCELLED)
			return EVS_E_CANCELLED;
		if (r == EVS_LINE_ERROR)
			return evs_index__fail(idx, EVS_E_IO, "%s: cannot read: %s",
			                       sc->source, strerror(errno));
		sc->line = rd->lineno;
		if (r == EVS_LINE_TOO_LONG) {
			char msg[96];
			snprintf(msg, sizeof msg, "line longer than %zu MiB",
			         EVS_MAX_LINE >> 20);
			lost_record(sc, rd->lineno, msg);
			continue;
		}
		if (is_blank(rd->line.p, rd->line.len))
			continue;
		evs_status st = stream_record(sc, rd->line.p, rd->line.len, rd->lineno);
		if (st != EVS_OK)
			return st;
	}
}

/* The iCalendar reader's sink. */
static evs_status ics_record(void *ctx, const char *json, size_t len,
                             uint64_t line)
{
	return stream_record(ctx, json, len, line);
}

static evs_status ics_replace(void *ctx, const char *json, size_t len,
                              uint64_t line)
{
	stream_ctx *sc = ctx;
	sc->replacing = 1;
	evs_status st = stream_record(sc, json, len, line);
	sc->replacing = 0;
	return st;
}

static void ics_diag(void *ctx, evs_severity sev, uint64_t line,
                     const char *msg, int skipped)
{
	stream_ctx *sc = ctx;
	if (skipped)
		lost_record(sc, line, msg);
	else
		report(sc, sev, line, msg);
}

static int ics_cancel(void *ctx)
{
	stream_ctx *sc = ctx;
	return sc->opts->cancel && sc->opts->cancel(sc->opts->ctx);
}

static evs_status read_ics(stream_ctx *sc, evs_line_reader *rd)
{
	evs_index *idx = sc->idx;
	const evs_add_options *opts = sc->opts;
	evs_ics_window win;
	char why[EVS_ERRLEN];
	if (evs_ics__window(&win, opts->expand_from, opts->expand_to, time(NULL),
	                    why) < 0)
		return evs_index__fail(idx, EVS_E_INVALID, "%s", why);
	evs_ics_sink sink = {ics_record, ics_diag, ics_cancel, sc, ics_replace};
	char msg[EVS_ERRLEN] = "";
	evs_status st = evs_ics__read(rd, sc->source, &win, &sink, msg);
	if (st == EVS_E_IO && *msg)
		evs_index__fail(idx, st, "%s", msg);
	else if (st == EVS_E_NOMEM)
		evs_index__fail(idx, st, "out of memory");
	return st;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The format of a stream: as given, else by its name, else by its first
 * bytes. */
static evs_format stream_format(const evs_add_options *opts, const char *source,
                                evs_line_reader *rd)
{
	if (opts->format != EVS_FORMAT_AUTO)
		return opts->format;
	if (has_suffix(source, ".ics") || has_suffix(source, ".ical") ||
	    has_suffix(source, ".icalendar") || has_suffix(source, ".ifb"))
		return EVS_FORMAT_ICS;
	if (has_suffix(source, ".jsonl") || has_suffix(source, ".json") ||
	    has_suffix(source, ".ndjson"))
		return EVS_FORMAT_JSONL;
	const char *p;
	size_t n;
	if (evs_reader__peek(rd, &p, &n) < 0)
		return EVS_FORMAT_JSONL; /* the read fails again, and says so */
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		n--;
	}
	return n >= 15 && strncasecmp(p, "BEGIN:VCALENDAR", 15) == 0
	           ? EVS_FORMAT_ICS
	           : EVS_FORMAT_JSONL;
}

evs_status evs_index_add_stream(evs_index *idx, int fd, const char *source,
                                const evs_add_options *opts,
                                evs_add_stats *stats)
{
	evs_add_options def = EVS_ADD_OPTIONS_INIT;
	evs_add_stats ignored = {0};
	evs_line_reader rd;
	evs_status st = EVS_OK;
	evs_index__reset(idx);
	if (!opts)
		opts = &def;
	if (opts->version < 1 || opts->version > EVS_ADD_OPTIONS_VERSION)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "evs_add_options version %d is not known",
		                       opts->version);
	if (opts->version < 2) {
		/* The fields a version 1 caller does not have. */
		def.report = opts->report;
		def.cancel = opts->cancel;
		def.progress = opts->progress;
		def.ctx = opts->ctx;
		def.commit_every = opts->commit_every;
		opts = &def;
	}
	if (!stats)
		stats = &ignored;
	if (!source)
		source = "-";
	if (!idx->writable)
		return evs_index__fail(idx, EVS_E_READONLY,
		                       "the index is open read-only");
	if (opts->format > EVS_FORMAT_ICS)
		return evs_index__fail(idx, EVS_E_INVALID, "unknown format %d",
		                       (int)opts->format);
	if (evs_reader__init(&rd, fd) < 0)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	rd.cancel = opts->cancel;
	rd.cancel_ctx = opts->ctx;
	stream_ctx sc =
	    {idx,
	     opts,
	     source,
	     0,
	     stats,
	     opts->commit_every ? opts->commit_every : DEFAULT_COMMIT_EVERY,
	     0,
	     {NULL},
	     0,
	     *stats,
	     0};
	if (stream_format(opts, source, &rd) == EVS_FORMAT_ICS)
		st = read_ics(&sc, &rd);
	else
		st = read_jsonl(&sc, &rd);
	evs_reader__dispose(&rd);
	for (size_t i = 0; i < sc.nnoted; i++)
		free(sc.noted[i]);
	/* Commit what was added, also when cancelled; after a failure the index
	 * keeps its last commit. */
	if (st == EVS_OK || st == EVS_E_CANCELLED) {
		evs_status cst = evs_index_commit(idx);
		if (cst != EVS_OK) {
			sc.write_failed = 1;
			uncount_lost(&sc);
			return cst;
		}
		if (st == EVS_E_CANCELLED)
			evs_index__fail(idx, st, "%s: stopped at line %llu", source,
			                (unsigned long long)sc.line);
	} else {
		uncount_lost(&sc);
	}
	return st;
}
