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

#endif
