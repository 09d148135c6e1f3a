/* rebuild.h: a new generation built beside the live one (EVS_OPEN_REBUILD,
 * EVS_OPEN_SYNC), switched to atomically (evs_index_switch).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_REBUILD_H
#define EVS_REBUILD_H

#include "handle.h"

/* Sets up a new generation for a handle opened with EVS_OPEN_REBUILD or
 * EVS_OPEN_SYNC (the lock is held). */
evs_status evs_index__open_rebuild(evs_index *idx,
                                   const evs_open_options *opts);

/* Throws away a generation that was not switched to. Safe on any handle
 * (does nothing for others). */
void evs_index__discard(evs_index *idx);

#endif
