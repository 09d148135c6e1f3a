/* held.c: the dictionary of an index's stored records (docdata.h) and,
 * until there is one, the records held back to make it.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "held.h"

#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "parallel.h"
#include "util.h"
#include "write.h"

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
			st = evs_index__write_record(idx, &idx->held[i], idx->held_seen[i],
			                             &o, &dup);
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

evs_status evs_index__hold_record(evs_index *idx, evs_record *rec, int seen)
{
	/* Two arrays of one capacity: each grows the same way. */
	size_t rcap = idx->held_cap, scap = idx->held_cap;
	evs_record *h =
	    evs_util__grow(idx->held, &rcap, idx->nheld + 1, sizeof *h, 16);
	if (h)
		idx->held = h;
	int *hs = h ? evs_util__grow(idx->held_seen, &scap, idx->nheld + 1,
	                             sizeof *hs, 16)
	            : NULL;
	if (!hs)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	idx->held_seen = hs;
	idx->held_cap = rcap;
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

evs_status evs_index__store_record(evs_index *idx, evs_record *rec, int seen,
                                   evs_outcome *outcome, int *dup)
{
	if (!idx->docdict_pending)
		return evs_index__write_record(idx, rec, seen, outcome, dup);
	/* Counted now, written with the dictionary they make: it replaces an
	 * event when one of its id is held, or in the index. */
	int there = 0;
	if (seen && !idx->pool) {
		for (size_t i = 0; i < idx->nheld && !there; i++)
			there = idx->held[i].uterm.len == rec->uterm.len &&
			        memcmp(idx->held[i].uterm.p, rec->uterm.p,
			               rec->uterm.len) == 0;
		uint64_t freq = 0;
		evs_status st;
		if (!there &&
		    (st = xs_db_termfreq(idx->db, rec->uterm.p, rec->uterm.len, &freq,
		                         idx->errmsg)) != EVS_OK)
			return st;
		there = there || freq > 0;
	} else {
		there = seen; /* a fresh generation: what this run gave it */
	}
	*dup = there;
	*outcome = there ? EVS_REPLACED : EVS_ADDED;
	return evs_index__hold_record(idx, rec, seen);
}
