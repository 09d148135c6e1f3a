/* server.h: the parts of evsearchd: requests are routed in main.c to the
 * JSON API (api.c), the listing page (page.c) and the static assets
 * (assets.c), each writing a reply.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVSD_SERVER_H
#define EVSD_SERVER_H

#include "evsearch.h"
#include "util.h"

/* What a handler answers. */
typedef struct reply {
	int status;       /* HTTP status */
	const char *type; /* Content-Type */
	sbuf body;
	/* Non-zero when the body depends only on the request and the index's
	 * generation (and today's date), so that the generation's ETag
	 * validates it. */
	int cacheable;
} reply;

/* Writes {"error": message, "parameter": name or null, "status": code}
 * as the reply, with that HTTP status. */
void reply_json_error(reply *r, int status, const char *param,
                      const char *message);

/* GET /api/search: the evsearch --json document for the parameters.
 * Returns the search's status: EVS_OK, or the failure after writing a 4xx
 * reply for the caller's own mistakes (EVS_E_INVALID, EVS_E_QUERY_SYNTAX)
 * or writing nothing for the others, which the caller may retry on a
 * freshly opened handle. */
evs_status api_search(reply *r, evs_index *idx, const params *p);

/* GET /: the listing page, with the same contract as api_search. */
evs_status page_listing(reply *r, evs_index *idx, const params *p);

/* GET /static/NAME: a built-in asset, or 0 when there is none by that
 * name. *etag receives the asset's validator. */
int asset_find(const char *name, const char **body, size_t *len,
               const char **type, const char **etag);

#endif
