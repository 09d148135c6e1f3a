/* test-limits.c: the limits catalogue (docs/limits.md), case by case,
 * through the public API: bad and oversized records in JSON Lines streams
 * (each reported with its source, line and exact message, the rest of the
 * stream indexed, the counts right), and queries past every bound. Each
 * case builds a fresh index in a temporary directory. Nothing here is
 * timed: the ctest TIMEOUT is the only clock.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* asprintf, memfd_create */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "normalize.h"

/* ---- fixtures ---- */

typedef th_writer fixture;

static fixture *fx(void **state)
{
	return *state;
}

typedef th_diag_log diag_log;

/* Adds the stream fd, named source, to the fixture's index. */
static evs_status add_fd(void **state, int fd, const char *source,
                         diag_log *log, evs_add_stats *stats)
{
	evs_add_options o = EVS_ADD_OPTIONS_INIT;
	o.report = th_on_report;
	o.ctx = log;
	return evs_index_add_stream(fx(state)->idx, fd, source, &o, stats);
}

/* Adds len bytes of data as one stream from a memfd. */
static evs_status add_bytes(void **state, const char *source, const char *data,
                            size_t len, diag_log *log, evs_add_stats *stats)
{
	int fd = memfd_create("evs-limits", 0);
	assert_true(fd >= 0);
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, data + done, len - done);
		assert_true(w > 0);
		done += (size_t)w;
	}
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	evs_status st = add_fd(state, fd, source, log, stats);
	close(fd);
	return st;
}

static evs_status add_text(void **state, const char *source, const char *text,
                           diag_log *log, evs_add_stats *stats)
{
	return add_bytes(state, source, text, strlen(text), log, stats);
}

/* The exact diagnostic i. */
static void assert_diag(const diag_log *log, size_t i, evs_severity sev,
                        const char *source, uint64_t line, const char *want)
{
	th_assert_diag(log, i, sev, source, line, want, 1);
}

#define assert_stats th_assert_stats

/* Searches the committed index through a new reader. */
static evs_results *search(void **state, const char *q, unsigned flags)
{
	evs_index *r = th_open(fx(state)->idx_dir);
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.limit = 1000;
	o.flags = flags | EVS_SEARCH_NO_FACETS | EVS_SEARCH_NO_SNIPPETS;
	evs_results *res = th_search(r, q, &o);
	assert_int_equal(evs_index_close(r), EVS_OK);
	return res;
}

static uint64_t total_of(void **state, const char *q)
{
	evs_results *res = search(state, q, 0);
	uint64_t n = evs_results_total(res);
	evs_results_free(res);
	return n;
}

/* Asserts that q finds exactly the one event id. */
static void expect_only(void **state, const char *q, const char *id)
{
	evs_results *res = search(state, q, 0);
	if (evs_results_total(res) != 1 || strcmp(evs_hit_id(res, 0), id) != 0)
		fail_msg("search [%.80s]: %llu hits (first %.40s), expected only %s", q,
		         (unsigned long long)evs_results_total(res),
		         evs_results_count(res) ? evs_hit_id(res, 0) : "none", id);
	evs_results_free(res);
}

static uint64_t events_in(void **state)
{
	evs_index_info info = {0};
	info.version = EVS_INDEX_INFO_VERSION;
	assert_int_equal(evs_index_info_get(fx(state)->idx, &info), EVS_OK);
	return info.events;
}

/* A good record: id, title, start 2022-01-01. */
static char *rec(const char *id, const char *title)
{
	char *s;
	assert_true(asprintf(&s,
	                     "{\"id\": \"%s\", \"title\": \"%s\", \"start\": "
	                     "\"2022-01-01\"}",
	                     id, title) > 0);
	return s;
}

/* A malloc'ed string of n copies of unit between head and tail. */
static char *repeat(const char *head, const char *unit, size_t n,
                    const char *tail)
{
	size_t h = strlen(head), u = strlen(unit), t = strlen(tail);
	char *s = malloc(h + u * n + t + 1);
	assert_non_null(s);
	memcpy(s, head, h);
	for (size_t i = 0; i < n; i++)
		memcpy(s + h + i * u, unit, u);
	memcpy(s + h + u * n, tail, t + 1);
	return s;
}

/* A stream of bad lines, each followed by a good record: every bad line is
 * reported with its own line and exact message, and every good record
 * after it is still indexed. want[i] is the message for bad[i]. */
static void bad_then_good(void **state, const char *source,
                          const char *const *bad, const char *const *want,
                          size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	assert_non_null(mem);
	for (size_t i = 0; i < n; i++) {
		char id[32], title[64];
		snprintf(id, sizeof id, "after-%zu", i);
		snprintf(title, sizeof title, "Follower number%zu", i);
		char *good = rec(id, title);
		fprintf(mem, "%s\n%s\n", bad[i], good);
		free(good);
	}
	assert_int_equal(fclose(mem), 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_bytes(state, source, text, len, &log, &stats), EVS_OK);
	for (size_t i = 0; i < n; i++)
		assert_diag(&log, i, EVS_ERROR, source, 2 * i + 1, want[i]);
	assert_int_equal(log.n, n);
	assert_stats(&stats, 2 * n, n, 0, n, 0);
	assert_int_equal(events_in(state), n);
	for (size_t i = 0; i < n; i++) {
		char q[32], id[32];
		snprintf(q, sizeof q, "number%zu", i);
		snprintf(id, sizeof id, "after-%zu", i);
		expect_only(state, q, id);
	}
	free(text);
}

/* ---- input records ---- */

