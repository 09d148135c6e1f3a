/* write.h: one checked record written through a writable handle.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_WRITE_H
#define EVS_WRITE_H

#include "event.h"
#include "handle.h"

/* Writes one checked record (moved out of rec): to the worker that owns
 * its id, or into the database. seen: its id was added earlier through
 * this handle. */
evs_status evs_index__write_record(evs_index *idx, evs_record *rec, int seen,
                                   evs_outcome *outcome, int *dup);

/* Deletes the event id from idx->db (EVS_E_NOTFOUND when it has none);
 * the caller has released the held records. */
evs_status evs_index__delete_one(evs_index *idx, const char *id);

/* Sync: deletes from idx->db the events that were not given again
 * (evs_index__given), counting them in idx->deleted. */
evs_status evs_index__delete_vanished(evs_index *idx);

#endif
