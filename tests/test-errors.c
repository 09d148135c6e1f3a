/* test-errors.c: every status a caller can provoke from outside, through
 * the public API, against really missing, foreign, locked, mismatched and
 * damaged indexes. Each failure must come with a message.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "xapian-shim.h"

/* ---- fixtures ---- */

typedef struct fixture {
	char *tmp; /* the temporary directory */
	char *dir; /* tmp/idx: an index of the corpus (built by setup_built) */
} fixture;

static char *path_in(const char *dir, const char *rel)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

static int setup_empty(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->tmp = th_tmpdir();
	f->dir = path_in(f->tmp, "idx");
	*state = f;
	return 0;
}

static int setup_built(void **state)
{
	setup_empty(state);
	fixture *f = *state;
	char *corpus = th_source_path("corpus/events.jsonl");
	const char *files[] = {corpus, NULL};
	th_build_index(f->dir, files, NULL);
	free(corpus);
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	free(f->dir);
	th_rmrf(f->tmp);
	free(f);
	return 0;
}

static fixture *fx(void **state)
{
	return *state;
}

/* Opens path with flags and stemmer, asserting that it fails with want
 * and a message that mentions each of the NULL-terminated strings. */
static void open_fails(const char *path, int flags, const char *stemmer,
                       evs_status want, ...)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = flags;
	oo.stemmer = stemmer;
	evs_index *idx = (evs_index *)&oo; /* must be reset to NULL */
	char *msg = (char *)&oo;
	evs_status st = evs_index_open(&idx, path, &oo, &msg);
	if (st != want) {
		if (st == EVS_OK)
			evs_index_close(idx);
		fail_msg("open %s (flags %d): status \"%s\", expected \"%s\"; %s", path,
		         flags, evs_status_str(st), evs_status_str(want),
		         st == EVS_OK ? "" : msg);
	}
	assert_null(idx);
	assert_non_null(msg);
	assert_true(msg[0] != '\0');
	va_list ap;
	va_start(ap, want);
	const char *s;
	while ((s = va_arg(ap, const char *)))
		if (!strstr(msg, s))
			fail_msg("open %s: message \"%s\" does not mention \"%s\"", path,
			         msg, s);
	va_end(ap);
	/* Without errmsg_out, the same status. */
	assert_int_equal(evs_index_open(&idx, path, &oo, NULL), want);
	assert_null(idx);
	evs_free(msg);
}

static evs_index *open_ok(const char *path, int flags, const char *stemmer)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = flags;
	oo.stemmer = stemmer;
	evs_index *idx = NULL;
	char *msg = NULL;
	evs_status st = evs_index_open(&idx, path, &oo, &msg);
	if (st != EVS_OK)
		fail_msg("open %s: %s: %s", path, evs_status_str(st), msg);
	assert_null(msg);
	assert_non_null(idx);
	return idx;
}

