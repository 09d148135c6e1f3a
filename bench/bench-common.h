/* bench-common.h: what both benchmark drivers share: the query log, the
 * clock and the percentile report, so that evsearch and FTS5 are timed
 * and summarised by the very same code.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_BENCH_COMMON_H
#define EVS_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* One line of the query log (bench/gen-queries.py writes it):
 * query<TAB>organiser<TAB>year<TAB>is_phrase. Empty fields are NULL. */
typedef struct bench_query {
	char *text;      /* one to three words, or a phrase's words */
	char *organiser; /* exact organiser name, or NULL */
	char *year;      /* "YYYY", or NULL */
	int phrase;      /* text is a phrase */
} bench_query;

typedef struct bench_log {
	bench_query *q;
	size_t n;
} bench_log;

/* Reads the log at path into *out. Returns 0, or -1 after printing a
 * message to stderr. */
int bench_log_read(bench_log *out, const char *path);
void bench_log_free(bench_log *log);

/* Milliseconds on CLOCK_MONOTONIC. */
double bench_now_ms(void);

/* Timing samples of one mode. */
typedef struct bench_samples {
	double *ms;
	size_t n, cap;
} bench_samples;

/* Appends a sample; returns -1 when out of memory. */
int bench_samples_add(bench_samples *s, double ms);
void bench_samples_free(bench_samples *s);

/* Prints the machine-readable result line of one mode:
 * "query system=S mode=M queries=Q reps=R samples=N p50_ms=... p95_ms=...
 *  p99_ms=... mean_ms=... max_ms=... raw_p50_ms=... raw_p95_ms=...
 *  raw_p99_ms=... raw_max_ms=... hits=H errors=E"
 * The samples must be R passes of the same Q queries, in order (pass 0's
 * Q samples, then pass 1's...). p50..max are over the Q per-query
 * medians of the R passes: a query's typical time, which a hiccup of a
 * shared machine in one pass does not move; raw_* are over all samples.
 * Percentiles are nearest-rank. hits is a checksum (the summed result
 * counts of one pass), or -1 when not known. */
void bench_report(const char *system, const char *mode, size_t queries,
                  int reps, bench_samples *s, int64_t hits, size_t errors);

/* Runs one mode over the log: a warm-up pass (untimed; it gives the
 * checksum and counts failures), then reps timed passes, then
 * bench_report. Only queries with an organiser or a year run when
 * filters_only. run(ctx, i) runs query i and returns its match count, or
 * -1 when it failed; a failed query is still timed, so that every pass
 * has every query. report_hits: whether the checksum goes in the report
 * (-1 there otherwise). Returns 0, or -1 on failure. */
int bench_run_mode(const char *system, const char *mode, const bench_log *log,
                   int filters_only, int reps, int report_hits,
                   int64_t (*run)(void *ctx, size_t i), void *ctx);

/* Parses the options the drivers share: "--reps N" and "--modes LIST"
 * (comma-separated subset of plain,facets,filters,snippets,facets2; all
 * by default; fts5-bench ignores facets2, its facets mode counts only
 * those two already). Returns the index of the first non-option
 * argument, or -1 on bad usage. */
typedef struct bench_opts {
	int reps;
	int plain, facets, filters, snippets, facets2;
} bench_opts;

int bench_opts_parse(bench_opts *o, int argc, char **argv);

#endif
