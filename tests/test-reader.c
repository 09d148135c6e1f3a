/* test-reader.c: JSON Lines streams through evs_index_add_stream(): what
 * is read, what is reported (with its line) and skipped, and what ends up
 * searchable.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* asprintf */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "reader.h"

/* ---- fixtures ---- */

typedef th_diag_log diag_log;

static char *write_file(const char *dir, const char *name, const char *data,
                        size_t len)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

typedef th_writer fixture;

static fixture *fx(void **state)
{
	return *state;
}

/* Adds the file at path as source, logging diagnostics into log. */
static evs_status add_file(evs_index *idx, const char *path, const char *source,
                           evs_add_options *opts, diag_log *log,
                           evs_add_stats *stats)
{
	evs_add_options def = EVS_ADD_OPTIONS_INIT;
	if (!opts)
		opts = &def;
	if (log) {
		opts->report = th_on_report;
		opts->ctx = log;
	}
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	evs_status st = evs_index_add_stream(idx, fd, source, opts, stats);
	/* The stream is the caller's to close. */
	assert_int_not_equal(fcntl(fd, F_GETFD), -1);
	close(fd);
	return st;
}

/* Writes data to a file and adds it. */
static evs_status add_text(void **state, const char *name, const char *data,
                           size_t len, diag_log *log, evs_add_stats *stats)
{
	char *path = write_file(fx(state)->dir, name, data, len);
	evs_status st = add_file(fx(state)->idx, path, name, NULL, log, stats);
	free(path);
	return st;
}

/* Searches the writer's index through a new reader. */
static evs_results *search_new_reader(void **state, const char *q)
{
	evs_index *r = th_open(fx(state)->idx_dir);
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.limit = 100;
	o.flags = EVS_SEARCH_NO_FACETS;
	evs_results *res = th_search(r, q, &o);
	assert_int_equal(evs_index_close(r), EVS_OK);
	return res;
}

static uint64_t total_of(void **state, const char *q)
{
	evs_results *res = search_new_reader(state, q);
	uint64_t n = evs_results_total(res);
	evs_results_free(res);
	return n;
}

static uint64_t events_in(evs_index *idx)
{
	evs_index_info info = {0};
	info.version = EVS_INDEX_INFO_VERSION;
	assert_int_equal(evs_index_info_get(idx, &info), EVS_OK);
	return info.events;
}

#define assert_stats th_assert_stats

/* Diagnostic i: its severity, line and source, and a message that says
 * want. */
static void assert_diag(const diag_log *log, size_t i, evs_severity sev,
                        uint64_t line, const char *source, const char *want)
{
	th_assert_diag(log, i, sev, source, line, want, 0);
}

/* The one-line record of an event. */
static char *rec(const char *id, const char *title, const char *start)
{
	char *s;
	assert_true(asprintf(&s,
	                     "{\"id\": \"%s\", \"title\": \"%s\", \"start\": "
	                     "\"%s\"}",
	                     id, title, start) > 0);
	return s;
}

/* ---- cases ---- */

static void test_reader__bom_crlf_blank_lines_no_final_newline(void **state)
{
	char *a = rec("bom-a", "Aardvark meeting", "2022-01-01");
	char *b = rec("bom-b", "Bonobo meeting", "2022-01-02T10:00:00Z");
	char *c = rec("bom-c", "Capybara meeting", "2022-01-03");
	char *text;
	/* line 1 BOM + a, 2 empty (CRLF), 3 spaces and tabs, 4 empty (LF),
	 * 5 b, 6 a lone CR, 7 form feed, 8 c with no newline at the end. */
	assert_true(asprintf(&text,
	                     "\xEF\xBB\xBF%s\r\n\r\n  \t \r\n\n%s\r\n\r\n\f\n%s", a,
	                     b, c) > 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "bom.jsonl", text, strlen(text), &log,
	                          &stats),
	                 EVS_OK);
	assert_int_equal(log.n, 0);
	assert_stats(&stats, 3, 3, 0, 0, 0);
	assert_int_equal(events_in(fx(state)->idx), 3);
	const char *ids[] = {"bom-a", "bom-b", "bom-c"};
	const char *titles[] = {"Aardvark meeting", "Bonobo meeting",
	                        "Capybara meeting"};
	for (int i = 0; i < 3; i++) {
		char q[32];
		snprintf(q, sizeof q, "id:%s", ids[i]);
		evs_results *res = search_new_reader(state, q);
		assert_int_equal(evs_results_total(res), 1);
		/* No BOM before the first record, no CR after any title. */
		assert_string_equal(evs_hit_id(res, 0), ids[i]);
		assert_string_equal(evs_hit_title(res, 0), titles[i]);
		evs_results_free(res);
	}
	assert_int_equal(total_of(state, "aardvark"), 1);
	assert_int_equal(total_of(state, "capybara"), 1);
	free(text);
	free(a);
	free(b);
	free(c);
}

