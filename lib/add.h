/* add.h: one record added through a writable handle.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_ADD_H
#define EVS_ADD_H

#include "event.h"
#include "handle.h"

/* Checks a record further (ctx: the caller's) before it is written;
 * anything but EVS_OK stops it, as out of memory. */
typedef evs_status (*evs_check_fn)(void *ctx, const evs_record *rec);

/* Adds one record. *dup is set when the id was added earlier through this
 * handle. warn, check and their ctx: those of the stream it is read from
 * (may be NULL). */
evs_status evs_index__add_record(evs_index *idx, const char *json, size_t len,
                                 evs_outcome *outcome, int *dup,
                                 evs_warn_fn warn, evs_check_fn check,
                                 void *ctx);

#endif
