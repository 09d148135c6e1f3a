/* http.h: evsearchd's HTTP layer over libmicrohttpd: routing, limits,
 * one index handle per worker thread, caching, gzip and the access log.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVSD_HTTP_H
#define EVSD_HTTP_H

#include <stdio.h>

/* Limits that docs/limits.md documents; see there before changing. */
#define EVSD_MAX_URI 8192 /* request target, bytes: else 414 */
#define EVSD_MEMORY_LIMIT                                                      \
	32768 /* request line + headers, per                                       \
	         connection: else 414 or 431 */

typedef struct evsd_config {
	const char *index;  /* index directory */
	const char *listen; /* "127.0.0.1:8080", "[::1]:0", ... */
	unsigned threads;   /* worker threads, each with its handle */
	unsigned max_connections;
	unsigned timeout; /* seconds a connection may stay idle */
	FILE *access_log; /* NULL: no access log */
} evsd_config;

/* Runs the server until SIGINT or SIGTERM. Prints one line "evsearchd:
 * listening on http://ADDR:PORT/" to stderr once it accepts connections.
 * Returns 0, or a CLI exit status after printing why it could not
 * start. */
int evsd_run(const evsd_config *cfg);

#endif
