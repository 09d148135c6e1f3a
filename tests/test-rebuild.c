/* test-rebuild.c: generations: rebuild, sync, switch, rollback, the
 * writer lock, and readers that never see a half-built index.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "xapian-shim.h"

/* Two sources: A is the corpus (8 events), B the same events under other
 * ids with other titles, plus 4 more (12): every answer tells which
 * generation it came from. */
typedef struct fixture {
	char *tmp;
	char *a, *b;
} fixture;

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Writes the corpus with ids and titles prefixed by tag, copies times
 * over. */
static void write_variant(const char *path, const char *tag, int copies)
{
	char *corpus_path = th_source_path("corpus/events.jsonl");
	char *text = read_all(corpus_path);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	for (int c = 0; c < copies; c++) {
		char *line = text;
		while (*line) {
			char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			if (len) {
				char *id = strstr(line, "\"id\": \"");
				char *title = strstr(line, "\"title\": \"");
				assert_true(id && title && id < title);
				id += 7;
				title += 10;
				fwrite(line, 1, (size_t)(id - line), out);
				fprintf(out, "%s%d-", tag, c);
				fwrite(id, 1, (size_t)(title - id), out);
				fprintf(out, "%s ", tag);
				fwrite(title, 1, len - (size_t)(title - line), out);
				fputc('\n', out);
			}
			line = nl ? nl + 1 : line + len;
		}
	}
	fclose(out);
	free(text);
	free(corpus_path);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->tmp = th_tmpdir();
	assert_true(asprintf(&f->a, "%s/a.jsonl", f->tmp) > 0);
	assert_true(asprintf(&f->b, "%s/b.jsonl", f->tmp) > 0);
	write_variant(f->a, "alpha", 1);
	write_variant(f->b, "beta", 2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	free(f->a);
	free(f->b);
	th_rmrf(f->tmp);
	free(f);
	return 0;
}

static char *index_dir(const fixture *f, const char *name)
{
	char *d;
	assert_true(asprintf(&d, "%s/%s", f->tmp, name) > 0);
	return d;
}

/* Runs a rebuild (or sync) of dir from file with checks; returns the
 * switch's status. */
static evs_status rebuild(const char *dir, const char *file, int flags,
                          const evs_switch_options *checks,
                          evs_switch_report *rep)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = flags | EVS_OPEN_CREATE;
	evs_index *idx = NULL;
	char *msg = NULL;
	evs_status st = evs_index_open(&idx, dir, &oo, &msg);
	if (st != EVS_OK)
		fail_msg("open for rebuild: %s", msg);
	int fd = open(file, O_RDONLY);
	assert_true(fd >= 0);
	evs_add_stats stats = {0};
	assert_int_equal(evs_index_add_stream(idx, fd, file, NULL, &stats), EVS_OK);
	close(fd);
	evs_switch_report local;
	memset(&local, 0, sizeof local);
	local.version = EVS_SWITCH_REPORT_VERSION;
	st = evs_index_switch(idx, checks, rep ? rep : &local);
	if (rep && st == EVS_OK) {
		/* The strings live on the handle: keep only the numbers. */
		rep->old_generation = rep->new_generation = NULL;
	}
	assert_int_equal(evs_index_close(idx), EVS_OK);
	return st;
}

/* Total matches of query (NULL: every event) in the index in dir. */
static uint64_t total_in(const char *dir, const char *query)
{
	evs_index *idx = th_open(dir);
	evs_results *r = th_search(idx, query, NULL);
	uint64_t n = evs_results_total(r);
	evs_results_free(r);
	evs_index_close(idx);
	return n;
}

static uint64_t count(const char *dir)
{
	return total_in(dir, NULL);
}

/* The names in dir, sorted, joined by spaces. */
static char *listing(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	assert_true(n >= 0);
	char *s = calloc(1, 1024);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			if (*s)
				strcat(s, " ");
			strncat(s, names[i]->d_name, 1000 - strlen(s));
		}
		free(names[i]);
	}
	free(names);
	return s;
}

