/* event.h: one event record (JSON) checked, then turned into a Xapian
 * document as the schema says. Two steps, so that a parallel rebuild can
 * check records (and report their problems) in order on one thread and
 * build their documents on others.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_EVENT_H
#define EVS_EVENT_H

#include <jansson.h>

#include "buf.h"
#include "date.h"
#include "normalize.h"
#include "xapian-shim.h"

/* Receives a warning about the record being checked (a field cut). */
typedef void (*evs_warn_fn)(void *ctx, const char *message);

/* A checked record. */
typedef struct evs_record {
	json_t *root;            /* the record, over-long fields cut */
	evs_datetime start, end; /* end == start when the record has none */
	evs_buf id;              /* its id */
	evs_buf uterm;           /* its unique term */
	/* "occurrences": start and end of each (end == start when none). */
	evs_datetime *occ_start, *occ_end;
	size_t nocc;
	int cancelled; /* "status" is "cancelled" */
} evs_record;

void evs_record__dispose(evs_record *rec);

/* What builds documents; one per thread. */
typedef struct evs_analyzer {
	evs_normalizer *nz;
	xs_stem *stem;             /* NULL: no stemming */
	char *errmsg;              /* XS_ERRLEN bytes */
	struct evs_packer *packer; /* stores records packed (docdata.h); NULL:
	                              as JSON */
} evs_analyzer;

/* Parses and checks the record json (len bytes) into rec (disposed
 * first), cutting fields over their limits with a warning. On
 * EVS_E_INVALID the record is bad and errmsg (XS_ERRLEN bytes) says which
 * field and why ("\"start\": not an ISO 8601 date"). warn may be NULL. */
evs_status evs_event__check(evs_record *rec, const char *json, size_t len,
                            char *errmsg, evs_warn_fn warn, void *ctx);

/* Whether key is a field of a record (docs/schema.md). When it is not,
 * *alias is the field that a usual other spelling of it means
 * ("organizers": "organisers"), or NULL. */
int evs_event__known_key(const char *key, const char **alias);

/* Builds the document of a checked record: *out (free with xs_doc_free),
 * hash the SHA-256 of the stored record. */
evs_status evs_event__document(xs_doc **out, const evs_analyzer *an,
                               const evs_record *rec, char hash[65]);

#endif