static void test_limits__invalid_utf8_bytes(void **state)
{
	static const char *const bad[] = {
	    "{\"id\": \"u1\", \"title\": \"Bad \xFF bytes\", \"start\": "
	    "\"2022-01-01\"}",
	    /* An overlong encoding of '/', a lone continuation byte, a
	     * truncated sequence at the end of a string, an encoded
	     * surrogate, a code point past U+10FFFF. */
	    "{\"id\": \"u2\", \"title\": \"\xC0\xAF\", \"start\": \"2022-01-01\"}",
	    "{\"id\": \"u3\", \"title\": \"a\x80z\", \"start\": \"2022-01-01\"}",
	    "{\"id\": \"u4\", \"title\": \"caf\xC3\", \"start\": \"2022-01-01\"}",
	    "{\"id\": \"u5\", \"title\": \"\xED\xA0\x80\", \"start\": "
	    "\"2022-01-01\"}",
	    "{\"id\": \"u6\", \"title\": \"\xF4\x90\x80\x80\", \"start\": "
	    "\"2022-01-01\"}",
	    /* Outside a string as well. */
	    "{\"id\": \"u7\", \xFF\"title\": \"x\", \"start\": \"2022-01-01\"}",
	};
	static const char *const want[] = {
	    "invalid JSON at column 27: unable to decode byte 0xff near "
	    "'\"Bad '",
	    "invalid JSON at column 23: unable to decode byte 0xc0 near '\"'",
	    "invalid JSON at column 24: unable to decode byte 0x80 near '\"a'",
	    "invalid JSON at column 26: unable to decode byte 0xc3 near '\"caf'",
	    "invalid JSON at column 23: unable to decode byte 0xed near '\"'",
	    "invalid JSON at column 23: unable to decode byte 0xf4 near '\"'",
	    "invalid JSON at column 13: unable to decode byte 0xff",
	};
	bad_then_good(state, "utf8.jsonl", bad, want, sizeof bad / sizeof *bad);
}

static void test_limits__nul_bytes(void **state)
{
	/* A raw NUL inside a line: the line is the record, up to its newline,
	 * NUL and all; and the JSON escape of NUL. */
	static const char text[] =
	    "{\"id\": \"n1\", \"title\": \"Nul\0byte\", \"start\": "
	    "\"2022-01-01\"}\n"
	    "{\"id\": \"n2\", \"title\": \"Ibis day\", \"start\": "
	    "\"2022-01-01\"}\n"
	    "\0{\"id\": \"n3\", \"title\": \"Lead\", \"start\": \"2022-01-01\"}\n"
	    "{\"id\": \"n4\", \"title\": \"Nul \\u0000 escaped\", \"start\": "
	    "\"2022-01-01\"}\n"
	    "{\"id\": \"n5\", \"title\": \"Jacana day\", \"start\": "
	    "\"2022-01-01\"}\n"
	    "{\"id\": \"n6\", \"title\": \"Trailing\", \"start\": "
	    "\"2022-01-01\"}\0\n";
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_bytes(state, "nul.jsonl", text, sizeof text - 1, &log,
	                           &stats),
	                 EVS_OK);
	assert_diag(&log, 0, EVS_ERROR, "nul.jsonl", 1,
	            "invalid JSON at column 26: control character 0x0 near "
	            "'\"Nul'");
	assert_diag(&log, 1, EVS_ERROR, "nul.jsonl", 3,
	            "invalid JSON at column 1: '[' or '{' expected near end of "
	            "file");
	assert_diag(&log, 2, EVS_ERROR, "nul.jsonl", 4,
	            "invalid JSON at column 42: \\u0000 is not allowed without "
	            "JSON_ALLOW_NUL near '\"Nul \\u0000 escaped\"'");
	assert_diag(&log, 3, EVS_ERROR, "nul.jsonl", 6,
	            "invalid JSON at column 57: end of file expected near "
	            "end of file");
	assert_int_equal(log.n, 4);
	assert_stats(&stats, 6, 2, 0, 4, 0);
	expect_only(state, "ibis", "n2");
	expect_only(state, "jacana", "n5");
	assert_int_equal(events_in(state), 2);
}

static void test_limits__lone_surrogates(void **state)
{
	static const char *const bad[] = {
	    "{\"id\": \"s1\", \"title\": \"half \\ud800 pair\", \"start\": "
	    "\"2022-01-01\"}",
	    "{\"id\": \"s2\", \"title\": \"low \\udc00 first\", \"start\": "
	    "\"2022-01-01\"}",
	    "{\"id\": \"s3\", \"title\": \"high \\ud800\\u0041 then A\", "
	    "\"start\": \"2022-01-01\"}",
	    "{\"id\": \"s4\", \"title\": \"end \\udbff\", \"start\": "
	    "\"2022-01-01\"}",
	    "{\"id\": \"\\ud800\", \"title\": \"In the id\", \"start\": "
	    "\"2022-01-01\"}",
	};
	static const char *const want[] = {
	    "invalid JSON at column 40: invalid Unicode '\\uD800' near "
	    "'\"half \\ud800 pair\"'",
	    "invalid JSON at column 40: invalid Unicode '\\uDC00' near "
	    "'\"low \\udc00 first\"'",
	    "invalid JSON at column 48: invalid Unicode '\\uD800\\u0041'",
	    "invalid JSON at column 34: invalid Unicode '\\uDBFF' near "
	    "'\"end \\udbff\"'",
	    "invalid JSON at column 15: invalid Unicode '\\uD800' near "
	    "'\"\\ud800\"'",
	};
	bad_then_good(state, "surrogates.jsonl", bad, want,
	              sizeof bad / sizeof *bad);
	/* A proper pair is one character (U+1F600), and is read. */
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "pair.jsonl",
	                          "{\"id\": \"pair\", \"title\": \"Smile "
	                          "\\ud83d\\ude00 heron\", \"start\": "
	                          "\"2022-01-01\"}\n",
	                          &log, &stats),
	                 EVS_OK);
	assert_int_equal(log.n, 0);
	assert_stats(&stats, 1, 1, 0, 0, 0);
	evs_results *res = search(state, "heron", 0);
	assert_int_equal(evs_results_total(res), 1);
	assert_string_equal(evs_hit_title(res, 0), "Smile \xF0\x9F\x98\x80 heron");
	evs_results_free(res);
}

