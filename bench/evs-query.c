/* evs-query: times evsearch's searches over the benchmark's query log,
 * through the public API only (the way any program would use it).
 *
 * Usage: evs-query [--reps N] [--modes LIST] INDEX QUERYLOG
 *
 * Modes, each over the whole log (filters: over its filtered queries),
 * top 10 hits, every hit's id read:
 *   plain     EVS_SEARCH_NO_FACETS (snippets are computed only on request)
 *   facets    default flags (every facet counted); the organiser and
 *             year facets are read
 *   facets2   only the organiser and year facets asked for and read: what
 *             fts5-bench's facets mode counts (needs EVS_FACET_BIT)
 *   filters   the log's organiser and year as options, NO_FACETS
 *   snippets  as plain, plus evs_hit_snippet() of every hit
 * Each mode runs the log once untimed (warm-up), then N timed passes; each
 * query is timed from evs_search() to evs_results_free(). One line per
 * mode on stdout (bench-common.h gives its format).
 *
 * Queries are written as a user types them for the CLI: words separated
 * by spaces (ORed, the default), a phrase in double quotes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <evsearch.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-common.h"

enum mode { M_PLAIN, M_FACETS, M_FILTERS, M_SNIPPETS, M_FACETS2 };
static const char *const mode_name[] = {"plain", "facets", "filters",
                                        "snippets", "facets2"};

/* The query string of q in evsearch's syntax; free with free(). */
static char *query_string(const bench_query *q)
{
	size_t n = strlen(q->text);
	char *s = malloc(n + 3);
	if (!s)
		return NULL;
	if (q->phrase)
		snprintf(s, n + 3, "\"%s\"", q->text);
	else
		memcpy(s, q->text, n + 1);
	return s;
}

/* Runs one query; returns its result count, or -1 on failure. volatile
 * sinks keep the compiler from dropping reads whose value is unused. */
static volatile size_t sink;

static int64_t run_one(evs_index *idx, const bench_query *q, const char *qs,
                       enum mode m)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	evs_results *res = NULL;
	const char *orgs[1];
	int64_t total = -1;

	o.limit = 10;
	if (m != M_FACETS && m != M_FACETS2)
		o.flags |= EVS_SEARCH_NO_FACETS;
#ifdef EVS_FACET_BIT
	if (m == M_FACETS2)
		o.facets =
		    EVS_FACET_BIT(EVS_FACET_ORGANISER) | EVS_FACET_BIT(EVS_FACET_YEAR);
#endif
	if (m == M_FILTERS) {
		if (q->organiser) {
			orgs[0] = q->organiser;
			o.organisers = orgs;
			o.n_organisers = 1;
		}
		o.from = q->year;
		o.to = q->year;
	}
	evs_status st = evs_search(&res, idx, qs, &o);
	if (st != EVS_OK) {
		fprintf(stderr, "evs-query: %s: %s\n", qs, evs_errmsg(idx));
		return -1;
	}
	size_t n = evs_results_count(res);
	for (size_t i = 0; i < n; i++) {
		const char *id = evs_hit_id(res, i);
		sink += id ? strlen(id) : 0;
		if (m == M_SNIPPETS) {
			char *snip = evs_hit_snippet(res, i, "[", "]");
			if (!snip) {
				evs_results_free(res);
				return -1;
			}
			sink += strlen(snip);
			evs_free(snip);
		}
	}
	if (m == M_FACETS || m == M_FACETS2) {
		evs_facet fs[2] = {EVS_FACET_ORGANISER, EVS_FACET_YEAR};
		for (int f = 0; f < 2; f++) {
			size_t nv = evs_facet_count(res, fs[f]);
			for (size_t j = 0; j < nv; j++) {
				uint64_t c;
				const char *v = evs_facet_value(res, fs[f], j, &c);
				sink += (v ? strlen(v) : 0) + (size_t)c;
			}
		}
	}
	total = (int64_t)evs_results_total(res);
	evs_results_free(res);
	return total;
}

/* What the common runner needs to run query i in one mode. */
typedef struct runner {
	evs_index *idx;
	const bench_log *log;
	char **qs;
	enum mode m;
} runner;

static int64_t run_i(void *ctx, size_t i)
{
	runner *r = ctx;
	return run_one(r->idx, &r->log->q[i], r->qs[i], r->m);
}

static int run_mode(evs_index *idx, const bench_log *log, char **qs,
                    enum mode m, int reps)
{
	runner r = {idx, log, qs, m};
	return bench_run_mode("evsearch", mode_name[m], log, m == M_FILTERS, reps,
	                      1, run_i, &r);
}

int main(int argc, char **argv)
{
	bench_opts o;
	bench_log log = {0};
	evs_index *idx = NULL;
	char *err = NULL;
	char **qs = NULL;
	int rc = 1;

	int a = bench_opts_parse(&o, argc, argv);
	if (a < 0 || argc - a != 2) {
		fprintf(stderr, "usage: evs-query [--reps N] [--modes "
		                "plain,facets,filters,snippets,facets2] INDEX "
		                "QUERYLOG\n");
		return 2;
	}
	if (bench_log_read(&log, argv[a + 1]) < 0)
		goto done;
	qs = calloc(log.n, sizeof *qs);
	if (!qs)
		goto done;
	for (size_t i = 0; i < log.n; i++)
		if (!(qs[i] = query_string(&log.q[i])))
			goto done;

	if (evs_index_open(&idx, argv[a], NULL, &err) != EVS_OK) {
		fprintf(stderr, "evs-query: %s\n", err ? err : "out of memory");
		goto done;
	}
	evs_index_info info;
	memset(&info, 0, sizeof info);
	info.version = EVS_INDEX_INFO_VERSION;
	if (evs_index_info_get(idx, &info) == EVS_OK)
		printf("index system=evsearch events=%llu bytes=%llu\n",
		       (unsigned long long)info.events, (unsigned long long)info.bytes);

	rc = 0;
#ifdef EVS_FACET_BIT
	int facets2 = o.facets2;
#else
	int facets2 = 0;
#endif
	int want[5] = {o.plain, o.facets, o.filters, o.snippets, facets2};
	for (int m = M_PLAIN; m <= M_FACETS2; m++)
		if (want[m] && run_mode(idx, &log, qs, (enum mode)m, o.reps) < 0)
			rc = 1;
done:
	evs_free(err);
	evs_index_close(idx);
	if (qs)
		for (size_t i = 0; i < log.n; i++)
			free(qs[i]);
	free(qs);
	bench_log_free(&log);
	return rc;
}
