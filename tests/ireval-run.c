/* ireval-run: the evaluation harness's searcher (scripts/ireval). Runs a
 * list of queries through evs_search once per ranking variant and writes
 * one run file per variant, so that one process and one open index serve
 * every variant. A variant is a name and ranking settings
 * (evs_ranking__parse, lib/ranking.h), optionally led by the word
 * "noexpand" (EVS_SEARCH_NO_EXPAND: no feedback); it reaches into the
 * library's internals to set them, which is why it lives with the tests and is not installed.
 *
 *   ireval-run INDEX QUERIES.tsv OUTDIR LIMIT < VARIANTS
 *
 * QUERIES.tsv: "qid<TAB>text" lines; VARIANTS: "name<TAB>settings" lines;
 * writes OUTDIR/name.run ("qid docid" lines, best first). A query with
 * more terms than evs_search takes is cut to its longest prefix of words
 * that it takes, as a user would have to. Facets are not counted unless
 * the settings begin (after "noexpand") with the word "facets". Prints
 * each variant's query CPU times (p50, p99) on stderr: CPU time, not wall
 * time, so that a loaded machine changes them little.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "evsearch.h"
#include "handle.h"
#include "ranking.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

typedef struct query {
	char *qid, *text;
} query;

static int load_queries(const char *path, query **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, qcap = 0;
	ssize_t len;
	if (!f)
		return -1;
	*out = NULL;
	*n = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		if (*n == qcap) {
			qcap = qcap ? qcap * 2 : 128;
			*out = realloc(*out, qcap * sizeof **out);
			if (!*out)
				return -1;
		}
		(*out)[*n].qid = strdup(line);
		(*out)[*n].text = strdup(tab + 1);
		(*n)++;
	}
	free(line);
	fclose(f);
	return 0;
}

/* The first k words of text, in buf. */
static char *first_words(const char *text, size_t k, char *buf, size_t cap)
{
	size_t o = 0, w = 0;
	const char *s = text;
	while (*s && w < k) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " ");
		if (!n)
			break;
		if (o + n + 2 > cap)
			break;
		if (o)
			buf[o++] = ' ';
		memcpy(buf + o, s, n);
		o += n;
		s += n;
		w++;
	}
	buf[o] = '\0';
	return buf;
}

static size_t count_words(const char *s)
{
	size_t w = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " ");
		w += n > 0;
		s += n;
	}
	return w;
}

static int too_long(evs_status st, evs_index *idx)
{
	return st == EVS_E_QUERY_SYNTAX && strstr(evs_errmsg(idx), "more than");
}

/* Searches text, cut to the longest prefix that is accepted. */
static evs_status search(evs_results **out, evs_index *idx, const char *text,
                         const evs_search_options *o)
{
	evs_status st = evs_search(out, idx, text, o);
	if (!too_long(st, idx))
		return st;
	static char buf[65536];
	size_t lo = 1, hi = count_words(text) - 1, best = 0;
	while (lo <= hi) {
		size_t mid = (lo + hi) / 2;
		evs_results *r = NULL;
		st = evs_search(&r, idx, first_words(text, mid, buf, sizeof buf), o);
		evs_results_free(r);
		if (too_long(st, idx)) {
			hi = mid - 1;
		} else {
			best = mid;
			lo = mid + 1;
		}
	}
	return evs_search(out, idx, first_words(text, best, buf, sizeof buf), o);
}

static int run_variant(evs_index *idx, const query *qs, size_t nq,
                       const char *dir, char *name, char *settings,
                       size_t limit)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = EVS_SEARCH_PLAIN | EVS_SEARCH_NO_FACETS | EVS_SEARCH_NO_SNIPPETS;
	o.limit = limit;
	if (strncmp(settings, "noexpand", 8) == 0 &&
	    (settings[8] == ' ' || !settings[8])) {
		o.flags |= EVS_SEARCH_NO_EXPAND;
		settings += 8;
	}
	/* "facets": counted, as evsearch does by default (for timings). */
	while (*settings == ' ')
		settings++;
	if (strncmp(settings, "facets", 6) == 0 &&
	    (settings[6] == ' ' || !settings[6])) {
		o.flags &= ~EVS_SEARCH_NO_FACETS;
		settings += 6;
	}
	evs_ranking r;
	char err[256];
	if (evs_ranking__parse(&r, settings, err, sizeof err) < 0) {
		fprintf(stderr, "ireval-run: %s: %s\n", name, err);
		return -1;
	}
	evs_ranking__set(idx, &r);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.run", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	double *ms = calloc(nq ? nq : 1, sizeof *ms);
	if (!ms) {
		fclose(f);
		return -1;
	}
	for (size_t i = 0; i < nq; i++) {
		evs_results *res = NULL;
		double t0 = now_ms();
		evs_status st = search(&res, idx, qs[i].text, &o);
		ms[i] = now_ms() - t0;
		if (st != EVS_OK) {
			free(ms);
			fprintf(stderr, "ireval-run: %s: query %s: %s\n", name, qs[i].qid,
			        evs_errmsg(idx));
			fclose(f);
			return -1;
		}
		for (size_t j = 0; j < evs_results_count(res); j++)
			fprintf(f, "%s %s\n", qs[i].qid, evs_hit_id(res, j));
		evs_results_free(res);
	}
	/* CPU times, for a comparison of variants in one run. */
	qsort(ms, nq, sizeof *ms, cmp_double);
	if (nq)
		fprintf(stderr, "%s: %zu queries, p50 %.3f ms, p99 %.3f ms\n", name, nq,
		        ms[nq / 2], ms[nq * 99 / 100]);
	free(ms);
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: ireval-run INDEX QUERIES.tsv OUTDIR LIMIT < "
		                "VARIANTS\n");
		return 2;
	}
	query *qs;
	size_t nq;
	if (load_queries(argv[2], &qs, &nq) < 0) {
		perror(argv[2]);
		return 1;
	}
	evs_index *idx = NULL;
	char *msg = NULL;
	if (evs_index_open(&idx, argv[1], NULL, &msg) != EVS_OK) {
		fprintf(stderr, "ireval-run: %s\n", msg ? msg : "out of memory");
		evs_free(msg);
		return 1;
	}
	int rc = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while (rc == 0 && (len = getline(&line, &cap, stdin)) > 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		rc = run_variant(idx, qs, nq, argv[3], line, tab + 1,
		                 (size_t)atoi(argv[4])) < 0;
	}
	free(line);
	for (size_t i = 0; i < nq; i++) {
		free(qs[i].qid);
		free(qs[i].text);
	}
	free(qs);
	evs_index_close(idx);
	return rc;
}