/* A child writes a stream into a pipe: line 1 a good record, line 2 a
 * record of line_len bytes, line 3 a good record. */
static pid_t write_big_stream(int fd, size_t line_len)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	FILE *f = fdopen(fd, "wb");
	if (!f)
		_exit(2);
	int bad = th_write_big_lines(f, line_len) < 0;
	_exit(fclose(f) == 0 && !bad ? 0 : 4);
}

static void test_limits__line_over_64_mib_then_resync(void **state)
{
	/* Through a pipe, which hands the line over in small pieces. */
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = write_big_stream(p[1], ((size_t)64 << 20) + 1);
	close(p[1]);
	diag_log log = {0};
	evs_add_stats stats = {0};
	evs_status st = add_fd(state, p[0], "big.jsonl", &log, &stats);
	close(p[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(st, EVS_OK);
	assert_diag(&log, 0, EVS_ERROR, "big.jsonl", 2, "line longer than 64 MiB");
	assert_int_equal(log.n, 1);
	assert_stats(&stats, 3, 2, 0, 1, 0);
	expect_only(state, "kilimanjaro", "before");
	expect_only(state, "popocatepetl", "after");
	assert_int_equal(total_of(state, "giant"), 0);
}

static void test_limits__ten_mb_description_is_cut(void **state)
{
	/* 10 MB of words; the first is "Quetzal", the one just past 1 MiB is
	 * "Zorilla". */
	size_t n = 10 * 1000 * 1000;
	char *desc = malloc(n + 1);
	assert_non_null(desc);
	for (size_t i = 0; i < n; i++)
		desc[i] = i % 8 == 7 ? ' ' : 'w';
	memcpy(desc, "Quetzal ", 8);
	memcpy(desc + 1048576 + 8, "Zorilla ", 8);
	desc[n] = '\0';
	char *text;
	assert_true(asprintf(&text,
	                     "{\"id\": \"long-desc\", \"title\": \"Long\", "
	                     "\"start\": \"2022-01-01\", \"description\": "
	                     "\"%s\"}\n",
	                     desc) > 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "desc.jsonl", text, &log, &stats), EVS_OK);
	assert_diag(&log, 0, EVS_WARNING, "desc.jsonl", 1,
	            "\"description\": cut to 1048576 bytes");
	assert_int_equal(log.n, 1);
	assert_stats(&stats, 1, 1, 0, 0, 1);
	expect_only(state, "quetzal", "long-desc");
	assert_int_equal(total_of(state, "zorilla"), 0);
	/* The stored record is cut as well. */
	evs_results *res = search(state, "id:long-desc", 0);
	assert_int_equal(evs_results_total(res), 1);
	const char *stored = strstr(evs_hit_record(res, 0), "\"description\":");
	assert_non_null(stored);
	const char *v = strchr(stored + 14, '"') + 1;
	assert_memory_equal(v, desc, 1048576);
	assert_int_equal(v[1048576], '"');
	evs_results_free(res);
	free(text);
	free(desc);
}

/* A record with n list items named prefix0, prefix1, ... in field. */
static char *with_items(const char *id, const char *field, const char *prefix,
                        size_t n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);
	assert_non_null(m);
	fprintf(m,
	        "{\"id\": \"%s\", \"title\": \"Crowd\", \"start\": \"2022-01-01\", "
	        "\"%s\": [",
	        id, field);
	for (size_t i = 0; i < n; i++)
		fprintf(m, "%s\"%s%zu\"", i ? ", " : "", prefix, i);
	fputs("]}\n", m);
	assert_int_equal(fclose(m), 0);
	return s;
}

static void test_limits__ten_thousand_participants(void **state)
{
	char *text = with_items("crowd", "participants", "Speaker", 10000);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "crowd.jsonl", text, &log, &stats),
	                 EVS_OK);
	assert_diag(&log, 0, EVS_WARNING, "crowd.jsonl", 1,
	            "\"participants\": only the first 1000 items are indexed");
	assert_int_equal(log.n, 1);
	assert_stats(&stats, 1, 1, 0, 0, 1);
	expect_only(state, "participant:speaker0", "crowd");
	expect_only(state, "participant:speaker999", "crowd");
	assert_int_equal(total_of(state, "participant:speaker1000"), 0);
	assert_int_equal(total_of(state, "speaker9999"), 0);
	evs_results *res = search(state, "speaker1", 0);
	assert_int_equal(evs_hit_list_count(res, 0, EVS_LIST_PARTICIPANTS), 1000);
	assert_string_equal(evs_hit_list_item(res, 0, EVS_LIST_PARTICIPANTS, 999),
	                    "Speaker999");
	evs_results_free(res);
	free(text);

	/* The lists with facet slots stop at 32. */
	static const char *const fields[] = {"organisers", "tags", "topics"};
	for (size_t i = 0; i < 3; i++) {
		char id[16], want[80];
		snprintf(id, sizeof id, "many-%zu", i);
		text = with_items(id, fields[i], "Item", 33);
		memset(&log, 0, sizeof log);
		memset(&stats, 0, sizeof stats);
		assert_int_equal(add_text(state, fields[i], text, &log, &stats),
		                 EVS_OK);
		snprintf(want, sizeof want,
		         "\"%s\": only the first 32 items are indexed", fields[i]);
		assert_diag(&log, 0, EVS_WARNING, fields[i], 1, want);
		assert_int_equal(log.n, 1);
		assert_stats(&stats, 1, 1, 0, 0, 1);
		free(text);
	}
	expect_only(state, "tag:item31", "many-1");
	assert_int_equal(total_of(state, "tag:item32"), 0);
	expect_only(state, "topic:item31", "many-2");
	assert_int_equal(total_of(state, "topic:item32"), 0);
	expect_only(state, "organiser:item31", "many-0");
	assert_int_equal(total_of(state, "item32"), 0);
}

