/* index.h: the evs_index handle, shared by the files of lib/ that
 * implement the public API on it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_INDEX_H
#define EVS_INDEX_H

#include <stdint.h>

#include "buf.h"
#include "evsearch.h"
#include "normalize.h"
#include "xapian-shim.h"

#define EVS_ERRLEN XS_ERRLEN

struct evs_index {
	xs_db *db;
	int writable;
	char *dir;          /* the evsearch index directory */
	char *gen_name;     /* the live generation, "gen-1" */
	char *gen_path;     /* dir/gen_name */
	char *stemmer;      /* from the index metadata */
	char *normalisation;
	int schema_version;
	xs_stem *stem;      /* NULL when the stemmer is "none" */
	unsigned multi_slots;   /* slots per multi-valued facet in use */
	unsigned multi_stored;  /* what the metadata says (writers) */
	uint64_t uncommitted;   /* records since the last commit */
	evs_normalizer nz;
	/* Ids added through this handle (64-bit hashes, open addressing; 0 is
	 * empty), to warn about a duplicate id within one run. */
	uint64_t *seen;
	size_t nseen, seen_cap;
	char errmsg[EVS_ERRLEN];
};

/* Sets idx's message (printf-style) and returns status. */
evs_status evs_index__fail(evs_index *idx, evs_status status,
                           const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears the message before a new call. */
void evs_index__reset(evs_index *idx);

/* Stems word into out (cap bytes); returns the stem's length. Without a
 * stemmer the word is copied. */
size_t evs_index__stem(evs_index *idx, const char *word, size_t len,
                       char *out, size_t cap);

/* The unique term for an id: "Q" + id, or "XQH" + SHA-256 hex of it. */
int evs_index__id_term(const char *id, size_t len, evs_buf *out);

#endif