/* Sets metadata key of the Xapian database at DIR/gen-1. */
static void set_gen_metadata(const char *dir, const char *key,
                             const char *value)
{
	char *gen = path_in(dir, "gen-1");
	char err[XS_ERRLEN] = "";
	xs_db *db = NULL;
	if (xs_db_open_writer(&db, gen, 0, err) != EVS_OK)
		fail_msg("open %s: %s", gen, err);
	assert_int_equal(xs_db_set_metadata(db, key, value, err), EVS_OK);
	assert_int_equal(xs_db_close(db, err), EVS_OK);
	free(gen);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* ---- EVS_E_NOTFOUND and EVS_E_INVALID at open ---- */

static void test_errors__missing_directory_is_notfound(void **state)
{
	const char *dir = fx(state)->dir; /* never created */
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_NOTFOUND, dir, NULL);
	open_fails(dir, EVS_OPEN_WRITE, NULL, EVS_E_NOTFOUND, dir, NULL);
	char *deeper = path_in(dir, "a/b");
	open_fails(deeper, EVS_OPEN_READ, NULL, EVS_E_NOTFOUND, deeper, NULL);
	free(deeper);
	/* Nothing was created by trying. */
	struct stat sb;
	assert_int_equal(stat(dir, &sb), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_errors__empty_directory_is_notfound(void **state)
{
	const char *dir = fx(state)->dir;
	assert_int_equal(mkdir(dir, 0777), 0);
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_NOTFOUND, dir, NULL);
	open_fails(dir, EVS_OPEN_WRITE, NULL, EVS_E_NOTFOUND, dir, NULL);
}

static void test_errors__path_is_a_regular_file(void **state)
{
	const char *dir = fx(state)->dir;
	write_text(dir, "not an index\n");
	/* Never written into. (Read-only, "no index there" or "not an
	 * index" would both be right.) */
	open_fails(dir, EVS_OPEN_WRITE | EVS_OPEN_CREATE, NULL, EVS_E_INVALID, dir,
	           NULL);
	FILE *f = fopen(dir, "r");
	assert_non_null(f);
	char line[64] = "";
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_string_equal(line, "not an index\n");
}

static void test_errors__bare_xapian_database_is_invalid(void **state)
{
	const char *dir = fx(state)->dir;
	char err[XS_ERRLEN] = "";
	xs_db *db = NULL;
	if (xs_db_open_writer(&db, dir, 1, err) != EVS_OK)
		fail_msg("create %s: %s", dir, err);
	assert_int_equal(xs_db_close(db, err), EVS_OK);
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_INVALID, dir, "Xapian", NULL);
	open_fails(dir, EVS_OPEN_WRITE, NULL, EVS_E_INVALID, dir, NULL);
	open_fails(dir, EVS_OPEN_WRITE | EVS_OPEN_CREATE, NULL, EVS_E_INVALID, dir,
	           NULL);
	/* It was left alone. */
	char *current = path_in(dir, "current");
	assert_int_equal(access(current, F_OK), -1);
	free(current);
	assert_int_equal(xs_db_open_reader(&db, dir, err), EVS_OK);
	assert_int_equal(xs_db_close(db, err), EVS_OK);
}

static void test_errors__foreign_directory_is_not_taken_over(void **state)
{
	const char *dir = fx(state)->dir;
	assert_int_equal(mkdir(dir, 0777), 0);
	char *notes = path_in(dir, "notes.txt");
	write_text(notes, "mine\n");
	open_fails(dir, EVS_OPEN_WRITE | EVS_OPEN_CREATE, NULL, EVS_E_INVALID, dir,
	           "not an evsearch index", NULL);
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_NOTFOUND, dir, NULL);
	/* Nothing was added to it. */
	char *current = path_in(dir, "current");
	char *gen = path_in(dir, "gen-1");
	assert_int_equal(access(current, F_OK), -1);
	assert_int_equal(access(gen, F_OK), -1);
	assert_int_equal(access(notes, F_OK), 0);
	free(current);
	free(gen);
	free(notes);
}

static void test_errors__bad_open_arguments(void **state)
{
	(void)state;
	evs_index *idx = NULL;
	char *msg = NULL;
	assert_int_equal(evs_index_open(&idx, NULL, NULL, &msg), EVS_E_INVALID);
	assert_null(idx);
	assert_non_null(msg);
	assert_true(msg[0] != '\0');
	evs_free(msg);
	assert_int_equal(evs_index_open(&idx, "", NULL, &msg), EVS_E_INVALID);
	assert_true(msg[0] != '\0');
	evs_free(msg);
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.version = 0;
	assert_int_equal(evs_index_open(&idx, fx(state)->dir, &oo, &msg),
	                 EVS_E_INVALID);
	assert_non_null(strstr(msg, "version"));
	evs_free(msg);
	oo.version = EVS_OPEN_OPTIONS_VERSION + 1;
	assert_int_equal(evs_index_open(&idx, fx(state)->dir, &oo, &msg),
	                 EVS_E_INVALID);
	assert_true(msg[0] != '\0');
	evs_free(msg);
}

static void test_errors__unknown_stemmer_on_create(void **state)
{
	const char *dir = fx(state)->dir;
	open_fails(dir, EVS_OPEN_WRITE | EVS_OPEN_CREATE, "klingon", EVS_E_INVALID,
	           "klingon", NULL);
	/* No index that looks complete was left behind. */
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_NOTFOUND, NULL);
}

/* ---- EVS_E_LOCKED ---- */

