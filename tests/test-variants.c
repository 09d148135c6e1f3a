/* test-variants.c: query words that meet their variants (issue 13):
 * acronym plurals both ways, on invented events with exact counts and on
 * the real schedules of ../shared/.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "query-dates.h"

typedef th_corpus fixture;

static const char events[] =
    "{\"id\": \"e1\", \"title\": \"Training LLMs on GPUs\", "
    "\"start\": \"2024-02-03T10:00:00\"}\n"
    "{\"id\": \"e2\", \"title\": \"One GPU is enough\", "
    "\"start\": \"2025-02-01T10:00:00\"}\n"
    "{\"id\": \"e3\", \"title\": \"An LLM in the browser\", "
    "\"start\": \"2025-02-02T10:00:00\"}\n"
    "{\"id\": \"e4\", \"title\": \"Running VMs and status pages\", "
    "\"start\": \"2026-01-31T10:00:00\"}\n"
    "{\"id\": \"e5\", \"title\": \"The status of the VM\", "
    "\"start\": \"2026-02-01T10:00:00\"}\n"
    "{\"id\": \"e6\", \"title\": \"Booting x86_64 with Node.js\", "
    "\"start\": \"2026-02-01T11:00:00\"}\n"
    "{\"id\": \"e7\", \"title\": \"x86-64 and nodejs\", "
    "\"start\": \"2026-02-01T12:00:00\"}\n"
    "{\"id\": \"e8\", \"title\": \"Die E-Mail-Adresse\", "
    "\"start\": \"2026-02-01T13:00:00\"}\n"
    "{\"id\": \"e9\", \"title\": \"Email for all\", "
    "\"start\": \"2026-02-01T14:00:00\"}\n";

static int setup(void **state)
{
	return th_jsonl_setup(state, events);
}

static void test_variants__acronym_plurals(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	/* Snowball leaves "gpus", "llms" and "vms" alone: each number finds
	 * both. */
	assert_int_equal(th_total(idx, "GPU", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "GPUs", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "gpus", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "LLM", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "LLMs", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "VMs", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "vm", EVS_SEARCH_EXACT), 2);
	/* "status" is no plural of "statu"; "title:" keeps the field. */
	assert_int_equal(th_total(idx, "status", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "title:gpus", EVS_SEARCH_EXACT), 2);
	/* A quoted word is as written. */
	assert_int_equal(th_total(idx, "\"gpus\"", EVS_SEARCH_EXACT), 1);
}

static void test_variants__joined_forms_meet(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	/* Joined, hyphenated, underscored and dotted forms of one word. */
	const char *x86[] = {"x86_64", "x86-64", "x8664", "X86_64"};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(th_total(idx, x86[i], EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "node.js", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "nodejs", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "node-js", EVS_SEARCH_EXACT), 2);
	/* Inside a longer compound too, both ways. */
	assert_int_equal(th_total(idx, "email", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "e-mail", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "mailadresse", EVS_SEARCH_EXACT), 1);
	assert_int_equal(th_total(idx, "emailadresse", EVS_SEARCH_EXACT), 1);
	assert_int_equal(th_total(idx, "e-mail-adresse", EVS_SEARCH_EXACT), 1);
	/* The parts still match alone and as a phrase. */
	assert_int_equal(th_total(idx, "x86", EVS_SEARCH_EXACT), 2);
	assert_int_equal(th_total(idx, "\"x86 64\"", EVS_SEARCH_EXACT), 2);
}

static const char *first(evs_index *idx, const char *q, uint64_t *n)
{
	static char id[64];
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = EVS_SEARCH_NO_FACETS | EVS_SEARCH_EXACT;
	evs_results *r = th_search(idx, q, &o);
	*n = evs_results_total(r);
	snprintf(id, sizeof id, "%s",
	         evs_results_count(r) ? evs_hit_id(r, 0) : "(none)");
	evs_results_free(r);
	return id;
}

static void test_variants__year_favours_its_events(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	uint64_t n = 0;
	/* "GPUs" is in the title of e1 (2024) only, but the event of 2025
	 * comes first; the year matches no word and filters nothing. */
	assert_string_equal(first(idx, "gpus 2025", &n), "e2");
	assert_int_equal(n, 2);
	assert_string_equal(first(idx, "gpus 2024", &n), "e1");
	assert_string_equal(first(idx, "llm 2024", &n), "e1");
	assert_string_equal(first(idx, "llm 2025", &n), "e3");
	assert_string_equal(first(idx, "status 2026", &n), "e4");
	/* Alone, or inside an operator, a year is a word. */
	assert_string_equal(first(idx, "2025", &n), "(none)");
	assert_int_equal(n, 0);
	assert_int_equal(th_total(idx, "gpus AND 2025", EVS_SEARCH_EXACT), 0);
}