static void test_rebuild__switch_keeps_previous_and_cleans(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "switch");
	evs_switch_options loose = EVS_SWITCH_OPTIONS_INIT;
	loose.max_shrink_percent = -1;
	evs_switch_report rep;
	memset(&rep, 0, sizeof rep);
	rep.version = EVS_SWITCH_REPORT_VERSION;
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, &rep),
	                 EVS_OK);
	assert_int_equal(rep.new_events, 8);
	assert_int_equal(rep.live_events, 0);
	char *l = listing(dir);
	assert_string_equal(l, "current gen-1 lock");
	free(l);
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, &loose, &rep),
	                 EVS_OK);
	assert_int_equal(rep.live_events, 8);
	assert_int_equal(rep.new_events, 16);
	assert_int_equal(rep.dropped, 8); /* alpha-* ids are not in b */
	assert_int_equal(count(dir), 16);
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, &rep),
	                 EVS_OK);
	assert_int_equal(count(dir), 8);
	/* Bounded: the live generation and the one before, nothing older. */
	l = listing(dir);
	assert_string_equal(l, "current gen-2 gen-3 lock previous");
	free(l);
	/* Rollback, and rollback again. */
	char *msg = NULL;
	assert_int_equal(evs_index_rollback(dir, NULL, &msg), EVS_OK);
	assert_int_equal(count(dir), 16);
	assert_int_equal(evs_index_rollback(dir, NULL, &msg), EVS_OK);
	assert_int_equal(count(dir), 8);
	free(dir);
}

static void test_rebuild__failed_checks_leave_live_serving(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "checks");
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	assert_int_equal(count(dir), 16);
	/* 8 of 16 is a 50% shrink, over the default limit of 20%. */
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_REBUILD;
	evs_index *idx = NULL;
	assert_int_equal(evs_index_open(&idx, dir, &oo, NULL), EVS_OK);
	int fd = open(f->a, O_RDONLY);
	assert_int_equal(evs_index_add_stream(idx, fd, "a", NULL, NULL), EVS_OK);
	close(fd);
	assert_int_equal(evs_index_switch(idx, NULL, NULL), EVS_E_REJECTED);
	assert_non_null(strstr(evs_errmsg(idx), "50.0% fewer"));
	assert_int_equal(evs_index_close(idx), EVS_OK);
	assert_int_equal(count(dir), 16);
	char *l = listing(dir);
	assert_string_equal(l, "current gen-1 lock");
	free(l);
	/* Too many bad records. */
	char *bad;
	assert_true(asprintf(&bad, "%s/bad.jsonl", f->tmp) > 0);
	FILE *out = fopen(bad, "w");
	char *text = read_all(f->b);
	fputs(text, out);
	free(text);
	for (int i = 0; i < 3; i++)
		fprintf(out, "{\"id\": \"bad-%d\", \"title\": \"x\"}\n", i);
	fclose(out);
	evs_switch_options strict = EVS_SWITCH_OPTIONS_INIT;
	strict.max_errors = 2;
	assert_int_equal(rebuild(dir, bad, EVS_OPEN_REBUILD, &strict, NULL),
	                 EVS_E_REJECTED);
	strict.max_errors = 3;
	assert_int_equal(rebuild(dir, bad, EVS_OPEN_REBUILD, &strict, NULL),
	                 EVS_OK);
	/* Too few events. */
	strict.min_events = 17;
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, &strict, NULL),
	                 EVS_E_REJECTED);
	assert_int_equal(count(dir), 16);
	free(bad);
	free(dir);
}

static void test_rebuild__one_writer_at_a_time(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "lock");
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_REBUILD;
	evs_index *first = NULL, *second = NULL;
	assert_int_equal(evs_index_open(&first, dir, &oo, NULL), EVS_OK);
	char *msg = NULL;
	assert_int_equal(evs_index_open(&second, dir, &oo, &msg), EVS_E_LOCKED);
	char pid[32];
	snprintf(pid, sizeof pid, "PID %ld", (long)getpid());
	assert_non_null(strstr(msg, pid));
	evs_free(msg);
	/* A plain update and a rollback wait their turn too. */
	oo.flags = EVS_OPEN_WRITE;
	oo.wait_seconds = 1;
	assert_int_equal(evs_index_open(&second, dir, &oo, &msg), EVS_E_LOCKED);
	evs_free(msg);
	assert_int_equal(evs_index_rollback(dir, NULL, &msg), EVS_E_LOCKED);
	evs_free(msg);
	/* Readers are never locked out. */
	assert_int_equal(count(dir), 8);
	assert_int_equal(evs_index_close(first), EVS_OK);
	assert_int_equal(evs_index_open(&second, dir, &oo, NULL), EVS_OK);
	assert_int_equal(evs_index_close(second), EVS_OK);
	free(dir);
}