static void test_errors__second_writer_in_this_process(void **state)
{
	const char *dir = fx(state)->dir;
	char pid[32];
	snprintf(pid, sizeof pid, "PID %ld", (long)getpid());
	evs_index *w = open_ok(dir, EVS_OPEN_WRITE, NULL);
	open_fails(dir, EVS_OPEN_WRITE, NULL, EVS_E_LOCKED, dir, pid, NULL);
	open_fails(dir, EVS_OPEN_WRITE | EVS_OPEN_CREATE, NULL, EVS_E_LOCKED, dir,
	           NULL);
	/* Readers are not locked out. */
	evs_index *r = open_ok(dir, EVS_OPEN_READ, NULL);
	evs_results *res = th_search(r, "vienna", NULL);
	assert_int_equal(evs_results_total(res), 1);
	evs_results_free(res);
	assert_int_equal(evs_index_close(r), EVS_OK);
	/* The lock goes with the writer. */
	assert_int_equal(evs_index_close(w), EVS_OK);
	w = open_ok(dir, EVS_OPEN_WRITE, NULL);
	assert_int_equal(evs_index_close(w), EVS_OK);
}

static void test_errors__writer_in_another_process(void **state)
{
	const char *dir = fx(state)->dir;
	int ready[2], done[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(done), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child holds the writer until the parent is done, or gone:
		 * with the other pipe ends closed here, the parent's exit ends
		 * the read. The alarm is a last resort. */
		close(ready[0]);
		close(done[1]);
		alarm(60);
		evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
		oo.flags = EVS_OPEN_WRITE;
		evs_index *w = NULL;
		char ok = evs_index_open(&w, dir, &oo, NULL) == EVS_OK ? 'y' : 'n';
		if (write(ready[1], &ok, 1) != 1)
			_exit(2);
		char c;
		if (read(done[0], &c, 1) != 1)
			_exit(3);
		_exit(evs_index_close(w) == EVS_OK && ok == 'y' ? 0 : 1);
	}
	close(ready[1]);
	close(done[0]);
	char ok = 0;
	ssize_t got = read(ready[0], &ok, 1);
	/* Try while the child holds the lock; assert only once it has been
	 * let go, so that a failure cannot leave it waiting. */
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE;
	evs_index *w = NULL;
	char *msg = NULL;
	evs_status st = evs_index_open(&w, dir, &oo, &msg);
	evs_index *r = NULL;
	evs_status rst = evs_index_open(&r, dir, NULL, NULL);
	assert_int_equal(write(done[1], "x", 1), 1);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(ready[0]);
	close(done[1]);
	char want[32];
	snprintf(want, sizeof want, "PID %ld", (long)pid);
	char copy[XS_ERRLEN];
	snprintf(copy, sizeof copy, "%s", msg ? msg : "");
	evs_free(msg);
	evs_index_close(w);
	evs_index_close(r);

	assert_int_equal(got, 1);
	assert_int_equal(ok, 'y');
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	if (st != EVS_E_LOCKED)
		fail_msg("open while another process writes: status \"%s\", "
		         "expected \"locked\"",
		         evs_status_str(st));
	assert_null(w);
	if (!strstr(copy, dir) || !strstr(copy, want))
		fail_msg("message \"%s\" does not name %s and %s", copy, dir, want);
	/* Readers are not locked out. */
	assert_int_equal(rst, EVS_OK);
	w = open_ok(dir, EVS_OPEN_WRITE, NULL);
	assert_int_equal(evs_index_close(w), EVS_OK);
}

/* ---- EVS_E_VERSION ---- */

static void test_errors__other_schema_version(void **state)
{
	const char *dir = fx(state)->dir;
	set_gen_metadata(dir, "evsearch.schema_version", "999");
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_VERSION, dir, "999", "rebuild",
	           NULL);
	open_fails(dir, EVS_OPEN_WRITE, NULL, EVS_E_VERSION, "999", NULL);
	open_fails(dir, EVS_OPEN_WRITE | EVS_OPEN_CREATE, NULL, EVS_E_VERSION,
	           "999", NULL);
}