static void test_limits__deeply_nested_json(void **state)
{
	/* jansson stops at a depth of 2048 (JSON_PARSER_MAX_DEPTH) with an
	 * error: no recursion past that, so no stack overflow. */
	char *open = repeat("", "[", 100000, "");
	char *arrays = repeat(open, "]", 100000, "");
	free(open);
	char *deep = repeat("{\"id\": \"deep\", \"title\": \"x\", \"start\": "
	                    "\"2022-01-01\", \"extra\": ",
	                    "{\"a\": ", 100000, "");
	char *in_object = repeat(deep, "}", 100001, "");
	free(deep);
	/* Just within: 2048 levels, the record itself the first. */
	char *deep_ok = repeat("{\"id\": \"ok-deep\", \"title\": \"Fathom\", "
	                       "\"start\": \"2022-01-01\", \"extra\": ",
	                       "[", 2047, "");
	char *ok = repeat(deep_ok, "]", 2047, "}");
	free(deep_ok);
	char *text;
	assert_true(asprintf(&text, "%s\n%s\n%s\n", arrays, in_object, ok) > 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "deep.jsonl", text, &log, &stats), EVS_OK);
	assert_diag(&log, 0, EVS_ERROR, "deep.jsonl", 1,
	            "invalid JSON at column 2049: maximum parsing depth reached "
	            "near '['");
	assert_diag(&log, 1, EVS_ERROR, "deep.jsonl", 2,
	            "invalid JSON at column 12344: maximum parsing depth "
	            "reached near '{'");
	/* "extra" is no field: warned about once. */
	assert_diag(&log, 2, EVS_WARNING, "deep.jsonl", 3,
	            "\"extra\": not a field (docs/schema.md); it is ignored in "
	            "this file");
	assert_int_equal(log.n, 3);
	assert_stats(&stats, 3, 1, 0, 2, 1);
	expect_only(state, "fathom", "ok-deep");
	free(text);
	free(ok);
	free(arrays);
	free(in_object);
}

static void test_limits__wrong_types(void **state)
{
#define R(extra)                                                               \
	"{\"id\": \"w\", \"title\": \"T\", \"start\": \"2022-01-01\"" extra "}"
	static const char *const bad[] = {
	    "{\"id\": true, \"title\": \"T\", \"start\": \"2022-01-01\"}",
	    "{\"id\": 1.5, \"title\": \"T\", \"start\": \"2022-01-01\"}",
	    "{\"id\": [\"a\"], \"title\": \"T\", \"start\": \"2022-01-01\"}",
	    "{\"id\": 123456789012345678901234, \"title\": \"T\", \"start\": "
	    "\"2022-01-01\"}",
	    "{\"id\": \"w\", \"title\": {\"en\": \"T\"}, \"start\": "
	    "\"2022-01-01\"}",
	    "{\"id\": \"w\", \"title\": \"T\", \"start\": 20220101}",
	    R(", \"end\": false"),
	    R(", \"description\": 1"),
	    R(", \"timezone\": 1"),
	    R(", \"location\": [\"Vienna\"]"),
	    R(", \"url\": {}"),
	    R(", \"language\": 2"),
	    R(", \"participants\": \"Ann\""),
	    R(", \"organisers\": {\"a\": 1}"),
	    R(", \"tags\": \"x\""),
	    R(", \"topics\": 3"),
	    R(", \"participants\": [\"Ann\", 5]"),
	    R(", \"participants\": [{\"role\": \"x\"}]"),
	    R(", \"participants\": [{\"name\": null}]"),
	    R(", \"organisers\": [[\"x\"]]"),
	    R(", \"tags\": [\"ok\", null]"),
	    R(", \"topics\": [true]"),
	    "[{\"id\": \"w\"}]",
	    "\"a string\"",
	    "42",
	    "null",
	};
#undef R
	static const char *const want[] = {
	    "\"id\": expected a string",
	    "\"id\": expected a string",
	    "\"id\": expected a string",
	    "invalid JSON at column 31: too big integer",
	    "\"title\": expected a string",
	    "\"start\": expected a string",
	    "\"end\": expected a string",
	    "\"description\": expected a string",
	    "\"timezone\": expected a string",
	    "\"location\": expected a string",
	    "\"url\": expected a string",
	    "\"language\": expected a string",
	    "\"participants\": expected an array",
	    "\"organisers\": expected an array",
	    "\"tags\": expected an array",
	    "\"topics\": expected an array",
	    "\"participants\"[1]: expected a string or {\"name\": ...}",
	    "\"participants\"[0]: \"name\" must be a string",
	    "\"participants\"[0]: \"name\" must be a string",
	    "\"organisers\"[0]: expected a string",
	    "\"tags\"[1]: expected a string",
	    "\"topics\"[0]: expected a string",
	    "a record must be a JSON object",
	    "invalid JSON at column 10: '[' or '{' expected near '\"a string\"'",
	    "invalid JSON at column 2: '[' or '{' expected near '42'",
	    "invalid JSON at column 4: '[' or '{' expected near 'null'",
	};
	bad_then_good(state, "types.jsonl", bad, want, sizeof bad / sizeof *bad);
}

static void test_limits__duplicate_keys(void **state)
{
	static const char *const bad[] = {
	    "{\"id\": \"k1\", \"id\": \"k2\", \"title\": \"T\", \"start\": "
	    "\"2022-01-01\"}",
	    "{\"id\": \"k3\", \"title\": \"T\", \"start\": \"2022-01-01\", "
	    "\"start\": \"2022-01-02\"}",
	    /* Inside a participant object too. */
	    "{\"id\": \"k4\", \"title\": \"T\", \"start\": \"2022-01-01\", "
	    "\"participants\": [{\"name\": \"A\", \"name\": \"B\"}]}",
	};
	static const char *const want[] = {
	    "invalid JSON at column 17: duplicate object key near '\"id\"'",
	    "invalid JSON at column 57: duplicate object key near '\"start\"'",
	    "invalid JSON at column 87: duplicate object key near '\"name\"'",
	};
	bad_then_good(state, "keys.jsonl", bad, want, sizeof bad / sizeof *bad);
}

