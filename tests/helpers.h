/* helpers.h: what the cmocka tests share: temporary index directories and
 * the paths of the corpus and of ../shared/.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_TEST_HELPERS_H
#define EVS_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <cmocka.h>

#include "evsearch.h"

/* A new empty directory under $TMPDIR (or /tmp); free with th_rmrf. */
char *th_tmpdir(void);

/* Removes path and everything below it, then frees it. */
void th_rmrf(char *path);

/* SOURCE_DIR/rel as a malloc'ed path. */
char *th_source_path(const char *rel);

/* ../shared/rel as a malloc'ed path, or NULL when ../shared/ is absent
 * (a clone elsewhere): the caller then calls skip(). */
char *th_shared_path(const char *rel);

/* Creates an index in dir and adds the JSON Lines files (NULL-terminated
 * list); asserts that every record was added. Returns the open writer
 * closed, i.e. nothing: the index is committed. */
void th_build_index(const char *dir, const char *const *files,
                    evs_add_stats *stats);

/* Writes the JSON Lines text events to DIR/events.jsonl in a new
 * temporary directory (*dir_out, free with th_rmrf), indexes it in
 * DIR/index and opens that read-only. */
evs_index *th_index_jsonl(const char *events, char **dir_out);

/* Indexes the shared schedules named (NULL-terminated: "fosdem-2025" for
 * ../shared/data/events/fosdem-2025.jsonl) in a new temporary directory
 * (*dir_out, free with th_rmrf) and opens it read-only; skips the test
 * (cmocka's skip()) when ../shared/ is absent. */
evs_index *th_index_schedules(const char *const *names, char **dir_out);

/* The total of a search for q with EVS_SEARCH_NO_FACETS | flags. */
uint64_t th_total(evs_index *idx, const char *q, unsigned flags);

/* Opens dir for writing, creating the index, asserting success. */
evs_index *th_open_writer(const char *dir);

/* Opens dir read-only, asserting success. */
evs_index *th_open(const char *dir);

/* Searches with opts (may be NULL) and asserts success. */
evs_results *th_search(evs_index *idx, const char *query,
                       const evs_search_options *opts);

/* The ids of the hits of res, best first, space-separated, into out (cut
 * at cap). */
void th_hit_ids(const evs_results *res, char *out, size_t cap);

/* Index of the hit with this id in res, or -1. */
int th_hit_rank(const evs_results *res, const char *id);

/* A group fixture: the corpus (corpus/events.jsonl, 8 events) indexed in
 * a temporary directory and opened read-only. th_corpus_setup checks that
 * all 8 were added; use both as cmocka group setup and teardown, and
 * reach the fixture as (th_corpus *)*state. */
typedef struct th_corpus {
	char *dir;
	evs_index *idx;
} th_corpus;

int th_corpus_setup(void **state);
int th_corpus_teardown(void **state);

/* The same fixture over the JSON Lines text events instead of the corpus
 * (th_index_jsonl: the index is DIR/index): a test file's group setup
 * returns th_jsonl_setup(state, its_events); th_corpus_teardown frees it. */
int th_jsonl_setup(void **state, const char *events);

/* A group or test fixture: a temporary directory with a new index in
 * dir/idx open for writing; reach it as (th_writer *)*state. */
typedef struct th_writer {
	char *dir;
	char *idx_dir;
	evs_index *idx;
} th_writer;

int th_writer_setup(void **state);
int th_writer_teardown(void **state);

/* Writes three JSON Lines records to f: "before", "giant" (a line of
 * line_len bytes, its description written in chunks so that it is never
 * whole in memory) and "after". Returns 0, or -1 when a write failed. */
int th_write_big_lines(FILE *f, size_t line_len);

/* Stemming without stem terms (lib/forms.h). th_write_forms writes
 * JSON Lines records to f: TH_FORMS_EVENTS of them in pairs, half holding
 * forms of "meet" ("meeting meetings", "meeting", "meets meet meeting",
 * "meets pad") in their description (in_title: their title), the other
 * half, "z..." ids, a word of one form ("zorbax") as often and in events
 * of the same length; and a few events of neither. th_check_forms
 * asserts that a search for any form (also with "title:" when in_title)
 * finds exactly the "meet" events, each weighing what its "zorbax" twin
 * weighs: the forms count as one term in as many events as hold any of
 * them. Returns 0, or -1 when a write failed. */
#define TH_FORMS_EVENTS 48
int th_write_forms(FILE *f, int in_title);
void th_check_forms(evs_index *idx, int in_title);

/* What a stream's report callback was told, in order: th_on_report
 * (evs_add_options.report, ctx a th_diag_log) keeps the first 64 and
 * counts the others as dropped. */
typedef struct th_diag {
	evs_severity severity;
	uint64_t line;
	char source[64];
	char message[600];
} th_diag;

typedef struct th_diag_log {
	th_diag d[64];
	size_t n;
	size_t dropped;
} th_diag_log;

void th_on_report(void *ctx, const evs_diag *diag);

/* Asserts diagnostic i: its severity, source, line and message (the
 * whole message when whole, else a part of it). */
void th_assert_diag(const th_diag_log *log, size_t i, evs_severity sev,
                    const char *source, uint64_t line, const char *want,
                    int whole);

/* Asserts the counts of an add. */
void th_assert_stats(const evs_add_stats *s, uint64_t read, uint64_t added,
                     uint64_t replaced, uint64_t skipped, uint64_t warnings);

/* Count of value in a facet, 0 when absent. */
uint64_t th_facet(const evs_results *res, evs_facet f, const char *value);

#endif
