/* held.h: the dictionary of a handle's stored records (docdata.h) and
 * the records a writer holds back until they make one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_HELD_H
#define EVS_HELD_H

#include "event.h"
#include "handle.h"

/* Holds a checked record (moved out of rec) until the records seen make
 * the dictionary (EVS_DOCDICT_BYTES of them), then writes them all. */
evs_status evs_index__hold_record(evs_index *idx, evs_record *rec, int seen);

/* Writes the held records: before a commit, a delete, a search or an
 * info through the handle as JSON (they still count towards the
 * dictionary); when last (closing, switching) packed with a dictionary
 * made of the records seen so far. */
evs_status evs_index__release_held(evs_index *idx, int last);

/* The dictionary of idx's stored records (*len 0: none), read from the
 * generation's metadata the first time. */
evs_status evs_index__docdict(evs_index *idx, const char **dict, size_t *len);

/* Sets up how a writer stores records: with the generation's dictionary,
 * or (a generation without events or dictionary) holding the first
 * records until they make one. */
evs_status evs_index__docdict_writer(evs_index *idx);

/* A checked record to idx's database: held while the dictionary of
 * stored records is being made (idx->docdict_pending), else written
 * (evs_index__write_record). outcome and dup as that says. */
evs_status evs_index__store_record(evs_index *idx, evs_record *rec, int seen,
                                   evs_outcome *outcome, int *dup);

#endif
