/* handle.h: the evs_index handle, shared by the files of lib/ that
 * implement the public API on it, and the helpers they all call on it
 * (messages, stemming, what a sync was given), implemented in handle.c.
 * The handle's settings are settings.h's, its stored records held.h's.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_HANDLE_H
#define EVS_HANDLE_H

#include <stdint.h>

#include "buf.h"
#include "evsearch.h"
#include "normalize.h"
#include "ranking-settings.h"
#include "schema.h"
#include "util.h"
#include "xapian-shim.h"

/* The shim writes its messages into the handle's buffer. */
_Static_assert(XS_ERRLEN == EVS_ERRLEN, "one size of error buffer");


/* What a handle was opened for. */
typedef enum evs_mode {
	EVS_MODE_READ = 0,
	EVS_MODE_WRITE,   /* the live generation, in place */
	EVS_MODE_REBUILD, /* a new generation, from nothing */
	EVS_MODE_SYNC     /* a new generation, from a copy of the live one */
} evs_mode;

struct evs_index {
	xs_db *db;
	int writable;
	evs_mode mode;
	int batch; /* sync mode for EVS_OPEN_BATCH: nothing is deleted */
	int lock_fd; /* the directory's writer lock, or -1 */
	/* Rebuild and sync: the live generation (read-only; NULL for a new
	 * index), its name and size, and what the build has seen of it. */
	xs_db *live;
	char *live_name;
	uint64_t live_events;
	uint64_t kept; /* records whose id the live generation has */
	uint64_t skipped, unchanged, deleted;
	uint64_t written; /* documents added or replaced through the handle */
	int switched; /* 1 after evs_index_switch, -1 after it failed */
	/* Sync: one bit per docid of the documents given again, so that the
	 * switch deletes exactly the others (1 bit an event: 125 KB for 1M). */
	unsigned char *given;
	size_t given_len;
	/* Rebuild and sync: the databases the new generation is made of,
	 * merged into gen_path at the switch; a rebuild's workers. */
	char **parts;
	unsigned nparts;
	struct evs_pool *pool;
	char *dir;      /* the evsearch index directory */
	char *gen_name; /* the live generation, "gen-1" */
	char *gen_path; /* dir/gen_name */
	char *stemmer;  /* from the index metadata */
	char *normalisation;
	int schema_version;
	xs_stem *stem;        /* NULL when the stemmer is "none" */
	uint64_t uncommitted; /* records since the last commit */
	evs_normalizer nz;
	/* Ids added through this handle (their 64-bit hashes), to warn about
	 * a duplicate id within one run. */
	evs_hashset seen;
	/* Stored records (docdata.h): the dictionary of the generation (len
	 * 0: none, or not read yet by a reader), and what packs with it. A
	 * writer of a generation that has neither events nor a dictionary
	 * (docdict_pending) holds its records until those it has seen
	 * (dict_src: their JSON, one a line) fill the dictionary. */
	evs_buf docdict;
	int docdict_read;
	int docdict_pending;
	evs_buf dict_src;
	struct evs_packer *packer;
	struct evs_record *held;
	int *held_seen;
	size_t nheld, held_cap;
	/* A reader of shards (cluster.h): what idx->db is made of; NULL for
	 * one database. */
	struct evs_cluster *cluster;
	unsigned shards; /* a rebuild with shards: how many; else 0 */
	/* A writer of an index built as shards (shard-write.h): one writer
	 * per shard, which records and deletes are routed to; else NULL. */
	struct evs_shardw *shardw;
	/* Ranking settings (ranking.h): zero, the defaults. */
	evs_ranking ranking;
	/* Synonyms (synonyms.h): the rules, read at the first query and again
	 * after a reopen; the file set by evs_index_set_synonyms() (NULL: the
	 * index directory's) and its flags. */
	struct evs_synonyms *synonyms;
	char *synonyms_path;
	unsigned synonyms_flags;
	int synonyms_read;
	char errmsg[EVS_ERRLEN];
};

/* Sets idx's message (printf-style) and returns status. */
evs_status evs_index__fail(evs_index *idx, evs_status status, const char *fmt,
                           ...) __attribute__((format(printf, 3, 4)));

/* Clears the message before a new call. */
void evs_index__reset(evs_index *idx);

/* Frees what the handle owns below the cluster and the synonyms (its
 * strings, held records, dictionary, hash sets, normaliser), and idx
 * itself; the databases are closed by then. */
void evs_index__dispose(evs_index *idx);

/* Stems word into out (cap bytes); returns the stem's length. Without a
 * stemmer the word is copied. */
size_t evs_index__stem(evs_index *idx, const char *word, size_t len, char *out,
                       size_t cap);

/* Whether sync was given the document docid again. */
int evs_index__given(const evs_index *idx, unsigned docid);

#endif
