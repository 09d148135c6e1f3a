/* helpers.c: shared test fixtures.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "helpers.h"

#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *th_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p;
	assert_true(
	    asprintf(&p, "%s/evs-test-XXXXXX", base && *base ? base : "/tmp") > 0);
	assert_non_null(mkdtemp(p));
	return p;
}

static int rm_one(const char *path, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void th_rmrf(char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
}

char *th_source_path(const char *rel)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", EVS_SOURCE_DIR, rel) > 0);
	return p;
}

char *th_shared_path(const char *rel)
{
	const char *base = getenv("EVS_SHARED_DIR");
	char *p;
	assert_true(
	    asprintf(&p, "%s/%s", base && *base ? base : EVS_SHARED_DIR, rel) > 0);
	if (access(p, R_OK) != 0) {
		fprintf(stderr,
		        "skipping: %s is absent (../shared/ is only "
		        "beside the project's own checkout)\n",
		        p);
		free(p);
		return NULL;
	}
	return p;
}

void th_build_index(const char *dir, const char *const *files,
                    evs_add_stats *stats)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE | EVS_OPEN_CREATE;
	evs_index *idx = NULL;
	char *msg = NULL;
	evs_status st = evs_index_open(&idx, dir, &oo, &msg);
	if (st != EVS_OK)
		fail_msg("open %s: %s", dir, msg);
	evs_add_stats local = {0};
	if (!stats)
		stats = &local;
	for (size_t i = 0; files && files[i]; i++) {
		int fd = open(files[i], O_RDONLY);
		assert_true(fd >= 0);
		st = evs_index_add_stream(idx, fd, files[i], NULL, stats);
		close(fd);
		if (st != EVS_OK)
			fail_msg("add %s: %s", files[i], evs_errmsg(idx));
	}
	assert_int_equal(evs_index_close(idx), EVS_OK);
}

evs_index *th_open_writer(const char *dir)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE | EVS_OPEN_CREATE;
	evs_index *w = NULL;
	char *msg = NULL;
	if (evs_index_open(&w, dir, &oo, &msg) != EVS_OK)
		fail_msg("open %s for writing: %s", dir, msg);
	return w;
}

evs_index *th_open(const char *dir)
{
	evs_index *idx = NULL;
	char *msg = NULL;
	evs_status st = evs_index_open(&idx, dir, NULL, &msg);
	if (st != EVS_OK)
		fail_msg("open %s: %s", dir, msg);
	return idx;
}

evs_results *th_search(evs_index *idx, const char *query,
                       const evs_search_options *opts)
{
	evs_results *res = NULL;
	evs_status st = evs_search(&res, idx, query, opts);
	if (st != EVS_OK)
		fail_msg("search \"%s\": %s", query ? query : "", evs_errmsg(idx));
	return res;
}

void th_hit_ids(const evs_results *res, char *out, size_t cap)
{
	*out = '\0';
	for (size_t i = 0; i < evs_results_count(res); i++)
		snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "",
		         evs_hit_id(res, i));
}

int th_hit_rank(const evs_results *res, const char *id)
{
	for (size_t i = 0; i < evs_results_count(res); i++)
		if (strcmp(evs_hit_id(res, i), id) == 0)
			return (int)i;
	return -1;
}

/* The text of th_write_forms, by event: forms of "meet" (m different
 * ones), and the same words with "zorbax" for each form. The twin is
 * given m - 1 more words of description for each "Z" term of the form
 * event (wdf m - 1, in the free text and, in a title, under "S" too), so
 * that the two are of one length. */
static const struct {
	const char *forms, *twin;
	int m;
} forms_text[] = {
    {"meeting meetings", "zorbax zorbax", 2},
    {"meeting", "zorbax", 1},
    {"meets meet meeting", "zorbax zorbax zorbax", 3},
    {"meets pad", "zorbax pad", 1},
};
#define FORMS_KINDS (sizeof forms_text / sizeof forms_text[0])
/* Events of neither kind: with them Xapian's estimate of "meet", rounded
 * at each of its binary ORs, differs by one from the same estimate
 * rounded once (31 and 32 of 52), so that a query that mirrors Xapian
 * less exactly weighs wrong. */
#define FORMS_OTHERS 4

