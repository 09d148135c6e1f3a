/* test-synonyms.c: the operator's synonym rules (issue 13): the file
 * format and its errors, the built-in set, the index directory's file,
 * evs_index_set_synonyms(), and counts on the real schedules.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "synonyms.h"

typedef th_corpus fixture;

static const char events[] =
    "{\"id\": \"e1\", \"title\": \"Tuning PostgreSQL\", "
    "\"start\": \"2025-02-01T10:00:00\"}\n"
    "{\"id\": \"e2\", \"title\": \"Postgres at scale\", "
    "\"start\": \"2025-02-01T11:00:00\"}\n"
    "{\"id\": \"e3\", \"title\": \"The United Nations and open source\", "
    "\"start\": \"2025-02-01T12:00:00\"}\n"
    "{\"id\": \"e4\", \"title\": \"Talks at the UN\", "
    "\"start\": \"2025-02-01T13:00:00\"}\n"
    "{\"id\": \"e5\", \"title\": \"United we stand, nations fall\", "
    "\"start\": \"2025-02-01T14:00:00\"}\n"
    "{\"id\": \"e6\", \"title\": \"Widgets and gadgets\", "
    "\"start\": \"2025-02-01T15:00:00\"}\n";

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
	return th_jsonl_setup(state, events);
}

static void test_synonyms__parse_and_find(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	evs_synonyms *s = NULL;
	const char text[] = "# comment\n"
	                    "\n"
	                    "  UN = United  Nations\n"
	                    "postgres = PostgreSQL = pgsql\n"
	                    "pg = postgres\n";
	assert_int_equal(evs_synonyms__parse(idx, &s, "t", text, strlen(text)),
	                 EVS_OK);
	assert_int_equal(evs_synonyms__max_words(s), 2);
	const char *out[8];
	assert_int_equal(evs_synonyms__find(s, "un", out, 8), 1);
	assert_string_equal(out[0], "united nations");
	assert_int_equal(evs_synonyms__find(s, "united nations", out, 8), 1);
	assert_string_equal(out[0], "un");
	/* Two rules have "postgres": the other sides of both, once each. */
	size_t n = evs_synonyms__find(s, "postgres", out, 8);
	assert_int_equal(n, 3);
	assert_string_equal(out[0], "postgresql");
	assert_string_equal(out[1], "pgsql");
	assert_string_equal(out[2], "pg");
	assert_int_equal(evs_synonyms__find(s, "united", out, 8), 0);
	assert_int_equal(evs_synonyms__find(s, "zzz", out, 8), 0);
	evs_synonyms__free(s);
}

static void test_synonyms__bad_rules(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	const char *bad[][2] = {
	    {"a = b\njust words\n",
	     "f:2: a rule is 2 to 16 sides joined by \"=\", as in \"postgres = "
	     "postgresql\""},
	    {"a = \n", "f:1: side 2 of the rule has no words (1 to 8)"},
	    {"= b\n", "f:1: side 1 of the rule has no words (1 to 8)"},
	    {"a b c d e f g h i = j\n",
	     "f:1: side 1 of the rule has too many words (1 to 8)"},
	};
	for (size_t i = 0; i < 4; i++) {
		evs_synonyms *s = NULL;
		assert_int_equal(
		    evs_synonyms__parse(idx, &s, "f", bad[i][0], strlen(bad[i][0])),
		    EVS_E_INVALID);
		assert_string_equal(evs_errmsg(idx), bad[i][1]);
		evs_synonyms__free(s);
	}
}