static void test_reader__a_bom_after_the_first_line_is_an_error(void **state)
{
	char *a = rec("bom2-a", "First line", "2022-01-01");
	char *b = rec("bom2-b", "Second line", "2022-01-01");
	char *text;
	assert_true(asprintf(&text, "%s\n\xEF\xBB\xBF%s\n", a, b) > 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "bom2.jsonl", text, strlen(text), &log,
	                          &stats),
	                 EVS_OK);
	assert_stats(&stats, 2, 1, 0, 1, 0);
	assert_int_equal(log.n, 1);
	assert_diag(&log, 0, EVS_ERROR, 2, "bom2.jsonl", "invalid JSON");
	free(text);
	free(a);
	free(b);
}

static void test_reader__empty_and_blank_streams(void **state)
{
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "empty.jsonl", "", 0, &log, &stats),
	                 EVS_OK);
	assert_int_equal(add_text(state, "blank.jsonl", "\n \n\t\r\n\n", 7, &log,
	                          &stats),
	                 EVS_OK);
	assert_int_equal(add_text(state, "bom-only.jsonl", "\xEF\xBB\xBF", 3, &log,
	                          &stats),
	                 EVS_OK);
	assert_int_equal(log.n, 0);
	assert_stats(&stats, 0, 0, 0, 0, 0);
	assert_int_equal(events_in(fx(state)->idx), 0);
}

/* A line of the bad-records file and what must be said about it: NULL for
 * a good record, "" for a blank line. */
typedef struct line_case {
	const char *text;
	const char *error;
} line_case;

