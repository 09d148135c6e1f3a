/* fuzz-query.c: query parsing and search against a small real index (the
 * corpus, built once): any text gives results or a clear refusal.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evsearch.h"

static evs_index *idx;

static void build(void)
{
	char dir[] = "/tmp/evs-fuzz-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE | EVS_OPEN_CREATE;
	evs_index *w = NULL;
	if (evs_index_open(&w, dir, &oo, NULL) != EVS_OK)
		abort();
	int fd = open(EVS_SOURCE_DIR "/corpus/events.jsonl", O_RDONLY);
	if (fd < 0 || evs_index_add_stream(w, fd, "corpus", NULL, NULL) != EVS_OK)
		abort();
	close(fd);
	evs_index_close(w);
	if (evs_index_open(&idx, dir, NULL, NULL) != EVS_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!idx)
		build();
	char *q = malloc(size + 1);
	if (!q)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = size && (data[0] & 1) ? EVS_SEARCH_ALL_WORDS : 0;
	if (size > 1 && (data[1] & 1))
		o.flags |= EVS_SEARCH_PLAIN;
	evs_results *r = NULL;
	evs_status st = evs_search(&r, idx, q, &o);
	if (st == EVS_OK) {
		if (evs_results_total(r) > 8)
			__builtin_trap();
		char *doc = evs_results_json(r);
		if (!doc)
			__builtin_trap();
		evs_free(doc);
		evs_results_free(r);
	} else if (st != EVS_E_QUERY_SYNTAX || !*evs_errmsg(idx)) {
		__builtin_trap(); /* anything else would be a bug */
	}
	free(q);
	return 0;
}
