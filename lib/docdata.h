/* docdata.h: the stored record of each event (Xapian's document data),
 * deflated with a dictionary of the index's own records.
 *
 * A record is ~1.5 KB of JSON; alone it deflates to ~60% (Xapian does
 * that much by itself), because the keys and the common words of one
 * listing are new to each record. Deflate primed with 32 KiB of the
 * first records of the index finds them there: the stored records take
 * a third less (100,000 events: 94 MB to about 66 MB). The dictionary is
 * made once per index (a rebuild makes a new one) and kept in its
 * metadata (EVS_META_DOCDICT); every record written after it is packed
 * with it, records written before it (or into an index without one)
 * are plain JSON, and both are read.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_DOCDATA_H
#define EVS_DOCDATA_H

#include <stddef.h>

#include "buf.h"

/* The metadata key of the dictionary. */
#define EVS_META_DOCDICT "evsearch.docdict"
/* Bytes of records that make a dictionary (deflate's window). */
#define EVS_DOCDICT_BYTES 32768

/* Compresses records with one dictionary; one per thread. */
typedef struct evs_packer evs_packer;

/* A packer for dict (len bytes, copied); NULL when out of memory. */
evs_packer *evs_packer__new(const char *dict, size_t len);
void evs_packer__free(evs_packer *p);

/* The stored form of the record json (len bytes) in out (cleared
 * first): a NULL packer stores the JSON as it is. Returns 0, or -1 when
 * out of memory. */
int evs_docdata__pack(evs_packer *p, const char *json, size_t len,
                      evs_buf *out);

/* The record of stored data (len bytes), as JSON, in out (cleared
 * first). dict (dlen bytes) is the index's dictionary, NULL when it has
 * none. Returns 0, -1 when the data is damaged or was packed with
 * another dictionary, -2 when out of memory. */
int evs_docdata__unpack(const char *dict, size_t dlen, const char *data,
                        size_t len, evs_buf *out);

/* Makes a dictionary of records: the last EVS_DOCDICT_BYTES bytes of
 * their JSON, one record a line, in out (cleared first). deflate looks
 * back at most that far, and finds what is nearest the end cheapest.
 * Returns 0, or -1 when out of memory. */
int evs_docdata__dict(const char *const *json, const size_t *len, size_t n,
                      evs_buf *out);

#endif