static void test_reader__bad_records_are_reported_and_skipped(void **state)
{
	static const line_case lines[] = {
	    {"{\"id\": \"good-1\", \"title\": \"Kestrel workshop\", \"start\": "
	     "\"2022-03-01\"}",
	     NULL},
	    {"{\"id\": \"b1\", \"title\": \"Broken", "invalid JSON"},
	    {"[1, 2, 3]", "a record must be a JSON object"},
	    {"\"just a string\"", "JSON"},
	    {"{\"title\": \"No id\", \"start\": \"2022-01-01\"}",
	     "\"id\": missing (required)"},
	    {"{\"id\": \"b4\", \"start\": \"2022-01-01\"}",
	     "\"title\": missing (required)"},
	    {"{\"id\": \"b5\", \"title\": \"No start\"}",
	     "\"start\": missing (required)"},
	    {"", ""},
	    {"{\"id\": \"b6\", \"title\": \"\", \"start\": \"2022-01-01\"}",
	     "\"title\": empty"},
	    {"{\"id\": \"good-2\", \"title\": \"Pelican summit\", \"start\": "
	     "\"2022-03-02T09:00:00+01:00\", \"organisers\": [\"Bird Club\"], "
	     "\"participants\": [\"Ann\", {\"name\": \"Bob\", \"role\": \"x\"}]}",
	     NULL},
	    {"{\"id\": \"b7\", \"title\": \"Bad date\", \"start\": "
	     "\"2022-02-30\"}",
	     "\"start\": no such date: \"2022-02-30\""},
	    {"{\"id\": \"b8\", \"title\": \"T\", \"start\": \"2022-01-01\", "
	     "\"organisers\": \"x\"}",
	     "\"organisers\": expected an array"},
	    {"{\"id\": \"b9\", \"title\": 5, \"start\": \"2022-01-01\"}",
	     "\"title\": expected a string"},
	    {"{\"id\": \"b10\", \"title\": \"T\", \"start\": \"2022-05-25\", "
	     "\"end\": \"2022-05-24\"}",
	     "\"end\": before \"start\""},
	    {"{\"id\": \"b11\", \"title\": \"T\", \"title\": \"U\", \"start\": "
	     "\"2022-01-01\"}",
	     "duplicate object key"},
	    {"{\"id\": \"b12\", \"title\": \"Bad \xFF\xFE bytes\", \"start\": "
	     "\"2022-01-01\"}",
	     "invalid JSON"},
	    {"{\"id\": \"b13\", \"title\": \"nul \\u0000 here\", \"start\": "
	     "\"2022-01-01\"}",
	     "\\u0000"},
	    {"{\"id\": \"b14\", \"title\": \"half \\ud800 pair\", \"start\": "
	     "\"2022-01-01\"}",
	     "invalid Unicode"},
	    {"   \t  ", ""},
	    {"{\"id\": \"\", \"title\": \"T\", \"start\": \"2022-01-01\"}",
	     "\"id\": empty"},
	    {"{\"id\": 1.5, \"title\": \"T\", \"start\": \"2022-01-01\"}",
	     "\"id\": expected a string"},
	    {"{\"id\": \"b17\", \"title\": \"T\", \"start\": \"2022-01-01\", "
	     "\"participants\": [5]}",
	     "\"participants\"[0]: expected a string or {\"name\": ...}"},
	    {"{\"id\": \"b18\", \"title\": \"T\", \"start\": 20220101}",
	     "\"start\": expected a string"},
	    {"{\"id\": \"b19\", \"title\": \"T\", \"start\": \"2022-01-01\", "
	     "\"end\": \"2022-13-01\"}",
	     "\"end\": no such date"},
	    {"{\"id\": \"b20\", \"title\": \"  \", \"start\": \"2022-01-01\"}",
	     "\"title\": empty"},
	    {"{\"id\": \"b21\", \"title\": \"T\", \"start\": \"2022-01-01\", "
	     "\"tags\": [\"ok\", null]}",
	     "\"tags\"[1]: expected a string"},
	    {"{\"id\": \"b22\", \"title\": \"T\", \"start\": \"2022-01-01\", "
	     "\"location\": [\"Vienna\"]}",
	     "\"location\": expected a string"},
	    {"{\"id\": \"b23\", \"title\": \"T\", \"start\": \"2022-01-01\"} "
	     "{\"id\": \"b24\"}",
	     "invalid JSON"},
	    {"{\"id\": \"good-3\", \"title\": \"Heron forum\", \"start\": "
	     "\"2022-03-03\"}",
	     NULL},
	};
	const size_t n = sizeof lines / sizeof lines[0];
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	assert_non_null(mem);
	for (size_t i = 0; i < n; i++)
		fprintf(mem, "%s%s", lines[i].text, i + 1 < n ? "\n" : "");
	assert_int_equal(fclose(mem), 0);

	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "bad.jsonl", text, len, &log, &stats),
	                 EVS_OK);
	size_t good = 0, bad = 0, blank = 0;
	for (size_t i = 0; i < n; i++) {
		if (!lines[i].error)
			good++;
		else if (!*lines[i].error)
			blank++;
		else
			assert_diag(&log, bad++, EVS_ERROR, i + 1, "bad.jsonl",
			            lines[i].error);
	}
	assert_int_equal(log.n, bad);
	assert_stats(&stats, good + bad, good, 0, bad, 0);
	assert_int_equal(events_in(fx(state)->idx), good);
	assert_int_equal(total_of(state, "kestrel"), 1);
	assert_int_equal(total_of(state, "pelican"), 1);
	assert_int_equal(total_of(state, "heron"), 1);
	assert_int_equal(total_of(state, "organiser:bird"), 1);
	assert_int_equal(total_of(state, "participant:bob"), 1);
	assert_int_equal(total_of(state, ""), good);
	free(text);
}