int th_write_forms(FILE *f, int in_title)
{
	for (size_t i = 0; i < TH_FORMS_EVENTS; i++) {
		size_t k = i / 2 % FORMS_KINDS, twin = i % 2;
		const char *text = twin ? forms_text[k].twin : forms_text[k].forms;
		char pads[64] = "";
		int npad = twin ? (forms_text[k].m - 1) * (in_title ? 2 : 1) : 0;
		for (int p = 0; p < npad; p++)
			strcat(pads, p ? " pad" : "pad");
		char id[16];
		snprintf(id, sizeof id, "%c%02zu", twin ? 'z' : 'm', i / 2);
		int rc = in_title ? fprintf(f,
		                            "{\"id\": \"%s\", \"title\": \"%s\", "
		                            "\"description\": \"x%s%s\", \"start\": "
		                            "\"2024-05-01\"}\n",
		                            id, text, *pads ? " " : "", pads)
		                  : fprintf(f,
		                            "{\"id\": \"%s\", \"title\": \"event\", "
		                            "\"description\": \"%s%s%s\", \"start\": "
		                            "\"2024-05-01\"}\n",
		                            id, text, *pads ? " " : "", pads);
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; i < FORMS_OTHERS; i++)
		if (fprintf(f,
		            "{\"id\": \"o%zu\", \"title\": \"event\", "
		            "\"description\": \"other\", \"start\": "
		            "\"2024-05-01\"}\n",
		            i) < 0)
			return -1;
	return 0;
}

void th_check_forms(evs_index *idx, int in_title)
{
	static const char *const queries[] = {"meet", "meeting", "meetings",
	                                      "MEETS", "zorbax"};
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.limit = TH_FORMS_EVENTS;
	/* Free text, and in a title also "title:". */
	for (int field = 0; field <= in_title; field++) {
		double weight[TH_FORMS_EVENTS] = {0};
		for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
			char query[64];
			snprintf(query, sizeof query, "%s%s", field ? "title:" : "",
			         queries[q]);
			evs_results *r = th_search(idx, query, &o);
			int z = queries[q][0] == 'z';
			assert_int_equal(evs_results_total(r), TH_FORMS_EVENTS / 2);
			for (size_t i = 0; i < evs_results_count(r); i++) {
				const char *id = evs_hit_id(r, i);
				assert_int_equal(id[0], z ? 'z' : 'm');
				size_t n = (size_t)atoi(id + 1) * 2 + (size_t)z;
				assert_true(n < TH_FORMS_EVENTS);
				weight[n] = evs_hit_score(r, i);
			}
			evs_results_free(r);
		}
		for (size_t n = 0; n < TH_FORMS_EVENTS; n += 2) {
			double m = weight[n], z = weight[n + 1];
			if (!(z > 0) || fabs(m - z) > 1e-9 * z)
				fail_msg("%s: event %zu weighs %.12g, its twin %.12g",
				         field ? "title:" : "free text", n / 2, m, z);
		}
	}
}

void th_on_report(void *ctx, const evs_diag *diag)
{
	th_diag_log *log = ctx;
	assert_non_null(diag->message);
	assert_non_null(diag->source);
	if (log->n == sizeof log->d / sizeof log->d[0]) {
		log->dropped++;
		return;
	}
	th_diag *c = &log->d[log->n++];
	c->severity = diag->severity;
	c->line = diag->line;
	snprintf(c->source, sizeof c->source, "%s", diag->source);
	snprintf(c->message, sizeof c->message, "%s", diag->message);
}

void th_assert_diag(const th_diag_log *log, size_t i, evs_severity sev,
                    const char *source, uint64_t line, const char *want,
                    int whole)
{
	if (i >= log->n)
		fail_msg("diagnostic %zu missing (%zu reported)", i, log->n);
	const th_diag *d = &log->d[i];
	int text = whole ? strcmp(d->message, want) == 0
	                 : strstr(d->message, want) != NULL;
	if (d->severity != sev || d->line != line || !text ||
	    strcmp(d->source, source) != 0)
		fail_msg("diagnostic %zu: %s %s:%llu: [%s]\n  expected %s %s:%llu: "
		         "%s[%s]",
		         i, d->severity == EVS_ERROR ? "error" : "warning", d->source,
		         (unsigned long long)d->line, d->message,
		         sev == EVS_ERROR ? "error" : "warning", source,
		         (unsigned long long)line, whole ? "" : "a message with ",
		         want);
}

void th_assert_stats(const evs_add_stats *s, uint64_t read, uint64_t added,
                     uint64_t replaced, uint64_t skipped, uint64_t warnings)
{
	if (s->read != read || s->added != added || s->replaced != replaced ||
	    s->skipped != skipped || s->warnings != warnings)
		fail_msg("stats: read %llu added %llu replaced %llu skipped %llu "
		         "warnings %llu; expected %llu %llu %llu %llu %llu",
		         (unsigned long long)s->read, (unsigned long long)s->added,
		         (unsigned long long)s->replaced,
		         (unsigned long long)s->skipped,
		         (unsigned long long)s->warnings, (unsigned long long)read,
		         (unsigned long long)added, (unsigned long long)replaced,
		         (unsigned long long)skipped, (unsigned long long)warnings);
}