static void test_limits__duplicate_ids_in_one_file(void **state)
{
	char *a = rec("twice", "Earlier osprey");
	char *b = rec("other", "Unrelated");
	char *c = rec("twice", "Later harrier");
	char *text;
	assert_true(asprintf(&text, "%s\n%s\n%s\n", a, b, c) > 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "dup.jsonl", text, &log, &stats), EVS_OK);
	assert_diag(&log, 0, EVS_WARNING, "dup.jsonl", 3,
	            "duplicate id: this record replaces an earlier one with the "
	            "same id");
	assert_int_equal(log.n, 1);
	assert_stats(&stats, 3, 2, 1, 0, 1);
	assert_int_equal(events_in(state), 2);
	expect_only(state, "harrier", "twice");
	assert_int_equal(total_of(state, "osprey"), 0);
	/* Across two streams of one handle, the same. */
	memset(&log, 0, sizeof log);
	memset(&stats, 0, sizeof stats);
	assert_int_equal(add_text(state, "again.jsonl", a, &log, &stats), EVS_OK);
	assert_diag(&log, 0, EVS_WARNING, "again.jsonl", 1,
	            "duplicate id: this record replaces an earlier one with the "
	            "same id");
	assert_stats(&stats, 1, 0, 1, 0, 1);
	expect_only(state, "osprey", "twice");
	free(text);
	free(a);
	free(b);
	free(c);
}

static void test_limits__impossible_dates(void **state)
{
#define D(s) "{\"id\": \"d\", \"title\": \"T\", \"start\": \"" s "\"}"
	static const char *const bad[] = {
	    D("2022-02-30"),
	    D("0000-01-01"),
	    D("9999-12-31T25:00"),
	    D("2023-02-29"),
	    D("2022-01-01T24:00"),
	    D("2022-01-01T10:60"),
	    D("2022-01-01T10:00:61"),
	    D("2022-01-01T10:00+19:00"),
	    D("2022-01-01T10:00+05:60"),
	    D("10000-01-01"),
	    D("2022-1-1"),
	    D(""),
	    "{\"id\": \"d\", \"title\": \"T\", \"start\": \"2022-01-02\", "
	    "\"end\": \"2022-00-10\"}",
	    "{\"id\": \"d\", \"title\": \"T\", \"start\": \"2022-01-02\", "
	    "\"end\": \"2022-01-01\"}",
	};
#undef D
	static const char *const want[] = {
	    "\"start\": no such date: \"2022-02-30\"",
	    "\"start\": year 0000 is out of range (0001-9999): \"0000-01-01\"",
	    "\"start\": no such time of day: \"9999-12-31T25:00\"",
	    "\"start\": no such date: \"2023-02-29\"",
	    "\"start\": no such time of day: \"2022-01-01T24:00\"",
	    "\"start\": no such time of day: \"2022-01-01T10:60\"",
	    "\"start\": no such time of day: \"2022-01-01T10:00:61\"",
	    "\"start\": UTC offset out of range: \"2022-01-01T10:00+19:00\"",
	    "\"start\": UTC offset out of range: \"2022-01-01T10:00+05:60\"",
	    "\"start\": not an ISO 8601 date (YYYY-MM-DD or "
	    "YYYY-MM-DDThh:mm:ss+hh:mm): \"10000-01-01\"",
	    "\"start\": not an ISO 8601 date (YYYY-MM-DD or "
	    "YYYY-MM-DDThh:mm:ss+hh:mm): \"2022-1-1\"",
	    "\"start\": not an ISO 8601 date (YYYY-MM-DD or "
	    "YYYY-MM-DDThh:mm:ss+hh:mm): \"\"",
	    "\"end\": no such date: \"2022-00-10\"",
	    "\"end\": before \"start\"",
	};
	bad_then_good(state, "dates.jsonl", bad, want, sizeof bad / sizeof *bad);

	/* The ends of the range are dates like any other. */
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(
	    add_text(state, "edges.jsonl",
	             "{\"id\": \"first\", \"title\": \"Dawn\", \"start\": "
	             "\"0001-01-01\"}\n"
	             "{\"id\": \"last\", \"title\": \"Dusk\", \"start\": "
	             "\"9999-12-31T23:59:60+18:00\"}\n",
	             &log, &stats),
	    EVS_OK);
	assert_int_equal(log.n, 0);
	assert_stats(&stats, 2, 2, 0, 0, 0);
	expect_only(state, "dawn", "first");
	expect_only(state, "dusk", "last");
}

static void test_limits__blank_lines_are_not_records(void **state)
{
	char *good = rec("lone", "Solitary sandpiper");
	char *text;
	/* Lines 1-6 blank in every accepted way; 7 bad; 8-9 blank; 10 good;
	 * then blank lines to the end. */
	assert_true(asprintf(&text,
	                     "\n \n\t\n\r\n\f\v\n \t\r\n{\"id\": \"x\"}\n\n\n%s\n"
	                     "\n\n",
	                     good) > 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "blank.jsonl", text, &log, &stats),
	                 EVS_OK);
	assert_diag(&log, 0, EVS_ERROR, "blank.jsonl", 7,
	            "\"title\": missing (required)");
	assert_int_equal(log.n, 1);
	assert_stats(&stats, 2, 1, 0, 1, 0);
	expect_only(state, "sandpiper", "lone");
	free(text);
	free(good);
}