static void test_errors__no_schema_version(void **state)
{
	const char *dir = fx(state)->dir;
	set_gen_metadata(dir, "evsearch.schema_version", "");
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_VERSION, dir, NULL);
}

static void test_errors__other_normalisation(void **state)
{
	const char *dir = fx(state)->dir;
	set_gen_metadata(dir, "evsearch.normalisation", "ascii-lowercase-0");
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_VERSION, dir,
	           "ascii-lowercase-0", NULL);
}

static void test_errors__other_stemmer(void **state)
{
	const char *dir = fx(state)->dir; /* built with the default, english */
	open_fails(dir, EVS_OPEN_READ, "french", EVS_E_VERSION, dir, "english",
	           "french", NULL);
	open_fails(dir, EVS_OPEN_WRITE, "french", EVS_E_VERSION, "french", NULL);
	open_fails(dir, EVS_OPEN_WRITE, "none", EVS_E_VERSION, "none", NULL);
	evs_index *idx = open_ok(dir, EVS_OPEN_READ, "english");
	assert_int_equal(evs_index_close(idx), EVS_OK);
	idx = open_ok(dir, EVS_OPEN_WRITE, NULL);
	assert_int_equal(evs_index_close(idx), EVS_OK);

	/* And the other way round: an index without stemming. */
	char *plain = path_in(fx(state)->tmp, "plain");
	idx = open_ok(plain, EVS_OPEN_WRITE | EVS_OPEN_CREATE, "none");
	assert_int_equal(evs_index_close(idx), EVS_OK);
	open_fails(plain, EVS_OPEN_READ, "english", EVS_E_VERSION, "none", NULL);
	idx = open_ok(plain, EVS_OPEN_READ, NULL);
	evs_index_info info = {0};
	info.version = EVS_INDEX_INFO_VERSION;
	assert_int_equal(evs_index_info_get(idx, &info), EVS_OK);
	assert_string_equal(info.stemmer, "none");
	assert_int_equal(evs_index_close(idx), EVS_OK);
	free(plain);
}

/* ---- EVS_E_CORRUPT ---- */

/* Cuts a table file in the middle of its first block: every block of it
 * is then short or gone, wherever the live ones are (a small table is a
 * few 32 KiB blocks, some of them free ones of earlier revisions). */
static void truncate_short(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size >= 16384);
	assert_int_equal(truncate(path, 16384), 0);
}

/* Opens dir and searches for a word; asserts that one of the two fails
 * with want, with a message (naming dir when open fails). */
static void open_or_search_fails(const char *dir, evs_status want)
{
	evs_index *idx = NULL;
	char *msg = NULL;
	evs_status st = evs_index_open(&idx, dir, NULL, &msg);
	if (st != EVS_OK) {
		if (st != want)
			fail_msg("open %s: status \"%s\", expected \"%s\": %s", dir,
			         evs_status_str(st), evs_status_str(want), msg);
		assert_null(idx);
		if (!strstr(msg, dir))
			fail_msg("open: message \"%s\" does not name %s", msg, dir);
		evs_free(msg);
		return;
	}
	evs_results *res = NULL;
	st = evs_search(&res, idx, "cybercrime", NULL);
	if (st == EVS_OK)
		evs_results_free(res);
	char copy[1024];
	snprintf(copy, sizeof copy, "%s", evs_errmsg(idx));
	assert_int_equal(evs_index_close(idx), EVS_OK);
	if (st != want)
		fail_msg("search %s: status \"%s\", expected \"%s\": %s", dir,
		         evs_status_str(st), evs_status_str(want), copy);
	assert_null(res);
	assert_true(copy[0] != '\0');
}

/* Overwrites the second half of a file with 0xFF bytes. */
/* Writes 0xFF over the head of every 8 KiB of a table file: every block
 * (8 to 32 KiB) has a garbage header and more, wherever the live ones
 * are. */
static void scribble_blocks(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size >= 8192);
	char junk[64];
	memset(junk, 0xFF, sizeof junk);
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	for (off_t at = 0; at + (off_t)sizeof junk <= sb.st_size; at += 8192)
		assert_int_equal(pwrite(fd, junk, sizeof junk, at),
		                 (ssize_t)sizeof junk);
	assert_int_equal(close(fd), 0);
}