static void test_rebuild__reader_follows_switch_on_reopen(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "reopen");
	evs_switch_options loose = EVS_SWITCH_OPTIONS_INIT;
	loose.max_shrink_percent = -1;
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	evs_index *reader = th_open(dir);
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	/* The old generation, whole, until reopened. */
	evs_results *r = th_search(reader, NULL, NULL);
	assert_int_equal(evs_results_total(r), 8);
	evs_results_free(r);
	assert_int_equal(evs_index_reopen(reader), EVS_OK);
	r = th_search(reader, NULL, NULL);
	assert_int_equal(evs_results_total(r), 16);
	evs_results_free(r);
	evs_index_close(reader);
	free(dir);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every stored record, sorted, as one string. */
static char *all_records(const char *dir)
{
	evs_index *idx = th_open(dir);
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.limit = 1000;
	o.sort = EVS_SORT_DATE;
	evs_results *r = th_search(idx, NULL, &o);
	size_t n = evs_results_count(r);
	const char **recs = calloc(n, sizeof *recs);
	for (size_t i = 0; i < n; i++)
		recs[i] = evs_hit_record(r, i);
	qsort(recs, n, sizeof *recs, cmp_str);
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(recs[i]) + 1;
	char *s = calloc(1, len);
	for (size_t i = 0; i < n; i++) {
		strcat(s, recs[i]);
		strcat(s, "\n");
	}
	free(recs);
	evs_results_free(r);
	evs_index_close(idx);
	return s;
}

static void test_rebuild__sync_equals_fresh_rebuild(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "sync");
	char *fresh = index_dir(f, "fresh");
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	/* Edit one record, delete two, add one. */
	char *src;
	assert_true(asprintf(&src, "%s/edited.jsonl", f->tmp) > 0);
	char *text = read_all(f->b);
	FILE *out = fopen(src, "w");
	int line = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		line++;
		if (line == 3) {
			char *t = strstr(p, "\"title\": \"");
			fwrite(p, 1, (size_t)(t - p) + 10, out);
			fputs("EDITED ", out);
			fwrite(t + 10, 1, len - (size_t)(t + 10 - p), out);
		} else if (line != 5 && line != 9) {
			fwrite(p, 1, len, out);
		}
		p += len;
	}
	fputs("{\"id\": \"new-one\", \"title\": \"A new event\", "
	      "\"start\": \"2024-02-03\"}\n",
	      out);
	fclose(out);
	free(text);
	evs_switch_report rep;
	memset(&rep, 0, sizeof rep);
	rep.version = EVS_SWITCH_REPORT_VERSION;
	assert_int_equal(rebuild(dir, src, EVS_OPEN_SYNC, NULL, &rep), EVS_OK);
	assert_int_equal(rep.unchanged, 13);
	assert_int_equal(rep.deleted, 2);
	assert_int_equal(rep.new_events, 15);
	assert_int_equal(rebuild(fresh, src, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	char *x = all_records(dir), *y = all_records(fresh);
	assert_string_equal(x, y);
	assert_non_null(strstr(x, "EDITED"));
	free(x);
	free(y);
	free(src);
	free(dir);
	free(fresh);
}

/* Adds file to the index in dir through a handle opened with flags
 * (EVS_OPEN_WRITE, or EVS_OPEN_BATCH on threads workers, then switched
 * to); returns the counts. */
static evs_add_stats add_file(const char *dir, const char *file, int flags,
                              int threads)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = flags;
	oo.threads = threads;
	evs_index *idx = NULL;
	assert_int_equal(evs_index_open(&idx, dir, &oo, NULL), EVS_OK);
	int fd = open(file, O_RDONLY);
	assert_true(fd >= 0);
	evs_add_stats stats = {0};
	assert_int_equal(evs_index_add_stream(idx, fd, file, NULL, &stats), EVS_OK);
	close(fd);
	if (flags & EVS_OPEN_BATCH)
		assert_int_equal(evs_index_switch(idx, NULL, NULL), EVS_OK);
	assert_int_equal(evs_index_close(idx), EVS_OK);
	return stats;
}

/* A batch (EVS_OPEN_BATCH) leaves the index as writing the same records
 * in place would: a changed record replaces its event, a new one is
 * added, an unchanged one is counted as such, an id given twice keeps
 * its last record (also when the first was unchanged), and events not
 * given stay. Nothing changed: the live generation stays. */