static void test_limits__words_longer_than_xapian_terms(void **state)
{
	/* 300 bytes: past Xapian's 245-byte term limit. Indexed, cut to
	 * EVS_MAX_WORD (64 bytes) silently; the query cuts alike. */
	char *word = repeat("Long", "o", 296, "");
	char *word2 = repeat("Loon", "g", 296, ""); /* another 64-byte start */
	char *title;
	assert_true(asprintf(&title, "%s %s tern", word, word2) > 0);
	char *a = rec("longword", title);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_text(state, "words.jsonl", a, &log, &stats), EVS_OK);
	assert_int_equal(log.n, 0);
	assert_stats(&stats, 1, 1, 0, 0, 0);
	expect_only(state, word, "longword");
	char q[128];
	snprintf(q, sizeof q, "\"%.64s\"", word); /* its first 64 bytes */
	expect_only(state, q, "longword");
	snprintf(q, sizeof q, "title:%.70s", word2);
	expect_only(state, q, "longword");
	snprintf(q, sizeof q, "%.63s", word); /* one byte short: another word */
	assert_int_equal(total_of(state, q), 0);
	/* A long word of several-byte characters is cut at a boundary. */
	char *wide = repeat("", "\xC3\xA9", 200, "");
	char *b = rec("wide", wide);
	memset(&stats, 0, sizeof stats);
	assert_int_equal(add_text(state, "wide.jsonl", b, &log, &stats), EVS_OK);
	assert_int_equal(log.n, 0);
	assert_stats(&stats, 1, 1, 0, 0, 0);
	expect_only(state, wide, "wide");
	free(wide);
	free(b);
	free(a);
	free(title);
	free(word);
	free(word2);
}

static void test_limits__ids_longer_than_xapian_terms(void **state)
{
	/* 245 bytes and more: the unique term is XQH + SHA-256. */
	const size_t sizes[] = {239, 240, 245, 246, 300, 5000};
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		char *id = malloc(sizes[k] + 1);
		assert_non_null(id);
		for (size_t i = 0; i < sizes[k]; i++)
			id[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + k) % 36];
		id[sizes[k]] = '\0';
		char title[32];
		snprintf(title, sizeof title, "Longid size%zu", sizes[k]);
		char *r = rec(id, title);
		diag_log log = {0};
		evs_add_stats stats = {0};
		assert_int_equal(add_text(state, "ids.jsonl", r, &log, &stats), EVS_OK);
		assert_int_equal(log.n, 0);
		assert_stats(&stats, 1, 1, 0, 0, 0);
		char *q;
		assert_true(asprintf(&q, "id:%s", id) > 0);
		if (sizes[k] + 3 <= 8192) {
			evs_results *res = search(state, q, 0);
			assert_int_equal(evs_results_total(res), 1);
			assert_string_equal(evs_hit_id(res, 0), id);
			evs_results_free(res);
		}
		/* The same id again replaces, through the hashed term too. */
		memset(&stats, 0, sizeof stats);
		assert_int_equal(add_text(state, "ids2.jsonl", r, &log, &stats),
		                 EVS_OK);
		assert_stats(&stats, 1, 0, 1, 0, 1);
		assert_int_equal(events_in(state), 1);
		assert_int_equal(evs_index_delete(fx(state)->idx, id), EVS_OK);
		assert_int_equal(evs_index_commit(fx(state)->idx), EVS_OK);
		assert_int_equal(events_in(state), 0);
		assert_int_equal(evs_index_delete(fx(state)->idx, id), EVS_E_NOTFOUND);
		free(q);
		free(r);
		free(id);
	}
}

/* ---- queries ---- */

/* Asserts that q fails with EVS_E_QUERY_SYNTAX and exactly the message
 * want, on the fixture's index (which must hold at least one event). */
static void expect_query_error(void **state, unsigned flags, const char *q,
                               const char *want)
{
	evs_index *r = th_open(fx(state)->idx_dir);
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = flags;
	evs_results *res = NULL;
	evs_status st = evs_search(&res, r, q, &o);
	char msg[600];
	snprintf(msg, sizeof msg, "%s", evs_errmsg(r));
	evs_results_free(res);
	assert_int_equal(evs_index_close(r), EVS_OK);
	if (st != EVS_E_QUERY_SYNTAX || strcmp(msg, want) != 0)
		fail_msg("search [%.60s]: %s [%s], expected a syntax error [%s]", q,
		         evs_status_str(st), msg, want);
	assert_null(res);
}

/* Indexes two events: "vienna" and "geneva". */
static void two_events(void **state)
{
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(
	    add_text(state, "two.jsonl",
	             "{\"id\": \"v\", \"title\": \"Vienna talks\", \"start\": "
	             "\"2022-01-01\"}\n"
	             "{\"id\": \"g\", \"title\": \"Geneva talks\", \"start\": "
	             "\"2022-01-02\"}\n",
	             &log, &stats),
	    EVS_OK);
	assert_stats(&stats, 2, 2, 0, 0, 0);
}

static void test_limits__query_length(void **state)
{
	two_events(state);
	char *q = repeat("vienna", " ", 8192 - 6, "");
	assert_int_equal(strlen(q), 8192);
	expect_only(state, q, "v");
	free(q);
	q = repeat("vienna", " ", 8192 - 6 + 1, "");
	expect_query_error(state, 0, q, "the query is longer than 8192 bytes");
	expect_query_error(state, EVS_SEARCH_PLAIN, q,
	                   "the query is longer than 8192 bytes");
	free(q);
	/* 1 MB: refused before any of it is parsed. */
	q = repeat("", "(vienna ", 125000, "");
	expect_query_error(state, 0, q, "the query is longer than 8192 bytes");
	free(q);
}

static void test_limits__query_nesting(void **state)
{
	two_events(state);
	char *open = repeat("", "(", 32, "vienna");
	char *q = repeat(open, ")", 32, "");
	expect_only(state, q, "v");
	free(q);
	free(open);
	open = repeat("", "(", 33, "vienna");
	q = repeat(open, ")", 33, "");
	expect_query_error(state, 0, q,
	                   "column 33: parentheses nested more than 32 deep");
	free(q);
	free(open);
	/* 4000 deep (8000 bytes): refused at the 33rd, no deeper recursion. */
	open = repeat("", "(", 4000, "");
	expect_query_error(state, 0, open,
	                   "column 33: parentheses nested more than 32 deep");
	free(open);
	open = repeat("", "title:(", 1000, "");
	expect_query_error(state, 0, open,
	                   "column 225: parentheses nested more than 32 deep");
	free(open);
	/* Signs and NOTs do not nest without parentheses. */
	q = repeat("", "-", 4000, "vienna"); /* a word, "----...vienna" */
	expect_only(state, q, "v");
	free(q);
	q = repeat("vienna", " NOT geneva", 255, "");
	expect_only(state, q, "v");
	free(q);
	q = repeat("vienna", " NOT geneva", 256, "");
	expect_query_error(state, 0, q, "the query has more than 256 terms");
	free(q);
}