uint64_t th_facet(const evs_results *res, evs_facet f, const char *value)
{
	for (size_t j = 0; j < evs_facet_count(res, f); j++) {
		uint64_t c;
		const char *v = evs_facet_value(res, f, j, &c);
		if (strcmp(v, value) == 0)
			return c;
	}
	return 0;
}

int th_corpus_setup(void **state)
{
	th_corpus *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = th_tmpdir();
	char *corpus = th_source_path("corpus/events.jsonl");
	const char *files[] = {corpus, NULL};
	evs_add_stats stats = {0};
	th_build_index(f->dir, files, &stats);
	free(corpus);
	assert_int_equal(stats.added, 8);
	assert_int_equal(stats.skipped, 0);
	f->idx = th_open(f->dir);
	*state = f;
	return 0;
}

int th_corpus_teardown(void **state)
{
	th_corpus *f = *state;
	assert_int_equal(evs_index_close(f->idx), EVS_OK);
	th_rmrf(f->dir);
	free(f);
	return 0;
}

int th_jsonl_setup(void **state, const char *events)
{
	th_corpus *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->idx = th_index_jsonl(events, &f->dir);
	*state = f;
	return 0;
}

int th_writer_setup(void **state)
{
	th_writer *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = th_tmpdir();
	assert_true(asprintf(&f->idx_dir, "%s/idx", f->dir) > 0);
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE | EVS_OPEN_CREATE;
	char *msg = NULL;
	if (evs_index_open(&f->idx, f->idx_dir, &oo, &msg) != EVS_OK)
		fail_msg("create %s: %s", f->idx_dir, msg);
	*state = f;
	return 0;
}

int th_writer_teardown(void **state)
{
	th_writer *f = *state;
	assert_int_equal(evs_index_close(f->idx), EVS_OK);
	free(f->idx_dir);
	th_rmrf(f->dir);
	free(f);
	return 0;
}

int th_write_big_lines(FILE *f, size_t line_len)
{
	const char *head = "{\"id\": \"giant\", \"title\": \"Giant record\", "
	                   "\"start\": \"2022-01-01\", \"description\": \"";
	const char *tail = "\"}";
	size_t fill = line_len - strlen(head) - strlen(tail);
	static char chunk[1 << 16];
	memset(chunk, 'a', sizeof chunk);
	for (size_t i = 0; i < sizeof chunk; i += 8)
		chunk[i] = ' ';
	if (fputs("{\"id\": \"before\", \"title\": \"Kilimanjaro\", "
	          "\"start\": \"2022-01-01\"}\n",
	          f) < 0 ||
	    fputs(head, f) < 0)
		return -1;
	while (fill) {
		size_t k = fill < sizeof chunk ? fill : sizeof chunk;
		if (fwrite(chunk, 1, k, f) != k)
			return -1;
		fill -= k;
	}
	if (fputs(tail, f) < 0 ||
	    fputs("\n{\"id\": \"after\", \"title\": \"Popocatepetl\", "
	          "\"start\": \"2022-01-01\"}\n",
	          f) < 0)
		return -1;
	return 0;
}

evs_index *th_index_jsonl(const char *events, char **dir_out)
{
	char *dir = th_tmpdir(), *path = NULL, *index = NULL;
	assert_true(asprintf(&path, "%s/events.jsonl", dir) > 0);
	assert_true(asprintf(&index, "%s/index", dir) > 0);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(events, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	const char *files[] = {path, NULL};
	th_build_index(index, files, NULL);
	evs_index *idx = th_open(index);
	free(path);
	free(index);
	*dir_out = dir;
	return idx;
}

evs_index *th_index_schedules(const char *const *names, char **dir_out)
{
	char *paths[8] = {NULL};
	const char *files[9] = {NULL};
	size_t n = 0;
	int absent = 0;
	evs_index *idx = NULL;
	for (; names[n] && n < 8; n++) {
		char rel[256];
		snprintf(rel, sizeof rel, "data/events/%s.jsonl", names[n]);
		files[n] = paths[n] = th_shared_path(rel);
		absent |= !paths[n];
	}
	*dir_out = NULL;
	if (!absent) {
		*dir_out = th_tmpdir();
		th_build_index(*dir_out, files, NULL);
		idx = th_open(*dir_out);
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	if (!idx)
		skip();
	return idx;
}

uint64_t th_total(evs_index *idx, const char *q, unsigned flags)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = EVS_SEARCH_NO_FACETS | flags;
	evs_results *r = th_search(idx, q, &o);
	uint64_t n = evs_results_total(r);
	evs_results_free(r);
	return n;
}
