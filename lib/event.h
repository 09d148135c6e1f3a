/* event.h: one event record (JSON) checked and turned into a Xapian
 * document as the schema says.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_EVENT_H
#define EVS_EVENT_H

#include "buf.h"
#include "index.h"

/* Receives a warning about the record being built (a field cut). */
typedef void (*evs_warn_fn)(void *ctx, const char *message);

/* Parses and checks the record json (len bytes) and builds its document.
 * On EVS_OK, *out is the document (free with xs_doc_free), uterm its
 * unique term, id its id and hash the SHA-256 of the stored record. On EVS_E_INVALID the record is bad and
 * idx's message says which field and why ("\"start\": not an ISO 8601
 * date"). warn may be NULL. */
evs_status evs_event__build(evs_index *idx, const char *json, size_t len,
                            xs_doc **out, evs_buf *uterm, evs_buf *id,
                            char hash[65], evs_warn_fn warn, void *ctx);

#endif