static void test_limits__query_terms(void **state)
{
	two_events(state);
	char *q = repeat("", "vienna ", 256, "");
	expect_only(state, q, "v");
	free(q);
	q = repeat("", "vienna ", 257, "");
	expect_query_error(state, 0, q, "the query has more than 256 terms");
	free(q);
	/* Thousands, with operators, fields and phrases. */
	q = repeat("vienna", " OR title:geneva", 500, "");
	expect_query_error(state, 0, q, "the query has more than 256 terms");
	free(q);
	q = repeat("", "\"vienna talks\" ", 129, "");
	expect_query_error(state, 0, q, "the query has more than 256 terms");
	free(q);
	q = repeat("", "a ", 4096, "");
	expect_query_error(state, EVS_SEARCH_PLAIN, q,
	                   "the query has more than 256 terms");
	free(q);
	q = repeat("", "tag:x ", 257, "");
	expect_query_error(state, 0, q, "the query has more than 256 terms");
	free(q);
}

static void test_limits__wildcard_expansion(void **state)
{
	/* 100 words that begin "wild" in two events each, and 50 in one: a
	 * wildcard takes the 100 most frequent words (EVS_MAX_WILDCARD), so
	 * "wild*" finds the 200 events of the frequent ones and none of the
	 * rare ones. Without the cap it would find 250. */
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	assert_non_null(m);
	for (int i = 0; i < 250; i++) {
		int freq = i < 200;
		fprintf(m,
		        "{\"id\": \"%s-%d\", \"title\": \"wild%s%03d\", \"start\": "
		        "\"2022-01-01\", \"tags\": [\"wild%s%03d\"]}\n",
		        freq ? "f" : "r", i, freq ? "f" : "r", freq ? i / 2 : i,
		        freq ? "f" : "r", freq ? i / 2 : i);
	}
	assert_int_equal(fclose(m), 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_bytes(state, "wild.jsonl", text, len, &log, &stats),
	                 EVS_OK);
	assert_stats(&stats, 250, 250, 0, 0, 0);
	free(text);
	static const char *const queries[] = {"wild*", "title:wild*", "tag:wild*"};
	for (size_t k = 0; k < 3; k++) {
		evs_results *res = search(state, queries[k], 0);
		if (evs_results_total(res) != 200)
			fail_msg("%s: %llu events, expected 200", queries[k],
			         (unsigned long long)evs_results_total(res));
		for (size_t i = 0; i < evs_results_count(res); i++)
			if (strncmp(evs_hit_id(res, i), "f-", 2) != 0)
				fail_msg("%s: found %s, one of the rarer words", queries[k],
				         evs_hit_id(res, i));
		evs_results_free(res);
	}
	/* Below the cap every word counts. */
	assert_int_equal(total_of(state, "wildr*"), 50);
	assert_int_equal(total_of(state, "wildf0*"), 200);
	/* Ten wildcards fit the term limit; eleven do not. */
	char *q = repeat("", "wild* ", 10, "");
	assert_int_equal(total_of(state, q), 200);
	free(q);
	q = repeat("", "wild* ", 11, "");
	expect_query_error(state, 0, q,
	                   "the query has more than 256 terms (a wildcard counts "
	                   "as 25)");
	free(q);
	q = repeat("", "tag:w* ", 11, "");
	expect_query_error(state, 0, q,
	                   "the query has more than 256 terms (a wildcard counts "
	                   "as 25)");
	free(q);
}