static void test_rebuild__batch_equals_in_place(void **state)
{
	fixture *f = *state;
	char *batch = index_dir(f, "batch"), *inplace = index_dir(f, "inplace");
	char *src;
	assert_true(asprintf(&src, "%s/batch.jsonl", f->tmp) > 0);
	char *text = read_all(f->b);
	FILE *out = fopen(src, "w");
	assert_non_null(out);
	int line = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		line++;
		if (line == 2 || line == 6) { /* changed, then as it was */
			char *t = strstr(p, "\"title\": \"");
			fwrite(p, 1, (size_t)(t - p) + 10, out);
			fputs("CHANGED ", out);
			fwrite(t + 10, 1, len - (size_t)(t + 10 - p), out);
			if (line == 6)
				fwrite(p, 1, len, out);
		} else if (line == 4) { /* as it is, then changed */
			fwrite(p, 1, len, out);
			char *t = strstr(p, "\"title\": \"");
			fwrite(p, 1, (size_t)(t - p) + 10, out);
			fputs("LATER ", out);
			fwrite(t + 10, 1, len - (size_t)(t + 10 - p), out);
		} else if (line > 10) {
			fwrite(p, 1, len, out); /* lines 7-10 are not given */
		} else if (line != 7 && line != 8 && line != 9 && line != 10) {
			fwrite(p, 1, len, out);
		}
		p += len;
	}
	fputs("{\"id\": \"new-one\", \"title\": \"A new event\", "
	      "\"start\": \"2024-02-03\"}\n",
	      out);
	assert_int_equal(fclose(out), 0);
	free(text);
	assert_int_equal(rebuild(batch, f->b, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	assert_int_equal(rebuild(inplace, f->b, EVS_OPEN_REBUILD, NULL, NULL),
	                 EVS_OK);
	/* 16 records: 1, 3, 5, 11-16 as they are; 2 changed; 4 as it is then
	 * changed; 6 changed then as it was; the new one. */
	evs_add_stats b = add_file(batch, src, EVS_OPEN_BATCH, 3);
	evs_add_stats w = add_file(inplace, src, EVS_OPEN_WRITE, 0);
	assert_int_equal(b.read, 15);
	assert_int_equal(b.added, 1);
	assert_int_equal(b.replaced, 4);
	assert_int_equal(b.unchanged, 10);
	assert_int_equal(b.read, w.read);
	assert_int_equal(b.added, w.added);
	assert_int_equal(b.replaced + b.unchanged, w.replaced + w.unchanged);
	assert_int_equal(count(batch), 17);
	assert_int_equal(total_in(batch, "changed"), 1);
	assert_int_equal(total_in(batch, "later"), 1);
	char *x = all_records(batch), *y = all_records(inplace);
	assert_string_equal(x, y);
	free(x);
	free(y);
	/* The batch made a new generation, compacted; the same batch again
	 * changes nothing and keeps it. */
	char *cur;
	assert_true(asprintf(&cur, "%s/current", batch) > 0);
	char link[64] = "";
	assert_true(readlink(cur, link, sizeof link - 1) > 0);
	assert_string_equal(link, "gen-2");
	/* The ids given twice, each twice: their first record differs from
	 * what the index has (their last one). */
	b = add_file(batch, src, EVS_OPEN_BATCH, 2);
	assert_int_equal(b.added, 0);
	assert_int_equal(b.replaced, 4);
	assert_int_equal(b.unchanged, 11);
	memset(link, 0, sizeof link);
	assert_true(readlink(cur, link, sizeof link - 1) > 0);
	assert_string_equal(link, "gen-3");
	assert_int_equal(count(batch), 17);
	/* Records that are all as they are: nothing is written. */
	b = add_file(batch, f->a, EVS_OPEN_WRITE, 0);
	assert_int_equal(b.added, 8);
	b = add_file(batch, f->a, EVS_OPEN_BATCH, 2);
	assert_int_equal(b.unchanged, 8);
	memset(link, 0, sizeof link);
	assert_true(readlink(cur, link, sizeof link - 1) > 0);
	assert_string_equal(link, "gen-3");
	assert_int_equal(count(batch), 25);
	/* A batch deletes the events it had, not the records it wrote. */
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_BATCH;
	evs_index *idx = NULL;
	assert_int_equal(evs_index_open(&idx, batch, &oo, NULL), EVS_OK);
	const char *rec = "{\"id\": \"new-two\", \"title\": \"Another\", "
	                  "\"start\": \"2024-02-04\"}";
	assert_int_equal(evs_index_add_json(idx, rec, strlen(rec), NULL), EVS_OK);
	assert_int_equal(evs_index_delete(idx, "new-two"), EVS_E_INVALID);
	assert_int_equal(evs_index_delete(idx, "new-one"), EVS_OK);
	assert_int_equal(evs_index_delete(idx, "no-such-id"), EVS_E_NOTFOUND);
	assert_int_equal(evs_index_switch(idx, NULL, NULL), EVS_OK);
	assert_int_equal(evs_index_close(idx), EVS_OK);
	assert_int_equal(count(batch), 25);
	assert_int_equal(total_in(batch, "another"), 1);
	assert_int_equal(total_in(batch, "\"a new event\""), 0);
	free(cur);
	free(src);
	free(batch);
	free(inplace);
}

/* Rebuilds dir from src on threads worker threads, switching to the
 * result. */
static void rebuild_on_threads(const char *dir, const char *src, int threads)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_REBUILD | EVS_OPEN_CREATE;
	oo.threads = threads;
	evs_index *idx = NULL;
	assert_int_equal(evs_index_open(&idx, dir, &oo, NULL), EVS_OK);
	int fd = open(src, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(evs_index_add_stream(idx, fd, src, NULL, NULL), EVS_OK);
	close(fd);
	assert_int_equal(evs_index_switch(idx, NULL, NULL), EVS_OK);
	assert_int_equal(evs_index_close(idx), EVS_OK);
}

/* An id given twice replaces its first record, on whichever thread it
 * lands, before and after the stored-record dictionary is made (the
 * first 32 KiB of records are held until then), and through a plain
 * writer as well: a worker adds the first record of an id without
 * looking the id up, which must never apply to the second. */
static void test_rebuild__repeated_ids_replace(void **state)
{
	fixture *f = *state;
	char *src;
	assert_true(asprintf(&src, "%s/repeated.jsonl", f->tmp) > 0);
	FILE *out = fopen(src, "w");
	assert_non_null(out);
	const char *pad = "Sessions on reproducible builds, packaging and the "
	                  "long road from a source tree to a signed release.";
	for (int i = 0; i < 300; i++) {
		fprintf(out,
		        "{\"id\": \"rep-%d\", \"title\": \"Early draft %d\", "
		        "\"description\": \"%s\", \"start\": \"2024-03-01\"}\n",
		        i, i, pad);
		if (i % 3 == 0 && i >= 3)
			fprintf(out,
			        "{\"id\": \"rep-%d\", \"title\": \"Final version "
			        "%d\", \"start\": \"2024-03-02\"}\n",
			        i - 3, i - 3);
	}
	assert_int_equal(fclose(out), 0);
	for (int threads = 1; threads <= 3; threads += 2) {
		char *dir = index_dir(f, threads == 1 ? "repeated-1" : "repeated-3");
		rebuild_on_threads(dir, src, threads);
		assert_int_equal(count(dir), 300);
		assert_int_equal(total_in(dir, "draft"), 201);
		assert_int_equal(total_in(dir, "final"), 99);
		free(dir);
	}
	char *dir = index_dir(f, "repeated-plain");
	evs_add_stats stats = {0};
	th_build_index(dir, (const char *const[]){src, NULL}, &stats);
	th_assert_stats(&stats, 399, 300, 99, 0, 99); /* a warning each */
	assert_int_equal(count(dir), 300);
	assert_int_equal(total_in(dir, "draft"), 201);
	assert_int_equal(total_in(dir, "final"), 99);
	/* Deleted, then given again before a commit: added once. */
	evs_index *w = th_open_writer(dir);
	assert_int_equal(evs_index_delete(w, "rep-0"), EVS_OK);
	const char *again = "{\"id\": \"rep-0\", \"title\": \"Reborn\", \"start\": "
	                    "\"2024-03-03\"}";
	assert_int_equal(evs_index_add_json(w, again, strlen(again), NULL), EVS_OK);
	assert_int_equal(evs_index_close(w), EVS_OK);
	assert_int_equal(count(dir), 300);
	assert_int_equal(total_in(dir, "reborn"), 1);
	assert_int_equal(total_in(dir, "final"), 98);
	free(dir);
	free(src);
}

/* A rebuild on three threads merges three parts, each with its own
 * synonym table: a word still finds every form of its stem, weighed as
 * one term (th_check_forms). */
static void test_rebuild__stem_forms_across_parts(void **state)
{
	fixture *f = *state;
	for (int in_title = 0; in_title <= 1; in_title++) {
		char *dir = index_dir(f, in_title ? "forms-title" : "forms");
		char *src;
		assert_true(asprintf(&src, "%s/forms-%d.jsonl", f->tmp, in_title) > 0);
		FILE *out = fopen(src, "w");
		assert_non_null(out);
		assert_int_equal(th_write_forms(out, in_title), 0);
		assert_int_equal(fclose(out), 0);
		rebuild_on_threads(dir, src, 3);
		evs_index *idx = th_open(dir);
		th_check_forms(idx, in_title);
		evs_index_close(idx);
		free(src);
		free(dir);
	}
}

/* In a child: searches dir in a loop until told to stop (SIGTERM), each
 * time through a new handle and through a long-lived one that reopens.
 * Every answer must be one generation whole: 8 alpha events or 16 beta
 * ones, all of one kind. Exits with the number of bad answers (capped),
 * 0 meaning every answer was whole. */
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int whole(evs_index *idx, unsigned long *answers)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.limit = 100;
	evs_results *r = NULL;
	if (evs_search(&r, idx, NULL, &o) != EVS_OK)
		return 0;
	size_t n = evs_results_count(r);
	uint64_t total = evs_results_total(r);
	int alpha = 0, beta = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = evs_hit_id(r, i);
		alpha += strncmp(id, "alpha", 5) == 0;
		beta += strncmp(id, "beta", 4) == 0;
	}
	evs_results_free(r);
	(*answers)++;
	return (total == 8 && n == 8 && alpha == 8) ||
	       (total == 16 && n == 16 && beta == 16);
}