/* A table file cut short: the index is damaged, and the
 * message says what to do. */
static void test_errors__truncated_postlist(void **state)
{
	char *table = path_in(fx(state)->dir, "gen-1/postlist.glass");
	truncate_short(table);
	free(table);
	open_or_search_fails(fx(state)->dir, EVS_E_CORRUPT);
}

static void test_errors__truncated_termlist(void **state)
{
	char *table = path_in(fx(state)->dir, "gen-1/termlist.glass");
	truncate_short(table);
	free(table);
	open_or_search_fails(fx(state)->dir, EVS_E_CORRUPT);
}

/* Table files of the right size whose blocks are garbage. (Not
 * docdata.glass: Xapian 1.4 itself reads past a buffer on a garbage
 * docdata block, which AddressSanitizer stops.) */
static void test_errors__scribbled_postlist_is_corrupt(void **state)
{
	char *table = path_in(fx(state)->dir, "gen-1/postlist.glass");
	scribble_blocks(table);
	free(table);
	open_or_search_fails(fx(state)->dir, EVS_E_CORRUPT);
}

static void test_errors__scribbled_termlist_is_corrupt(void **state)
{
	char *table = path_in(fx(state)->dir, "gen-1/termlist.glass");
	scribble_blocks(table);
	free(table);
	open_or_search_fails(fx(state)->dir, EVS_E_CORRUPT);
}

static void test_errors__current_is_a_regular_file(void **state)
{
	const char *dir = fx(state)->dir;
	char *current = path_in(dir, "current");
	assert_int_equal(unlink(current), 0);
	write_text(current, "gen-1\n");
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_CORRUPT, dir, "current", NULL);
	open_fails(dir, EVS_OPEN_WRITE, NULL, EVS_E_CORRUPT, dir, NULL);
	/* Not mistaken for a foreign directory and overwritten either. */
	open_fails(dir, EVS_OPEN_WRITE | EVS_OPEN_CREATE, NULL, EVS_E_CORRUPT, dir,
	           NULL);
	free(current);
}

static void test_errors__current_points_to_no_generation(void **state)
{
	const char *dir = fx(state)->dir;
	char *current = path_in(dir, "current");
	assert_int_equal(unlink(current), 0);
	assert_int_equal(symlink("gen-9", current), 0);
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_CORRUPT, dir, "gen-9", NULL);
	open_fails(dir, EVS_OPEN_WRITE | EVS_OPEN_CREATE, NULL, EVS_E_CORRUPT, dir,
	           NULL);
	assert_int_equal(unlink(current), 0);
	assert_int_equal(symlink("../elsewhere", current), 0);
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_CORRUPT, dir, "elsewhere", NULL);
	free(current);
}

static void test_errors__generation_is_not_a_database(void **state)
{
	const char *dir = fx(state)->dir;
	char *current = path_in(dir, "current");
	char *gen = path_in(dir, "gen-2");
	assert_int_equal(mkdir(gen, 0777), 0);
	assert_int_equal(unlink(current), 0);
	assert_int_equal(symlink("gen-2", current), 0);
	open_fails(dir, EVS_OPEN_READ, NULL, EVS_E_CORRUPT, dir, "gen-2", NULL);
	free(gen);
	free(current);
}

/* ---- on open handles ---- */

static void test_errors__writes_on_a_reader_are_readonly(void **state)
{
	evs_index *idx = th_open(fx(state)->dir);
	const char *rec = "{\"id\": \"ro\", \"title\": \"Read only\", "
	                  "\"start\": \"2022-01-01\"}";
	evs_outcome o = EVS_ADDED;
	assert_int_equal(evs_index_add_json(idx, rec, strlen(rec), &o),
	                 EVS_E_READONLY);
	assert_int_equal(o, EVS_SKIPPED);
	assert_true(evs_errmsg(idx)[0] != '\0');
	assert_int_equal(evs_index_add_json(idx, rec, strlen(rec), NULL),
	                 EVS_E_READONLY);
	assert_int_equal(evs_index_delete(idx, "2021-09-07-osce-technical-"
	                                       "briefing-capacity-building-"
	                                       "cybercrime"),
	                 EVS_E_READONLY);
	assert_true(evs_errmsg(idx)[0] != '\0');
	assert_int_equal(evs_index_commit(idx), EVS_E_READONLY);
	assert_true(evs_errmsg(idx)[0] != '\0');
	int fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	evs_add_stats stats = {0};
	assert_int_equal(evs_index_add_stream(idx, fd, "null", NULL, &stats),
	                 EVS_E_READONLY);
	close(fd);
	assert_true(evs_errmsg(idx)[0] != '\0');
	/* Nothing changed. */
	evs_index_info info = {0};
	info.version = EVS_INDEX_INFO_VERSION;
	assert_int_equal(evs_index_info_get(idx, &info), EVS_OK);
	assert_int_equal(info.events, 8);
	assert_int_equal(evs_index_close(idx), EVS_OK);
}

