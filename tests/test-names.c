/* test-names.c: organiser names corrected as words are (issue 13): the
 * edit distance, the closest names, and evs_search() with an organiser
 * one letter off, or equally close to two.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "names.h"

typedef th_corpus fixture;

static const char events[] =
    "{\"id\": \"e1\", \"title\": \"One\", \"organisers\": [\"EU Cyber "
    "Direct\"], \"start\": \"2025-02-01T10:00:00\"}\n"
    "{\"id\": \"e2\", \"title\": \"Two\", \"organisers\": [\"EU Cyber "
    "Direct\", \"Chatham House\"], \"start\": \"2025-02-02T10:00:00\"}\n"
    "{\"id\": \"e3\", \"title\": \"Three\", \"organisers\": [\"Rust "
    "devroom\"], \"start\": \"2025-02-03T10:00:00\"}\n"
    "{\"id\": \"e4\", \"title\": \"Four\", \"organisers\": [\"Ruby "
    "devroom\"], \"start\": \"2025-02-04T10:00:00\"}\n";

static int setup(void **state)
{
	return th_jsonl_setup(state, events);
}

static void test_names__distance(void **state)
{
	(void)state;
	assert_int_equal(evs_names__distance("drect", 5, "direct", 6, 3), 1);
	assert_int_equal(evs_names__distance("direct", 6, "drect", 5, 3), 1);
	assert_int_equal(evs_names__distance("dierct", 6, "direct", 6, 3), 1);
	assert_int_equal(evs_names__distance("kitten", 6, "sitting", 7, 3), 3);
	assert_int_equal(evs_names__distance("abc", 3, "abc", 3, 0), 0);
	/* Over max: max + 1, whatever the real distance. */
	assert_int_equal(evs_names__distance("kitten", 6, "sitting", 7, 2), 3);
	assert_int_equal(evs_names__distance("a", 1, "abcdef", 6, 2), 3);
}

static void test_names__closest(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	evs_names c;
	const char *n = "rus devroom";
	assert_int_equal(evs_names__closest(idx, "XOE", n, strlen(n), &c),
	                 EVS_OK);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.name[0], "rust devroom");
	assert_int_equal(c.dist[0], 1);
	assert_string_equal(c.name[1], "ruby devroom");
	assert_int_equal(c.dist[1], 2);
	evs_names__dispose(&c);
}

static evs_status search_org(evs_index *idx, const char *org, unsigned flags,
                             evs_results **out)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	const char *orgs[] = {org};
	o.flags = EVS_SEARCH_NO_FACETS | flags;
	o.organisers = orgs;
	o.n_organisers = 1;
	return evs_search(out, idx, NULL, &o);
}

static void test_names__organiser_filter(void **state)
{
	evs_index *idx = ((fixture *)*state)->idx;
	evs_results *r = NULL;
	/* One letter off: read as the one it means. */
	assert_int_equal(search_org(idx, "EU Cyber Drect", 0, &r), EVS_OK);
	assert_int_equal(evs_results_total(r), 2);
	assert_string_equal(evs_results_organiser_meant(r, 0), "eu cyber direct");
	assert_null(evs_results_organiser_meant(r, 1));
	char *json = evs_results_json(r);
	assert_non_null(strstr(json, "\"organisers_meant\": [\n      \"eu cyber "
	                             "direct\"\n    ]"));
	evs_free(json);
	evs_results_free(r);
	/* As given: nothing to say, and no key in the JSON. */
	assert_int_equal(search_org(idx, "eu cyber-direct", 0, &r), EVS_OK);
	assert_int_equal(evs_results_total(r), 2);
	assert_null(evs_results_organiser_meant(r, 0));
	json = evs_results_json(r);
	assert_null(strstr(json, "organisers_meant"));
	evs_free(json);
	evs_results_free(r);
	/* --exact: as typed. */
	assert_int_equal(search_org(idx, "EU Cyber Drect", EVS_SEARCH_EXACT, &r),
	                 EVS_OK);
	assert_int_equal(evs_results_total(r), 0);
	assert_null(evs_results_organiser_meant(r, 0));
	evs_results_free(r);
	/* Equally close to two: an error that lists them. */
	assert_int_equal(search_org(idx, "Rubt devroom", 0, &r), EVS_E_INVALID);
	assert_null(r);
	assert_string_equal(evs_errmsg(idx),
	                    "organiser \"Rubt devroom\" matches no event; the "
	                    "closest: \"ruby devroom\", \"rust devroom\"");
	/* Far from every name: no events, as before. */
	assert_int_equal(search_org(idx, "Go devroom", 0, &r), EVS_OK);
	assert_int_equal(evs_results_total(r), 0);
	evs_results_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names__distance),
	    cmocka_unit_test(test_names__closest),
	    cmocka_unit_test(test_names__organiser_filter),
	};
	return cmocka_run_group_tests(tests, setup, th_corpus_teardown);
}