static void test_reader__a_nul_byte_in_a_line_is_an_error(void **state)
{
	static const char text[] =
	    "{\"id\": \"n1\", \"title\": \"Nul\0byte\", \"start\": "
	    "\"2022-01-01\"}\n"
	    "{\"id\": \"n2\", \"title\": \"Ibis day\", \"start\": "
	    "\"2022-01-01\"}\n";
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "nul.jsonl", text, sizeof text - 1, &log,
	                          &stats),
	                 EVS_OK);
	assert_stats(&stats, 2, 1, 0, 1, 0);
	assert_int_equal(log.n, 1);
	assert_diag(&log, 0, EVS_ERROR, 1, "nul.jsonl", "invalid JSON");
	assert_int_equal(total_of(state, "ibis"), 1);
	assert_int_equal(total_of(state, "id:n1"), 0);
}

static void test_reader__end_time_before_start_time_same_day(void **state)
{
	/* Both are date-times: the end instant is an hour before the start. */
	static const char text[] =
	    "{\"id\": \"rev\", \"title\": \"Reversed\", \"start\": "
	    "\"2022-05-25T14:00:00+02:00\", \"end\": \"2022-05-25T13:00:00+02:00\"}"
	    "\n";
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "rev.jsonl", text, sizeof text - 1, &log,
	                          &stats),
	                 EVS_OK);
	assert_stats(&stats, 1, 0, 0, 1, 0);
	assert_diag(&log, 0, EVS_ERROR, 1, "rev.jsonl",
	            "\"end\": before \"start\"");
}

static void test_reader__end_may_be_the_start_day_or_later(void **state)
{
	/* A date-only end on the start's local day, although its midnight
	 * UTC is before the start instant; an end in another zone that is
	 * later as an instant. */
	static const char text[] =
	    "{\"id\": \"e1\", \"title\": \"Same day\", \"start\": "
	    "\"2022-05-25T23:00:00-04:00\", \"end\": \"2022-05-25\"}\n"
	    "{\"id\": \"e2\", \"title\": \"Other zone\", \"start\": "
	    "\"2022-05-25T10:00:00+02:00\", \"end\": \"2022-05-25T09:30:00+01:00\"}"
	    "\n"
	    "{\"id\": \"e3\", \"title\": \"Equal\", \"start\": "
	    "\"2022-05-25T10:00:00Z\", \"end\": \"2022-05-25T10:00:00Z\"}\n";
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "ends.jsonl", text, sizeof text - 1, &log,
	                          &stats),
	                 EVS_OK);
	assert_int_equal(log.n, 0);
	assert_stats(&stats, 3, 3, 0, 0, 0);
}

static void test_reader__duplicate_id_in_a_stream_last_wins(void **state)
{
	char *a = rec("dup", "Albatross original", "2022-01-01");
	char *b = rec("other", "Bystander", "2022-01-01");
	char *c = rec("dup", "Osprey replacement", "2022-01-02");
	char *text;
	assert_true(asprintf(&text, "%s\n%s\n%s\n", a, b, c) > 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "dup.jsonl", text, strlen(text), &log,
	                          &stats),
	                 EVS_OK);
	assert_stats(&stats, 3, 2, 1, 0, 1);
	assert_int_equal(log.n, 1);
	assert_diag(&log, 0, EVS_WARNING, 3, "dup.jsonl", "duplicate id");
	assert_int_equal(events_in(fx(state)->idx), 2);
	assert_int_equal(total_of(state, "albatross"), 0);
	evs_results *res = search_new_reader(state, "id:dup");
	assert_int_equal(evs_results_total(res), 1);
	assert_string_equal(evs_hit_title(res, 0), "Osprey replacement");
	assert_string_equal(evs_hit_start(res, 0), "2022-01-02");
	evs_results_free(res);
	free(text);
	free(a);
	free(b);
	free(c);
}