static void test_errors__bad_records_are_invalid(void **state)
{
	evs_index *idx = open_ok(fx(state)->dir, EVS_OPEN_WRITE, NULL);
	static const char *const bad[] = {
	    "",
	    "not json",
	    "[]",
	    "{\"id\": \"x\"}",
	    "{\"id\": \"x\", \"title\": \"T\", \"start\": \"2022-02-30\"}",
	    "{\"id\": \"x\", \"title\": \"T\", \"start\": \"2022-01-01\", "
	    "\"tags\": \"one\"}",
	};
	static const char *const why[] = {"JSON",      "JSON",      "object",
	                                  "\"title\"", "\"start\"", "\"tags\""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		evs_outcome o = EVS_ADDED;
		evs_status st = evs_index_add_json(idx, bad[i], strlen(bad[i]), &o);
		if (st != EVS_E_INVALID)
			fail_msg("record [%s]: status \"%s\", expected \"invalid\"", bad[i],
			         evs_status_str(st));
		assert_int_equal(o, EVS_SKIPPED);
		if (!strstr(evs_errmsg(idx), why[i]))
			fail_msg("record [%s]: message \"%s\" does not mention %s", bad[i],
			         evs_errmsg(idx), why[i]);
	}
	assert_int_equal(evs_index_add_json(idx, NULL, 0, NULL), EVS_E_INVALID);
	assert_true(evs_errmsg(idx)[0] != '\0');
	/* A good record afterwards clears the message. */
	const char *good = "{\"id\": \"x\", \"title\": \"T\", \"start\": "
	                   "\"2022-01-01\"}";
	assert_int_equal(evs_index_add_json(idx, good, strlen(good), NULL), EVS_OK);
	assert_string_equal(evs_errmsg(idx), "");
	assert_int_equal(evs_index_close(idx), EVS_OK);
}

static void test_errors__delete_of_a_missing_id(void **state)
{
	evs_index *idx = open_ok(fx(state)->dir, EVS_OPEN_WRITE, NULL);
	assert_int_equal(evs_index_delete(idx, "no-such-event"), EVS_E_NOTFOUND);
	assert_non_null(strstr(evs_errmsg(idx), "no-such-event"));
	assert_int_equal(evs_index_delete(idx, NULL), EVS_E_INVALID);
	assert_true(evs_errmsg(idx)[0] != '\0');
	assert_int_equal(evs_index_close(idx), EVS_OK);
}

static void search_invalid(evs_index *idx, const evs_search_options *o,
                           const char *want)
{
	evs_results *res = (evs_results *)&res;
	evs_status st = evs_search(&res, idx, "cybercrime", o);
	if (st != EVS_E_INVALID) {
		if (st == EVS_OK)
			evs_results_free(res);
		fail_msg("search: status \"%s\", expected \"invalid\" (%s)",
		         evs_status_str(st), want);
	}
	assert_null(res);
	if (!strstr(evs_errmsg(idx), want))
		fail_msg("search: message \"%s\" does not mention \"%s\"",
		         evs_errmsg(idx), want);
}