static int search_loop(const char *dir, int report_fd)
{
	signal(SIGTERM, on_term);
	unsigned long answers = 0, bad = 0;
	evs_index *longlived = NULL;
	if (evs_index_open(&longlived, dir, NULL, NULL) != EVS_OK)
		return 100;
	while (!stop) {
		evs_index *idx = NULL;
		if (evs_index_open(&idx, dir, NULL, NULL) != EVS_OK ||
		    !whole(idx, &answers))
			bad++;
		evs_index_close(idx);
		if (evs_index_reopen(longlived) != EVS_OK ||
		    !whole(longlived, &answers))
			bad++;
	}
	evs_index_close(longlived);
	if (write(report_fd, &answers, sizeof answers) < 0)
		return 100;
	return bad > 99 ? 99 : (int)bad;
}

static void test_rebuild__readers_see_whole_generations(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "concurrent");
	evs_switch_options loose = EVS_SWITCH_OPTIONS_INIT;
	loose.max_shrink_percent = -1;
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fds[0]);
		_exit(search_loop(dir, fds[1]));
	}
	close(fds[1]);
	for (int i = 0; i < 20; i++)
		assert_int_equal(rebuild(dir, i % 2 ? f->a : f->b, EVS_OPEN_REBUILD,
		                         &loose, NULL),
		                 EVS_OK);
	kill(child, SIGTERM);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	unsigned long answers = 0;
	assert_int_equal(read(fds[0], &answers, sizeof answers), sizeof answers);
	close(fds[0]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0); /* no bad answer */
	assert_true(answers > 20);
	free(dir);
}