static void test_reader__readding_a_file_replaces(void **state)
{
	fixture *f = fx(state);
	char *a = rec("re-a", "Gannet", "2022-01-01");
	char *b = rec("re-b", "Puffin", "2022-01-02");
	char *c = rec("re-c", "Shag", "2022-01-03");
	char *text;
	assert_true(asprintf(&text, "%s\n%s\n%s\n", a, b, c) > 0);
	char *path = write_file(f->dir, "re.jsonl", text, strlen(text));
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_file(f->idx, path, "re.jsonl", NULL, &log, &stats),
	                 EVS_OK);
	assert_stats(&stats, 3, 3, 0, 0, 0);
	assert_int_equal(evs_index_close(f->idx), EVS_OK);

	/* A second run over the same file: every record is there as it is,
	 * unchanged, and not written again. */
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE;
	char *msg = NULL;
	assert_int_equal(evs_index_open(&f->idx, f->idx_dir, &oo, &msg), EVS_OK);
	evs_add_stats again = {0};
	assert_int_equal(add_file(f->idx, path, "re.jsonl", NULL, &log, &again),
	                 EVS_OK);
	assert_stats(&again, 3, 0, 0, 0, 0);
	assert_int_equal(again.unchanged, 3);
	assert_int_equal(log.n, 0);
	assert_int_equal(events_in(f->idx), 3);
	assert_int_equal(total_of(state, "puffin"), 1);
	assert_int_equal(total_of(state, ""), 3);

	/* Stats add up over calls. */
	assert_int_equal(add_file(f->idx, path, "re.jsonl", NULL, NULL, &stats),
	                 EVS_OK);
	assert_int_equal(stats.read, 6);
	assert_int_equal(stats.added, 3);
	/* Given twice through one handle: the later replaces the earlier. */
	assert_int_equal(stats.replaced, 3);
	assert_int_equal(events_in(f->idx), 3);
	free(path);
	free(text);
	free(a);
	free(b);
	free(c);
}

static void test_reader__integer_id(void **state)
{
	static const char text[] =
	    "{\"id\": 42, \"title\": \"Numbered\", \"start\": \"2022-01-01\"}\n"
	    "{\"id\": -7, \"title\": \"Negative\", \"start\": \"2022-01-01\"}\n";
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "int.jsonl", text, sizeof text - 1, &log,
	                          &stats),
	                 EVS_OK);
	assert_stats(&stats, 2, 2, 0, 0, 0);
	evs_results *res = search_new_reader(state, "id:42");
	assert_int_equal(evs_results_total(res), 1);
	assert_string_equal(evs_hit_id(res, 0), "42");
	assert_string_equal(evs_hit_title(res, 0), "Numbered");
	evs_results_free(res);
	/* The string "42" is the same event. */
	evs_outcome o = EVS_SKIPPED;
	const char *again =
	    "{\"id\": \"42\", \"title\": \"Renumbered\", \"start\": "
	    "\"2022-01-01\"}";
	assert_int_equal(evs_index_add_json(fx(state)->idx, again, strlen(again),
	                                    &o),
	                 EVS_OK);
	assert_int_equal(o, EVS_REPLACED);
	assert_int_equal(evs_index_delete(fx(state)->idx, "-7"), EVS_OK);
	assert_int_equal(evs_index_commit(fx(state)->idx), EVS_OK);
	assert_int_equal(events_in(fx(state)->idx), 1);
	assert_int_equal(total_of(state, "renumbered"), 1);
}