static void test_errors__bad_search_options(void **state)
{
	evs_index *idx = th_open(fx(state)->dir);
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.from = "2022-13";
	search_invalid(idx, &o, "2022-13");
	o.from = "yesterday";
	search_invalid(idx, &o, "yesterday");
	o.from = NULL;
	o.to = "2022-02-30";
	search_invalid(idx, &o, "2022-02-30");
	o.to = "22";
	search_invalid(idx, &o, "22");
	o.from = "2023";
	o.to = "2022";
	search_invalid(idx, &o, "after");
	o.from = "2022-05-26";
	o.to = "2022-05-25";
	search_invalid(idx, &o, "after");
	o.from = o.to = NULL;
	o.limit = 20000;
	search_invalid(idx, &o, "20000");
	o.limit = 10001;
	search_invalid(idx, &o, "10001");
	o.limit = 0;
	o.sort = (evs_sort)99;
	search_invalid(idx, &o, "sort");
	o.sort = EVS_SORT_DEFAULT;
	o.version = 0;
	search_invalid(idx, &o, "version");
	o.version = EVS_SEARCH_OPTIONS_VERSION + 1;
	search_invalid(idx, &o, "version");

	/* The edges that are allowed. */
	evs_search_options ok = EVS_SEARCH_OPTIONS_INIT;
	ok.limit = 10000;
	ok.from = "2022-05-25";
	ok.to = "2022-05-25";
	evs_results *res = th_search(idx, "cybercrime", &ok);
	assert_int_equal(evs_results_total(res), 1);
	assert_int_equal(evs_results_limit(res), 10000);
	assert_string_equal(evs_errmsg(idx), "");
	evs_results_free(res);
	assert_int_equal(evs_index_close(idx), EVS_OK);
}

static void test_errors__successful_open_leaves_no_message(void **state)
{
	/* "An empty string when nothing failed": also after an open that
	 * had to create the index. */
	static const int flags[] = {EVS_OPEN_WRITE | EVS_OPEN_CREATE, EVS_OPEN_READ,
	                            EVS_OPEN_WRITE | EVS_OPEN_CREATE};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		evs_index *idx = open_ok(fx(state)->dir, flags[i], NULL);
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", evs_errmsg(idx));
		assert_int_equal(evs_index_close(idx), EVS_OK);
		if (msg[0])
			fail_msg("open %zu (flags %d) succeeded with message \"%s\"", i,
			         flags[i], msg);
	}
}

static void test_errors__every_status_has_a_name(void **state)
{
	(void)state;
	for (int s = EVS_OK; s <= EVS_E_REJECTED; s++) {
		const char *a = evs_status_str((evs_status)s);
		assert_non_null(a);
		assert_true(a[0] != '\0');
		for (int t = EVS_OK; t < s; t++)
			assert_string_not_equal(a, evs_status_str((evs_status)t));
	}
	assert_non_null(evs_status_str((evs_status)1000));
	assert_non_null(evs_errmsg(NULL));
}

#define E(name) cmocka_unit_test_setup_teardown(name, setup_empty, teardown)
#define B(name) cmocka_unit_test_setup_teardown(name, setup_built, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    E(test_errors__missing_directory_is_notfound),
	    E(test_errors__empty_directory_is_notfound),
	    E(test_errors__path_is_a_regular_file),
	    E(test_errors__bare_xapian_database_is_invalid),
	    E(test_errors__foreign_directory_is_not_taken_over),
	    E(test_errors__bad_open_arguments),
	    E(test_errors__unknown_stemmer_on_create),
	    B(test_errors__second_writer_in_this_process),
	    B(test_errors__writer_in_another_process),
	    B(test_errors__other_schema_version),
	    B(test_errors__no_schema_version),
	    B(test_errors__other_normalisation),
	    B(test_errors__other_stemmer),
	    B(test_errors__truncated_postlist),
	    B(test_errors__truncated_termlist),
	    B(test_errors__scribbled_postlist_is_corrupt),
	    B(test_errors__scribbled_termlist_is_corrupt),
	    B(test_errors__current_is_a_regular_file),
	    B(test_errors__current_points_to_no_generation),
	    B(test_errors__generation_is_not_a_database),
	    B(test_errors__writes_on_a_reader_are_readonly),
	    B(test_errors__bad_records_are_invalid),
	    B(test_errors__delete_of_a_missing_id),
	    B(test_errors__bad_search_options),
	    E(test_errors__successful_open_leaves_no_message),
	    E(test_errors__every_status_has_a_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
