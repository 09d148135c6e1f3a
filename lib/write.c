/* write.c: one checked record written: into the database (unless it is
 * there as it is), or to the worker of a rebuild that owns its id.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "write.h"

#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "sha256.h"
#include "util.h"

/* Sync: notes that the document docid was given again. */
static evs_status mark_docid(evs_index *idx, unsigned docid)
{
	if ((size_t)docid / 8 >= idx->given_len) {
		size_t n = idx->given_len;
		unsigned char *g =
		    evs_util__grow(idx->given, &n, (size_t)docid / 8 + 1, 1, 1024);
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

evs_status evs_index__write_record(evs_index *idx, evs_record *rec, int seen,
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
	unsigned *d = evs_util__grow(v->docids, &v->cap, v->n + 1, sizeof *d, 256);
	if (!d) {
		v->failed = 1;
		return 1;
	}
	v->docids = d;
	v->docids[v->n++] = docid;
	return 0;
}

evs_status evs_index__delete_vanished(evs_index *idx)
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

evs_status evs_index__delete_one(evs_index *idx, const char *id)
{
	evs_buf term = EVS_BUF_INIT;
	uint64_t freq = 0;
	if (evs_schema__id_term(id, strlen(id), &term) < 0)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	evs_status st =
	    xs_db_termfreq(idx->db, term.p, term.len, &freq, idx->errmsg);
	if (st == EVS_OK && freq == 0 && idx->pool &&
	    evs_hashset__count(&idx->seen, evs_schema__id_hash(id, strlen(id))))
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