/* A rebuild in a child that stops at a point and waits to be killed. */
enum { KILL_WHILE_ADDING, KILL_BEFORE_SWITCH, KILL_AFTER_SWITCH };

static void rebuild_until(const char *dir, const char *file, int point,
                          int ready_fd)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_REBUILD;
	evs_index *idx = NULL;
	if (evs_index_open(&idx, dir, &oo, NULL) != EVS_OK)
		_exit(1);
	int fd = open(file, O_RDONLY);
	if (point == KILL_WHILE_ADDING) {
		/* Half of the records, uncommitted. */
		evs_index_add_json(idx,
		                   "{\"id\": \"x\", \"title\": \"x\", "
		                   "\"start\": \"2020-01-01\"}",
		                   47, NULL);
	} else {
		evs_index_add_stream(idx, fd, file, NULL, NULL);
		evs_switch_options loose = EVS_SWITCH_OPTIONS_INIT;
		loose.max_shrink_percent = -1;
		if (point == KILL_AFTER_SWITCH &&
		    evs_index_switch(idx, &loose, NULL) != EVS_OK)
			_exit(2);
	}
	if (write(ready_fd, "k", 1) < 0)
		_exit(3);
	for (;;)
		pause();
}

static void test_rebuild__sigkill_at_any_point(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "killed");
	evs_switch_options loose = EVS_SWITCH_OPTIONS_INIT;
	loose.max_shrink_percent = -1;
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	int points[] = {KILL_WHILE_ADDING, KILL_BEFORE_SWITCH, KILL_AFTER_SWITCH};
	uint64_t live_after[] = {8, 8, 16};
	for (size_t k = 0; k < 3; k++) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		pid_t child = fork();
		assert_true(child >= 0);
		if (child == 0) {
			close(fds[0]);
			rebuild_until(dir, f->b, points[k], fds[1]);
		}
		close(fds[1]);
		char c;
		assert_int_equal(read(fds[0], &c, 1), 1);
		close(fds[0]);
		kill(child, SIGKILL);
		int status;
		waitpid(child, &status, 0);
		assert_true(WIFSIGNALED(status));
		/* The live index answers... */
		assert_int_equal(count(dir), live_after[k]);
		/* ...and the next rebuild succeeds and clears what was left. */
		assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, NULL),
		                 EVS_OK);
		assert_int_equal(count(dir), 8);
		char *l = listing(dir);
		char *gens = strstr(l, "gen-");
		assert_non_null(gens);
		/* current, two generations, lock, previous: nothing else. */
		int words = 1;
		for (char *p = l; *p; p++)
			words += *p == ' ';
		assert_int_equal(words, 5);
		assert_null(strstr(l, ".tmp"));
		free(l);
	}
	free(dir);
}

