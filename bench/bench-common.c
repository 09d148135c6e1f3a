/* bench-common.c: the query log, the clock and the percentile report of
 * the benchmark drivers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "bench-common.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *dup_field(const char *s, size_t n)
{
	if (n == 0)
		return NULL;
	char *d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

int bench_log_read(bench_log *out, const char *path)
{
	int rc = -1;
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	unsigned long lineno = 0;

	memset(out, 0, sizeof *out);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		goto done;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		const char *field[4] = {line, NULL, NULL, NULL};
		size_t flen[4] = {0};
		int nf = 1;
		for (char *p = line; *p; p++) {
			if (*p == '\t' && nf < 4) {
				*p = '\0';
				field[nf++] = p + 1;
			}
		}
		if (nf != 4) {
			fprintf(stderr, "%s:%lu: expected 4 tab-separated fields\n", path,
			        lineno);
			goto done;
		}
		for (int i = 0; i < 4; i++)
			flen[i] = strlen(field[i]);
		if (out->n == alloc) {
			size_t na = alloc ? 2 * alloc : 256;
			bench_query *nq = realloc(out->q, na * sizeof *nq);
			if (!nq)
				goto nomem;
			out->q = nq;
			alloc = na;
		}
		bench_query *q = &out->q[out->n];
		memset(q, 0, sizeof *q);
		out->n++;
		q->text = dup_field(field[0], flen[0]);
		q->organiser = dup_field(field[1], flen[1]);
		q->year = dup_field(field[2], flen[2]);
		q->phrase = field[3][0] == '1';
		if (!q->text || (flen[1] && !q->organiser) || (flen[2] && !q->year))
			goto nomem;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		goto done;
	}
	if (out->n == 0) {
		fprintf(stderr, "%s: no queries\n", path);
		goto done;
	}
	rc = 0;
	goto done;
nomem:
	fprintf(stderr, "out of memory\n");
done:
	free(line);
	if (f)
		fclose(f);
	if (rc < 0)
		bench_log_free(out);
	return rc;
}

void bench_log_free(bench_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->n; i++) {
		free(log->q[i].text);
		free(log->q[i].organiser);
		free(log->q[i].year);
	}
	free(log->q);
	log->q = NULL;
	log->n = 0;
}

double bench_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int bench_samples_add(bench_samples *s, double ms)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 1024;
		double *nm = realloc(s->ms, nc * sizeof *nm);
		if (!nm)
			return -1;
		s->ms = nm;
		s->cap = nc;
	}
	s->ms[s->n++] = ms;
	return 0;
}

void bench_samples_free(bench_samples *s)
{
	free(s->ms);
	memset(s, 0, sizeof *s);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static double pct(const double *v, size_t n, double p)
{
	if (n == 0)
		return 0.0;
	size_t k = (size_t)ceil(p / 100.0 * (double)n);
	if (k < 1)
		k = 1;
	return v[k - 1];
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

void bench_report(const char *system, const char *mode, size_t queries,
                  int reps, bench_samples *s, int64_t hits, size_t errors)
{
	double sum = 0.0;
	size_t nq = queries;
	double *med = NULL, *col = NULL;

	if (nq == 0 || reps < 1 || s->n != nq * (size_t)reps) {
		fprintf(stderr, "bench: %s %s: %zu samples for %zu queries x %d\n",
		        system, mode, s->n, nq, reps);
		return;
	}
	med = malloc(nq * sizeof *med);
	col = malloc((size_t)reps * sizeof *col);
	if (!med || !col) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	for (size_t q = 0; q < nq; q++) {
		for (int r = 0; r < reps; r++)
			col[r] = s->ms[(size_t)r * nq + q];
		med[q] = median(col, (size_t)reps);
		sum += med[q];
	}
	qsort(med, nq, sizeof *med, cmp_double);
	qsort(s->ms, s->n, sizeof *s->ms, cmp_double);
	printf("query system=%s mode=%s queries=%zu reps=%d samples=%zu "
	       "p50_ms=%.4f p95_ms=%.4f p99_ms=%.4f mean_ms=%.4f max_ms=%.4f "
	       "raw_p50_ms=%.4f raw_p95_ms=%.4f raw_p99_ms=%.4f "
	       "raw_max_ms=%.4f hits=%" PRId64 " errors=%zu\n",
	       system, mode, nq, reps, s->n, pct(med, nq, 50), pct(med, nq, 95),
	       pct(med, nq, 99), sum / (double)nq, med[nq - 1],
	       pct(s->ms, s->n, 50), pct(s->ms, s->n, 95), pct(s->ms, s->n, 99),
	       s->ms[s->n - 1], hits, errors);
	fflush(stdout);
done:
	free(med);
	free(col);
}

static int set_modes(bench_opts *o, const char *list)
{
	o->plain = o->facets = o->filters = o->snippets = o->facets2 = 0;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == 5 && !strncmp(p, "plain", n))
			o->plain = 1;
		else if (n == 6 && !strncmp(p, "facets", n))
			o->facets = 1;
		else if (n == 7 && !strncmp(p, "filters", n))
			o->filters = 1;
		else if (n == 8 && !strncmp(p, "snippets", n))
			o->snippets = 1;
		else if (n == 7 && !strncmp(p, "facets2", n))
			o->facets2 = 1;
		else
			return -1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int bench_opts_parse(bench_opts *o, int argc, char **argv)
{
	o->reps = 3;
	o->plain = o->facets = o->filters = o->snippets = o->facets2 = 1;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			char *end;
			long r = strtol(argv[++i], &end, 10);
			if (*end || r < 1 || r > 1000)
				return -1;
			o->reps = (int)r;
		} else if (!strcmp(argv[i], "--modes") && i + 1 < argc) {
			if (set_modes(o, argv[++i]) < 0)
				return -1;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return -1;
		}
	}
	return i;
}

int bench_run_mode(const char *system, const char *mode, const bench_log *log,
                   int filters_only, int reps, int report_hits,
                   int64_t (*run)(void *ctx, size_t i), void *ctx)
{
	bench_samples s = {0};
	int64_t hits = 0;
	size_t errors = 0, nq = 0;
	int rc = 0;

	for (size_t i = 0; i < log->n; i++) {
		const bench_query *q = &log->q[i];
		if (filters_only && !q->organiser && !q->year)
			continue;
		nq++;
		int64_t t = run(ctx, i);
		if (t < 0)
			errors++;
		else
			hits += t;
	}
	for (int r = 0; r < reps; r++) {
		for (size_t i = 0; i < log->n; i++) {
			const bench_query *q = &log->q[i];
			if (filters_only && !q->organiser && !q->year)
				continue;
			double t0 = bench_now_ms();
			(void)run(ctx, i);
			double t1 = bench_now_ms();
			if (bench_samples_add(&s, t1 - t0) < 0) {
				rc = -1;
				goto done;
			}
		}
	}
	bench_report(system, mode, nq, reps, &s, report_hits ? hits : -1, errors);
	if (errors)
		rc = -1;
done:
	bench_samples_free(&s);
	return rc;
}