/* One character of each Unicode general category (UTF-8). */
static const struct {
	const char *cat;
	const char *ch;
} categories[] = {
    {"Lu", "A"},
    {"Ll", "a"},
    {"Lt", "\xC7\x85"},     /* U+01C5 Dž */
    {"Lm", "\xCA\xB0"},     /* U+02B0 modifier h */
    {"Lo", "\xE4\xB8\xAD"}, /* U+4E2D */
    {"Mn", "\xCC\x81"},     /* U+0301 combining acute */
    {"Mc", "\xE0\xA4\x83"}, /* U+0903 Devanagari visarga */
    {"Me", "\xE2\x83\x9D"}, /* U+20DD enclosing circle */
    {"Nd", "7"},
    {"Nl", "\xE2\x85\xAB"}, /* U+216B roman twelve */
    {"No", "\xC2\xBD"},     /* U+00BD one half */
    {"Pc", "_"},
    {"Pd", "-"},
    {"Ps", "("},
    {"Pe", ")"},
    {"Pi", "\xC2\xAB"}, /* U+00AB */
    {"Pf", "\xC2\xBB"}, /* U+00BB */
    {"Po", "!"},
    {"Sm", "+"},
    {"Sc", "$"},
    {"Sk", "^"},
    {"So", "\xC2\xA9"},     /* U+00A9 */
    {"Zs", "\xE2\x80\x80"}, /* U+2000 en quad */
    {"Zl", "\xE2\x80\xA8"}, /* U+2028 */
    {"Zp", "\xE2\x80\xA9"}, /* U+2029 */
    {"Cc", "\x01"},
    {"Cf", "\xE2\x80\x8B"},     /* U+200B zero width space */
    {"Cf", "\xEF\xBB\xBF"},     /* U+FEFF byte order mark */
    {"Co", "\xEE\x80\x80"},     /* U+E000 private use */
    {"Co", "\xF4\x8F\xBF\xBD"}, /* U+10FFFD plane 16 private use */
    {"Cn", "\xCD\xB8"},         /* U+0378 unassigned */
    {"Cn", "\xEF\xBF\xBF"},     /* U+FFFF noncharacter */
    {"Cn", "\xF3\xA0\x82\x80"}, /* U+E0080 unassigned, plane 14 */
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

static void test_limits__every_unicode_category(void **state)
{
	/* Event k's description is "alpha<c>omega" with the k-th character
	 * between two words found nowhere else (JSON-escaped, so that control
	 * characters can be written). Whatever the normalisation makes of the
	 * character, the same text must find the event as a phrase, and as
	 * plain words; the character alone and all of them at once are a
	 * search, not a crash. */
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	assert_non_null(m);
	for (size_t k = 0; k < NCATEGORIES; k++) {
		int32_t cp = 0;
		int l =
		    evs_utf8__decode(categories[k].ch, strlen(categories[k].ch), &cp);
		assert_true(l > 0);
		char esc[16];
		if (cp < 0x10000) {
			snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
		} else {
			unsigned v = (unsigned)cp - 0x10000;
			snprintf(esc, sizeof esc, "\\u%04X\\u%04X", 0xD800 + (v >> 10),
			         0xDC00 + (v & 0x3FF));
		}
		fprintf(m,
		        "{\"id\": \"cat-%zu\", \"title\": \"Category %s\", "
		        "\"start\": \"2022-01-01\", \"description\": "
		        "\"kx%zuq%sqz%zuk\"}\n",
		        k, categories[k].cat, k, esc, k);
	}
	assert_int_equal(fclose(m), 0);
	diag_log log = {0};
	evs_add_stats stats = {0};
	assert_int_equal(add_bytes(state, "unicode.jsonl", text, len, &log, &stats),
	                 EVS_OK);
	free(text);
	assert_int_equal(log.n, 0);
	assert_stats(&stats, NCATEGORIES, NCATEGORIES, 0, 0, 0);

	char all[512] = "";
	for (size_t k = 0; k < NCATEGORIES; k++) {
		const char *c = categories[k].ch;
		char id[16], q[64];
		snprintf(id, sizeof id, "cat-%zu", k);
		/* As a phrase: only quotation marks are syntax in one. */
		snprintf(q, sizeof q, "\"kx%zuq%sqz%zuk\"", k, c, k);
		expect_only(state, q, id);
		/* As plain words, ANDed. */
		snprintf(q, sizeof q, "kx%zuq%sqz%zuk", k, c, k);
		evs_results *res =
		    search(state, q, EVS_SEARCH_PLAIN | EVS_SEARCH_ALL_WORDS);
		if (evs_results_total(res) != 1 || strcmp(evs_hit_id(res, 0), id) != 0)
			fail_msg("plain search for category %s (%zu): %llu hits",
			         categories[k].cat, k,
			         (unsigned long long)evs_results_total(res));
		evs_results_free(res);
		/* The character alone, in every mode: no words, so no hit; or
		 * a syntax error for the few characters that are syntax. */
		for (unsigned flags = 0; flags < 2; flags++) {
			evs_index *r = th_open(fx(state)->idx_dir);
			evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
			o.flags = flags ? EVS_SEARCH_PLAIN : 0;
			res = NULL;
			evs_status st = evs_search(&res, r, c, &o);
			const char *msg = evs_errmsg(r);
			int syntax = !flags && strcmp(c, ")") == 0;
			if (syntax) {
				assert_int_equal(st, EVS_E_QUERY_SYNTAX);
				assert_string_equal(msg, "column 1: ')' without '('");
			} else if (!flags && strcmp(c, "(") == 0) {
				assert_int_equal(st, EVS_E_QUERY_SYNTAX);
				assert_string_equal(msg, "column 1: '(' is never closed");
			} else {
				if (st != EVS_OK)
					fail_msg("category %s alone (flags %u): %s: %s",
					         categories[k].cat, o.flags, evs_status_str(st),
					         msg);
				/* A letter or digit alone is a word no event has; any
				 * other character leaves no words, which match nothing. */
				if (evs_results_total(res) != 0)
					fail_msg("category %s alone (flags %u): %llu hits",
					         categories[k].cat, o.flags,
					         (unsigned long long)evs_results_total(res));
				evs_results_free(res);
			}
			assert_int_equal(evs_index_close(r), EVS_OK);
		}
		strncat(all, c, sizeof all - strlen(all) - 1);
	}
	/* All of them in one query. */
	evs_results *res = search(state, all, EVS_SEARCH_PLAIN);
	assert_int_equal(evs_results_total(res), 0);
	evs_results_free(res);
	char *phrase;
	assert_true(asprintf(&phrase, "\"%s\"", all) > 0);
	res = search(state, phrase, 0);
	assert_int_equal(evs_results_total(res), 0);
	evs_results_free(res);
	free(phrase);
	/* A surrogate cannot be written in UTF-8: the query is refused. */
	expect_query_error(state, 0, "kx1q\xED\xA0\x80qz1k",
	                   "the query is not valid UTF-8");
	expect_query_error(state, EVS_SEARCH_PLAIN, "\xED\xBF\xBF",
	                   "the query is not valid UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_limits__invalid_utf8_bytes,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__nul_bytes, th_writer_setup,
	                                    th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__lone_surrogates,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_limits__line_over_64_mib_then_resync, th_writer_setup,
	        th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__ten_mb_description_is_cut,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__ten_thousand_participants,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__deeply_nested_json,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__wrong_types,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__duplicate_keys,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__duplicate_ids_in_one_file,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__impossible_dates,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_limits__blank_lines_are_not_records, th_writer_setup,
	        th_writer_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_limits__words_longer_than_xapian_terms, th_writer_setup,
	        th_writer_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_limits__ids_longer_than_xapian_terms, th_writer_setup,
	        th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__query_length,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__query_nesting,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__query_terms,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__wildcard_expansion,
	                                    th_writer_setup, th_writer_teardown),
	    cmocka_unit_test_setup_teardown(test_limits__every_unicode_category,
	                                    th_writer_setup, th_writer_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