static char *pattern(size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		s[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[i % 36];
	s[n] = '\0';
	return s;
}

/* Adds, finds, deletes an event with an id of n bytes; returns how many
 * events "id:ID" found (1 is right). */
static uint64_t check_long_id(void **state, size_t n)
{
	char *id = pattern(n);
	char *r = rec(id, "Long identifier", "2022-01-01");
	char *q;
	assert_true(asprintf(&q, "id:%s", id) > 0);
	evs_outcome o = EVS_SKIPPED;
	evs_index *idx = fx(state)->idx;
	assert_int_equal(evs_index_add_json(idx, r, strlen(r), &o), EVS_OK);
	assert_int_equal(o, EVS_ADDED);
	assert_int_equal(evs_index_commit(idx), EVS_OK);

	evs_results *res = search_new_reader(state, "identifier");
	assert_int_equal(evs_results_total(res), 1);
	assert_string_equal(evs_hit_id(res, 0), id);
	evs_results_free(res);
	uint64_t by_id = total_of(state, q);

	assert_int_equal(evs_index_delete(idx, id), EVS_OK);
	assert_int_equal(evs_index_commit(idx), EVS_OK);
	assert_int_equal(events_in(idx), 0);
	assert_int_equal(total_of(state, "identifier"), 0);
	assert_int_equal(evs_index_delete(idx, id), EVS_E_NOTFOUND);
	assert_true(evs_errmsg(idx)[0] != '\0');
	free(q);
	free(r);
	free(id);
	return by_id;
}

static void test_reader__id_of_1000_bytes(void **state)
{
	/* Through a stream, as the brief has it, then the same id checked
	 * through search and delete. */
	char *id = pattern(1000);
	char *r = rec(id, "Kilometre long id", "2022-01-01");
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "longid.jsonl", r, strlen(r), &log,
	                          &stats),
	                 EVS_OK);
	assert_stats(&stats, 1, 1, 0, 0, 0);
	assert_int_equal(log.n, 0);
	assert_int_equal(evs_index_delete(fx(state)->idx, id), EVS_OK);
	assert_int_equal(evs_index_commit(fx(state)->idx), EVS_OK);
	assert_int_equal(events_in(fx(state)->idx), 0);
	free(r);
	free(id);
	assert_int_equal(check_long_id(state, 1000), 1);
}

static void test_reader__ids_of_every_term_length(void **state)
{
	/* Around the 64-byte word limit, the 144-byte term buffer of the
	 * query parser and the 240-byte limit where ids are hashed. */
	const size_t sizes[] = {1,   63,  64,  65,  142, 143, 144,
	                        200, 238, 239, 240, 241, 245, 300};
	char missed[256] = "";
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		if (check_long_id(state, sizes[i]) != 1)
			snprintf(missed + strlen(missed), sizeof missed - strlen(missed),
			         " %zu", sizes[i]);
	if (missed[0])
		fail_msg("ids of these sizes (bytes) are not found with id:%s", missed);
}

static void test_reader__long_title_is_cut_with_a_warning(void **state)
{
	/* 5000 bytes of ASCII: cut to 4096. */
	size_t n = 5000;
	char *title = malloc(n + 1);
	assert_non_null(title);
	memcpy(title, "Zanzibar", 8);
	for (size_t i = 8; i < n; i++)
		title[i] = i % 8 == 0 ? ' ' : 'w';
	title[n] = '\0';
	char *r = rec("long-title", title, "2022-01-01");
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "title.jsonl", r, strlen(r), &log, &stats),
	                 EVS_OK);
	assert_stats(&stats, 1, 1, 0, 0, 1);
	assert_int_equal(log.n, 1);
	assert_diag(&log, 0, EVS_WARNING, 1, "title.jsonl",
	            "\"title\": cut to 4096 bytes");
	evs_results *res = search_new_reader(state, "zanzibar");
	assert_int_equal(evs_results_total(res), 1);
	assert_int_equal(strlen(evs_hit_title(res, 0)), 4096);
	assert_memory_equal(evs_hit_title(res, 0), title, 4096);
	evs_results_free(res);
	free(r);

	/* "Q" then 3000 "é": byte 4096 is inside a character, so the cut is
	 * at 4095. */
	n = 1 + 3000 * 2;
	free(title);
	title = malloc(n + 1);
	assert_non_null(title);
	title[0] = 'Q';
	for (size_t i = 0; i < 3000; i++)
		memcpy(title + 1 + 2 * i, "\xC3\xA9", 2);
	title[n] = '\0';
	r = rec("long-title-2", title, "2022-01-01");
	memset(&log, 0, sizeof log);
	memset(&stats, 0, sizeof stats);
	assert_int_equal(add_text(state, "title2.jsonl", r, strlen(r), &log,
	                          &stats),
	                 EVS_OK);
	assert_stats(&stats, 1, 1, 0, 0, 1);
	assert_diag(&log, 0, EVS_WARNING, 1, "title2.jsonl",
	            "\"title\": cut to 4095 bytes");
	res = search_new_reader(state, "id:long-title-2");
	assert_int_equal(evs_results_total(res), 1);
	assert_int_equal(strlen(evs_hit_title(res, 0)), 4095);
	assert_memory_equal(evs_hit_title(res, 0), title, 4095);
	evs_results_free(res);
	free(r);
	free(title);
}