static void test_variants__month_and_year(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	uint64_t n = 0;
	assert_int_equal(evs_query_dates__month("March", 5), 3);
	assert_int_equal(evs_query_dates__month("mar", 3), 3);
	assert_int_equal(evs_query_dates__month("sept", 4), 9);
	assert_int_equal(evs_query_dates__month("Sep", 3), 9);
	assert_int_equal(evs_query_dates__month("marc", 4), 0);
	assert_int_equal(evs_query_dates__month("ma", 2), 0);
	assert_int_equal(evs_query_dates__month("marches", 7), 0);
	/* e4 (31 Jan 2026) and e5 (1 Feb 2026) both have "status": the
	 * month decides, where the year alone cannot. */
	assert_string_equal(first(idx, "status february 2026", &n), "e5");
	assert_int_equal(n, 2);
	assert_string_equal(first(idx, "status feb 2026", &n), "e5");
	assert_string_equal(first(idx, "status january 2026", &n), "e4");
	assert_string_equal(first(idx, "status jan 2026", &n), "e4");
	/* How the query was read. */
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = EVS_SEARCH_NO_FACETS;
	evs_results *r = th_search(idx, "status feb 2026", &o);
	char *json = evs_results_json(r);
	assert_non_null(strstr(json, "\"query_year\": 2026,\n  \"query_month\": 2,"));
	evs_free(json);
	evs_results_free(r);
	/* A month name without a year after it is a word. */
	r = th_search(idx, "status feb", &o);
	json = evs_results_json(r);
	assert_non_null(strstr(json, "\"query_year\": null,"));
	assert_null(strstr(json, "query_month"));
	evs_free(json);
	evs_results_free(r);
}

static void test_variants__acronym_plurals_on_schedules(void **state)
{
	(void)state;
	const char *names[] = {"fosdem-2025", NULL};
	char *dir = NULL;
	evs_index *idx = th_index_schedules(names, &dir);
	const char *pairs[][2] = {{"GPU", "GPUs"},
	                          {"LLM", "LLMs"},
	                          {"VM", "VMs"},
	                          {"API", "APIs"}};
	for (size_t i = 0; i < 4; i++) {
		uint64_t one = th_total(idx, pairs[i][0], EVS_SEARCH_EXACT);
		assert_true(one > 0);
		assert_int_equal(one, th_total(idx, pairs[i][1], EVS_SEARCH_EXACT));
	}
	evs_index_close(idx);
	th_rmrf(dir);
}

/* A surname typed alone: the talk of that speaker before one whose title
 * mentions the name (query.c, people_boost). */
static void test_variants__surname_means_the_speaker(void **state)
{
	(void)state;
	char *dir = NULL;
	evs_index *idx = th_index_jsonl(
	    "{\"id\": \"a\", \"title\": \"Why Lovelace still matters\", "
	    "\"description\": \"On the notes of Lovelace.\", \"start\": "
	    "\"2025-02-01T10:00:00\"}\n"
	    "{\"id\": \"b\", \"title\": \"Rust in the kernel\", "
	    "\"participants\": [\"Ada Lovelace\"], \"start\": "
	    "\"2025-02-01T11:00:00\"}\n",
	    &dir);
	uint64_t n = 0;
	assert_string_equal(first(idx, "lovelace", &n), "b");
	assert_int_equal(n, 2);
	/* A title word that is nobody's name is unchanged. */
	assert_string_equal(first(idx, "matters", &n), "a");
	evs_index_close(idx);
	th_rmrf(dir);
}

/* On the real schedules, every form of x86-64 and Node.js finds the same
 * events (before, "x86_64" found 18 and "x86-64" 2 of all three). */
static void test_variants__joined_forms_on_schedules(void **state)
{
	(void)state;
	const char *names[] = {"fosdem-2024", "fosdem-2025", "fosdem-2026",
	                       NULL};
	char *dir = NULL;
	evs_index *idx = th_index_schedules(names, &dir);
	assert_int_equal(th_total(idx, "x86_64", EVS_SEARCH_EXACT), 19);
	assert_int_equal(th_total(idx, "x86-64", EVS_SEARCH_EXACT), 19);
	assert_int_equal(th_total(idx, "x8664", EVS_SEARCH_EXACT), 19);
	assert_int_equal(th_total(idx, "node.js", EVS_SEARCH_EXACT), 9);
	assert_int_equal(th_total(idx, "nodejs", EVS_SEARCH_EXACT), 9);
	assert_int_equal(th_total(idx, "email", EVS_SEARCH_EXACT), th_total(idx, "e-mail", EVS_SEARCH_EXACT));
	evs_index_close(idx);
	th_rmrf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_variants__acronym_plurals),
	    cmocka_unit_test(test_variants__joined_forms_meet),
	    cmocka_unit_test(test_variants__joined_forms_on_schedules),
	    cmocka_unit_test(test_variants__acronym_plurals_on_schedules),
	    cmocka_unit_test(test_variants__year_favours_its_events),
	    cmocka_unit_test(test_variants__month_and_year),
	    cmocka_unit_test(test_variants__surname_means_the_speaker),
	};
	return cmocka_run_group_tests(tests, setup, th_corpus_teardown);
}