/* What review found: a rebuild handle before, at and after its switch,
 * and readers across switches. */
static void test_rebuild__handle_before_and_after_switch(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "handle");
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_REBUILD;
	evs_index *idx = NULL;
	assert_int_equal(evs_index_open(&idx, dir, &oo, NULL), EVS_OK);
	int fd = open(f->b, O_RDONLY);
	assert_int_equal(evs_index_add_stream(idx, fd, "b", NULL, NULL), EVS_OK);
	close(fd);
	/* Nothing to search, delete or reopen while building: refused. */
	evs_results *r = NULL;
	assert_int_equal(evs_search(&r, idx, "treaty", NULL), EVS_E_INVALID);
	assert_null(r);
	assert_int_equal(evs_index_delete(idx, "x"), EVS_E_INVALID);
	assert_int_equal(evs_index_reopen(idx), EVS_E_INVALID);
	evs_switch_options loose = EVS_SWITCH_OPTIONS_INIT;
	loose.max_shrink_percent = -1;
	assert_int_equal(evs_index_switch(idx, &loose, NULL), EVS_OK);
	/* After the switch the handle reads its generation, facets and all. */
	r = th_search(idx, NULL, NULL);
	assert_int_equal(evs_results_total(r), 16);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "EU Cyber Direct"), 4);
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "cybercrime"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2021"), 8);
	evs_results_free(r);
	assert_int_equal(evs_index_switch(idx, NULL, NULL), EVS_E_INVALID);
	assert_int_equal(evs_index_close(idx), EVS_OK);
	free(dir);
}

static void
test_rebuild__reopen_refusing_a_new_generation_keeps_old(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "refuse");
	evs_switch_options loose = EVS_SWITCH_OPTIONS_INIT;
	loose.max_shrink_percent = -1;
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	evs_index *reader = th_open(dir);
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	/* The new generation claims a schema from the future. */
	char *gen;
	assert_true(asprintf(&gen, "%s/gen-2", dir) > 0);
	xs_db *db = NULL;
	char err[XS_ERRLEN];
	assert_int_equal(xs_db_open_writer(&db, gen, 0, err), EVS_OK);
	assert_int_equal(xs_db_set_metadata(db, "evsearch.schema_version", "99",
	                                    err),
	                 EVS_OK);
	assert_int_equal(xs_db_close(db, err), EVS_OK);
	assert_int_equal(evs_index_reopen(reader), EVS_E_VERSION);
	assert_non_null(strstr(evs_errmsg(reader), "schema version 99"));
	evs_results *r = th_search(reader, NULL, NULL);
	assert_int_equal(evs_results_total(r), 8); /* still the old one */
	evs_results_free(r);
	evs_index_close(reader);
	free(gen);
	free(dir);
}

static void test_rebuild__reader_counts_organisers_a_writer_added(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "organisers");
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	evs_index *reader = th_open(dir);
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE;
	evs_index *w = NULL;
	assert_int_equal(evs_index_open(&w, dir, &oo, NULL), EVS_OK);
	const char *rec =
	    "{\"id\": \"many\", \"title\": \"Many hands\", \"start\": "
	    "\"2024-01-01\", \"organisers\": [\"A\", \"B\", \"C\", \"D\", "
	    "\"E\", \"F\"]}";
	assert_int_equal(evs_index_add_json(w, rec, strlen(rec), NULL), EVS_OK);
	assert_int_equal(evs_index_close(w), EVS_OK);
	assert_int_equal(evs_index_reopen(reader), EVS_OK);
	evs_results *r = th_search(reader, "hands", NULL);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "F"), 1);
	evs_results_free(r);
	evs_index_close(reader);
	free(dir);
}

