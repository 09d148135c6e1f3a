/* add.c: adding one record (checked, then held or written) and deleting
 * one, with the set of ids added through the handle (idx->seen).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "add.h"

#include <stdlib.h>
#include <string.h>

#include "held.h"
#include "shard-write.h"
#include "util.h"
#include "write.h"

evs_status evs_index__add_record(evs_index *idx, const char *json, size_t len,
                                 evs_outcome *outcome, int *dup,
                                 evs_warn_fn warn, evs_check_fn check,
                                 void *ctx)
{
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
	if (check && (st = check(ctx, &rec)) != EVS_OK) {
		evs_index__fail(idx, st, "out of memory");
		goto done;
	}
	/* FNV-1a: to notice repeated ids cheaply. A miss is exact (an id
	 * always has the same hash), which lets a rebuild add an id's first
	 * record without looking it up. A hit may be a collision: where a
	 * database is at hand it is confirmed by the database having the id;
	 * in a rebuild it costs only a replace_document lookup and a
	 * repeated-id warning. */
	long long added =
	    evs_hashset__add(&idx->seen, evs_schema__id_hash(rec.id.p, rec.id.len));
	if (added < 0) {
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		goto done;
	}
	int seen = added > 0;
	if (idx->mode == EVS_MODE_REBUILD && idx->live && !seen) {
		uint64_t live_freq = 0;
		if ((st = xs_db_termfreq(idx->live, rec.uterm.p, rec.uterm.len,
		                         &live_freq, idx->errmsg)) != EVS_OK)
			goto done;
		idx->kept += live_freq > 0;
	}
	if (idx->shardw) { /* to the shard of the id */
		st = evs_shardw__add(idx, &rec, seen, outcome, dup);
		goto done;
	}
	st = evs_index__store_record(idx, &rec, seen, outcome, dup);
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
	evs_status st =
	    evs_index__add_record(idx, json, len, &o, &dup, NULL, NULL, NULL);
	if (outcome)
		*outcome = o;
	return st;
}

evs_status evs_index_delete(evs_index *idx, const char *id)
{
	evs_index__reset(idx);
	if (!idx->writable)
		return evs_index__fail(idx, EVS_E_READONLY,
		                       "the index is open read-only");
	if (!id)
		return evs_index__fail(idx, EVS_E_INVALID, "no id given");
	if (idx->shardw)
		return evs_shardw__delete(idx, id);
	if (!idx->db)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "a rebuild adds events; it deletes none");
	evs_status st = evs_index__release_held(idx, 0);
	return st == EVS_OK ? evs_index__delete_one(idx, id) : st;
}