/* Writes a file whose line 2 is a record of line_len bytes (without its
 * newline), made of a description of 'a's, between two good records.
 * Written in chunks: the line is never whole in memory here. */
static char *write_big(const char *dir, size_t line_len)
{
	char *path;
	assert_true(asprintf(&path, "%s/big.jsonl", dir) > 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(th_write_big_lines(f, line_len), 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

typedef struct progress_log {
	uint64_t calls;
	uint64_t last; /* the last count reported */
	uint64_t gaps; /* counts that did not follow the one before */
} progress_log;

static void record_progress(void *ctx, uint64_t records)
{
	progress_log *p = ctx;
	p->calls++;
	if (records != p->last + 1)
		p->gaps++;
	p->last = records;
}

static void test_reader__line_over_the_limit(void **state)
{
	char *path = write_big(fx(state)->dir, EVS_MAX_LINE + 1);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_file(fx(state)->idx, path, "big.jsonl", NULL, &log,
	                          &stats),
	                 EVS_OK);
	assert_stats(&stats, 3, 2, 0, 1, 0);
	assert_int_equal(log.n, 1);
	assert_diag(&log, 0, EVS_ERROR, 2, "big.jsonl", "line longer than 64 MiB");
	assert_int_equal(total_of(state, "kilimanjaro"), 1);
	assert_int_equal(total_of(state, "popocatepetl"), 1);
	assert_int_equal(total_of(state, "giant"), 0);
	assert_int_equal(events_in(fx(state)->idx), 2);
	free(path);
}

static void test_reader__progress_counts_every_record(void **state)
{
	/* Also the line too long to read, which counts as a record read. */
	char *path = write_big(fx(state)->dir, EVS_MAX_LINE + 1);
	progress_log calls = {0, 0, 0};
	evs_add_options o = EVS_ADD_OPTIONS_INIT;
	o.progress = record_progress;
	o.ctx = &calls;
	evs_add_stats stats = {0};
	evs_status st =
	    add_file(fx(state)->idx, path, "big.jsonl", &o, NULL, &stats);
	free(path);
	assert_int_equal(st, EVS_OK);
	assert_int_equal(stats.read, 3);
	assert_int_equal(calls.last, 3);  /* the last count reported */
	assert_int_equal(calls.calls, 3); /* one call per record: 1, 2, 3 */
	assert_int_equal(calls.gaps, 0);
}

static void test_reader__line_of_exactly_the_limit_is_read(void **state)
{
	char *path = write_big(fx(state)->dir, EVS_MAX_LINE);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_file(fx(state)->idx, path, "big.jsonl", NULL, &log,
	                          &stats),
	                 EVS_OK);
	/* Read whole; its description is then cut at its own limit. */
	assert_stats(&stats, 3, 3, 0, 0, 1);
	assert_int_equal(log.n, 1);
	assert_diag(&log, 0, EVS_WARNING, 2, "big.jsonl",
	            "\"description\": cut to");
	assert_int_equal(total_of(state, "giant"), 1);
	assert_int_equal(total_of(state, "popocatepetl"), 1);
	free(path);
}

typedef struct cancel_ctx {
	int calls;
	int stop_at;
} cancel_ctx;

static int cancel_after(void *ctx)
{
	cancel_ctx *c = ctx;
	return ++c->calls >= c->stop_at;
}

static void test_reader__cancel_commits_what_was_read(void **state)
{
	fixture *f = fx(state);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	assert_non_null(mem);
	for (int i = 1; i <= 5; i++)
		fprintf(mem,
		        "{\"id\": \"c%d\", \"title\": \"Cancel test %d\", \"start\": "
		        "\"2022-01-0%d\"}\n",
		        i, i, i);
	assert_int_equal(fclose(mem), 0);
	char *path = write_file(f->dir, "cancel.jsonl", text, len);

	cancel_ctx cc = {0, 4}; /* asked before each record: stop before 4 */
	evs_add_options o = EVS_ADD_OPTIONS_INIT;
	o.cancel = cancel_after;
	o.ctx = &cc;
	evs_add_stats stats = {0};
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(evs_index_add_stream(f->idx, fd, "cancel.jsonl", &o,
	                                      &stats),
	                 EVS_E_CANCELLED);
	close(fd);
	assert_int_equal(cc.calls, 4);
	assert_stats(&stats, 3, 3, 0, 0, 0);
	assert_non_null(strstr(evs_errmsg(f->idx), "cancel.jsonl"));
	assert_non_null(strstr(evs_errmsg(f->idx), "line 3"));

	/* Committed: a reader sees it while the writer is still open. */
	evs_results *res = search_new_reader(state, "cancel");
	assert_int_equal(evs_results_total(res), 3);
	assert_true(th_hit_rank(res, "c1") >= 0);
	assert_true(th_hit_rank(res, "c2") >= 0);
	assert_true(th_hit_rank(res, "c3") >= 0);
	evs_results_free(res);
	assert_int_equal(events_in(f->idx), 3);

	/* Cancelled before the first record: nothing read, still a clean
	 * status. */
	cancel_ctx now = {0, 1};
	o.ctx = &now;
	evs_add_stats none = {0};
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(evs_index_add_stream(f->idx, fd, "cancel.jsonl", &o,
	                                      &none),
	                 EVS_E_CANCELLED);
	close(fd);
	assert_stats(&none, 0, 0, 0, 0, 0);
	assert_true(evs_errmsg(f->idx)[0] != '\0');
	assert_int_equal(events_in(f->idx), 3);
	free(path);
	free(text);
}

static void test_reader__from_a_pipe(void **state)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	static const char text[] =
	    "{\"id\": \"p1\", \"title\": \"Piped flamingo\", \"start\": "
	    "\"2022-01-01\"}\r\n"
	    "{\"id\": \"p2\", \"title\": \"Piped toucan\", \"start\": "
	    "\"2022-01-01\"}";
	assert_int_equal(write(p[1], text, sizeof text - 1),
	                 (ssize_t)(sizeof text - 1));
	close(p[1]);
	evs_add_stats stats = {0};
	assert_int_equal(evs_index_add_stream(fx(state)->idx, p[0], NULL, NULL,
	                                      &stats),
	                 EVS_OK);
	close(p[0]);
	assert_stats(&stats, 2, 2, 0, 0, 0);
	assert_int_equal(total_of(state, "piped"), 2);
}