static void test_rebuild__lost_current_link_is_not_overwritten(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "lost");
	evs_switch_options loose = EVS_SWITCH_OPTIONS_INIT;
	loose.max_shrink_percent = -1;
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	char *link;
	assert_true(asprintf(&link, "%s/current", dir) > 0);
	assert_int_equal(unlink(link), 0);
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE | EVS_OPEN_CREATE;
	evs_index *w = NULL;
	char *msg = NULL;
	assert_int_equal(evs_index_open(&w, dir, &oo, &msg), EVS_E_CORRUPT);
	assert_non_null(strstr(msg, "--rebuild"));
	evs_free(msg);
	char *l = listing(dir);
	assert_string_equal(l, "gen-1 gen-2 lock previous");
	free(l);
	/* A rebuild renews it. */
	assert_int_equal(rebuild(dir, f->a, EVS_OPEN_REBUILD, &loose, NULL),
	                 EVS_OK);
	assert_int_equal(count(dir), 8);
	free(link);
	free(dir);
}

/* A sync that changes nothing switches nothing: the live generation and
 * the rollback point stay. A plain writer reports records the index has
 * as they are as unchanged, and one that differs as replaced. */
static void test_rebuild__unchanged_writes_nothing(void **state)
{
	fixture *f = *state;
	char *dir = index_dir(f, "noop");
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_REBUILD, NULL, NULL), EVS_OK);
	char *cur = NULL, *prev = NULL, *path = NULL;
	char buf[64];
	assert_true(asprintf(&path, "%s/current", dir) > 0);
	ssize_t n = readlink(path, buf, sizeof buf - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	cur = strdup(buf);
	free(path);
	evs_switch_report rep;
	memset(&rep, 0, sizeof rep);
	rep.version = EVS_SWITCH_REPORT_VERSION;
	assert_int_equal(rebuild(dir, f->b, EVS_OPEN_SYNC, NULL, &rep), EVS_OK);
	assert_int_equal(rep.deleted, 0);
	assert_int_equal(rep.new_events, rep.live_events);
	assert_true(asprintf(&path, "%s/current", dir) > 0);
	n = readlink(path, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	assert_string_equal(buf, cur);
	free(path);
	assert_true(asprintf(&path, "%s/previous", dir) > 0);
	n = readlink(path, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	prev = strdup(buf);
	assert_string_equal(prev, "gen-1");
	free(path);

	evs_index *w = th_open_writer(dir);
	const char *rec = "{\"id\": \"plain-1\", \"title\": \"Plain\", "
	                  "\"start\": \"2024-01-01\"}";
	evs_outcome o;
	assert_int_equal(evs_index_add_json(w, rec, strlen(rec), &o), EVS_OK);
	assert_int_equal(o, EVS_ADDED);
	assert_int_equal(evs_index_close(w), EVS_OK);
	w = th_open_writer(dir);
	assert_int_equal(evs_index_add_json(w, rec, strlen(rec), &o), EVS_OK);
	assert_int_equal(o, EVS_UNCHANGED);
	const char *edited = "{\"id\": \"plain-1\", \"title\": \"Plain, edited\", "
	                     "\"start\": \"2024-01-01\"}";
	assert_int_equal(evs_index_add_json(w, edited, strlen(edited), &o),
	                 EVS_OK);
	assert_int_equal(o, EVS_REPLACED);
	assert_int_equal(evs_index_close(w), EVS_OK);
	free(cur);
	free(prev);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rebuild__switch_keeps_previous_and_cleans),
	    cmocka_unit_test(test_rebuild__failed_checks_leave_live_serving),
	    cmocka_unit_test(test_rebuild__one_writer_at_a_time),
	    cmocka_unit_test(test_rebuild__reader_follows_switch_on_reopen),
	    cmocka_unit_test(test_rebuild__sync_equals_fresh_rebuild),
	    cmocka_unit_test(test_rebuild__stem_forms_across_parts),
	    cmocka_unit_test(test_rebuild__repeated_ids_replace),
	    cmocka_unit_test(test_rebuild__readers_see_whole_generations),
	    cmocka_unit_test(test_rebuild__sigkill_at_any_point),
	    cmocka_unit_test(test_rebuild__handle_before_and_after_switch),
	    cmocka_unit_test(
	        test_rebuild__reopen_refusing_a_new_generation_keeps_old),
	    cmocka_unit_test(test_rebuild__reader_counts_organisers_a_writer_added),
	    cmocka_unit_test(test_rebuild__lost_current_link_is_not_overwritten),
	    cmocka_unit_test(test_rebuild__unchanged_writes_nothing),
	    cmocka_unit_test(test_rebuild__batch_equals_in_place),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