static void test_synonyms__built_in(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	/* postgres = postgresql, both ways; --exact as typed. */
	assert_int_equal(th_total(idx, "postgres", 0), 2);
	assert_int_equal(th_total(idx, "postgresql", 0), 2);
	assert_int_equal(th_total(idx, "postgres", EVS_SEARCH_EXACT), 1);
	/* UN = United Nations: the two words typed are that phrase. */
	assert_int_equal(th_total(idx, "UN", 0), 2);
	assert_int_equal(th_total(idx, "united nations", 0), 2);
	assert_int_equal(th_total(idx, "united nations", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "un", EVS_SEARCH_EXACT), 1);
	/* In a field, excluded, and beside an operator. */
	assert_int_equal(th_total(idx, "title:postgres", 0), 2);
	assert_int_equal(th_total(idx, "talks -postgres", 0), 1);
	assert_int_equal(th_total(idx, "tuning AND postgres", 0), 1);
	/* Not inside a quoted phrase, nor across an operator. */
	assert_int_equal(th_total(idx, "\"postgres\"", 0), 1);
	assert_int_equal(th_total(idx, "united OR nations", 0), 2);
}

static void test_synonyms__operator_file(void **state)
{
	fixture *f = *state;
	char index[4200], path[4300], own[4200];
	snprintf(index, sizeof index, "%s/index", f->dir);
	snprintf(path, sizeof path, "%s/" EVS_SYNONYMS_FILE, index);
	write_file(path, "widgets = gizmos\n");
	/* Read at the first search of a handle, no rebuild. */
	evs_index *idx = th_open(index);
	assert_int_equal(th_total(idx, "gizmos", 0), 1);
	assert_int_equal(th_total(idx, "postgres", 0), 2);
	/* Another file in its place, without the built-in rules. */
	snprintf(own, sizeof own, "%s/mine.txt", f->dir);
	write_file(own, "gadgets = doohickeys\n");
	assert_int_equal(
	    evs_index_set_synonyms(idx, own, EVS_SYNONYMS_NO_DEFAULTS), EVS_OK);
	assert_int_equal(th_total(idx, "gizmos", 0), 0);
	assert_int_equal(th_total(idx, "doohickeys", 0), 1);
	assert_int_equal(th_total(idx, "postgres", 0), 1);
	/* A bad file is refused with its line; a missing one too. */
	write_file(own, "gadgets doohickeys\n");
	assert_int_equal(evs_index_set_synonyms(idx, own, 0), EVS_E_INVALID);
	char want[4400];
	snprintf(want, sizeof want,
	         "%s:1: a rule is 2 to 16 sides joined by \"=\", as in "
	         "\"postgres = postgresql\"",
	         own);
	assert_string_equal(evs_errmsg(idx), want);
	strcat(own, ".missing");
	assert_int_equal(evs_index_set_synonyms(idx, own, 0), EVS_E_IO);
	/* Back to the index directory's file, changed: reread. */
	write_file(path, "widgets = thingamajigs\n");
	assert_int_equal(evs_index_set_synonyms(idx, NULL, 0), EVS_OK);
	assert_int_equal(th_total(idx, "thingamajigs", 0), 1);
	assert_int_equal(th_total(idx, "gizmos", 0), 0);
	evs_index_close(idx);
	remove(path);
}

/* On the real schedules: both names of PostgreSQL find the same events
 * (without synonyms: 20 and 47 of all three schedules). */
static void test_synonyms__on_schedules(void **state)
{
	(void)state;
	const char *names[] = {"fosdem-2025", NULL};
	char *dir = NULL;
	evs_index *idx = th_index_schedules(names, &dir);
	uint64_t both = th_total(idx, "postgres", 0);
	assert_true(both > th_total(idx, "postgres", EVS_SEARCH_EXACT));
	assert_true(both >= th_total(idx, "postgresql", EVS_SEARCH_EXACT));
	assert_int_equal(both, th_total(idx, "postgresql", 0));
	assert_int_equal(th_total(idx, "k8s", 0), th_total(idx, "kubernetes", 0));
	evs_index_close(idx);
	th_rmrf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_synonyms__parse_and_find),
	    cmocka_unit_test(test_synonyms__bad_rules),
	    cmocka_unit_test(test_synonyms__built_in),
	    cmocka_unit_test(test_synonyms__operator_file),
	    cmocka_unit_test(test_synonyms__on_schedules),
	};
	return cmocka_run_group_tests(tests, setup, th_corpus_teardown);
}