static void test_reader__unreadable_fd_is_an_io_error(void **state)
{
	/* A directory opens but cannot be read. */
	int fd = open(fx(state)->dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	evs_add_stats stats = {0};
	assert_int_equal(evs_index_add_stream(fx(state)->idx, fd, "dir", NULL,
	                                      &stats),
	                 EVS_E_IO);
	close(fd);
	assert_non_null(strstr(evs_errmsg(fx(state)->idx), "dir"));
	assert_int_equal(stats.read, 0);
}

#define T(name)                                                                \
	cmocka_unit_test_setup_teardown(name, th_writer_setup, th_writer_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_reader__bom_crlf_blank_lines_no_final_newline),
	    T(test_reader__a_bom_after_the_first_line_is_an_error),
	    T(test_reader__empty_and_blank_streams),
	    T(test_reader__bad_records_are_reported_and_skipped),
	    T(test_reader__a_nul_byte_in_a_line_is_an_error),
	    T(test_reader__end_time_before_start_time_same_day),
	    T(test_reader__end_may_be_the_start_day_or_later),
	    T(test_reader__duplicate_id_in_a_stream_last_wins),
	    T(test_reader__readding_a_file_replaces),
	    T(test_reader__integer_id),
	    T(test_reader__id_of_1000_bytes),
	    T(test_reader__ids_of_every_term_length),
	    T(test_reader__long_title_is_cut_with_a_warning),
	    T(test_reader__line_over_the_limit),
	    T(test_reader__progress_counts_every_record),
	    T(test_reader__line_of_exactly_the_limit_is_read),
	    T(test_reader__cancel_commits_what_was_read),
	    T(test_reader__from_a_pipe),
	    T(test_reader__unreadable_fd_is_an_io_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
