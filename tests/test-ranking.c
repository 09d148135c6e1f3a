/* test-ranking.c: stopwords, proximity and feedback (lib/ranking.c), with
 * exact values.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "handle.h"
#include "ranking.h"

static void add_records(const char *dir, const char *const *recs)
{
	evs_index *w = th_open_writer(dir);
	for (size_t i = 0; recs[i]; i++)
		assert_int_equal(evs_index_add_json(w, recs[i], strlen(recs[i]), NULL),
		                 EVS_OK);
	assert_int_equal(evs_index_close(w), EVS_OK);
}

static void test_ranking__stopword_table(void **state)
{
	(void)state;
	for (size_t i = 1; i < evs_ranking__nstopwords; i++)
		if (strcmp(evs_ranking__stopwords[i - 1], evs_ranking__stopwords[i]) >=
		    0)
			fail_msg("not sorted or repeated: \"%s\", \"%s\"",
			         evs_ranking__stopwords[i - 1], evs_ranking__stopwords[i]);
	for (size_t i = 0; i < evs_ranking__nstopwords; i++)
		for (const char *c = evs_ranking__stopwords[i]; *c; c++)
			if (*c < 'a' || *c > 'z')
				fail_msg("\"%s\" is not as the normaliser leaves words",
				         evs_ranking__stopwords[i]);
	static const char *const yes[] = {"the", "a",    "who",  "und", "uber",
	                                  "les", "etre", "zijn", "het", "zwischen"};
	static const char *const no[] = {"die",  "war",  "man", "son",  "door",
	                                 "want", "van",  "can", "may",  "will",
	                                 "ai",   "rust", "",    "them!"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_true(evs_ranking__stopword(yes[i], strlen(yes[i])));
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_false(evs_ranking__stopword(no[i], strlen(no[i])));
}

static const char *const BAND[] =
    {"{\"id\": \"r1\", \"title\": \"The Who\", \"description\": \"a concert "
     "of the band\", \"start\": \"2024-01-01\"}",
     "{\"id\": \"r2\", \"title\": \"The rust compiler\", \"description\": "
     "\"how it works\", \"start\": \"2024-01-02\"}",
     "{\"id\": \"r3\", \"title\": \"Compilers\", \"description\": \"to be "
     "or not to be: a compiler talk\", \"start\": \"2024-01-03\"}",
     "{\"id\": \"r4\", \"title\": \"Gardening\", \"description\": \"roses "
     "and tulips\", \"start\": \"2024-01-04\"}",
     NULL};

/* A stopword is left out of a query that has other words: "the compiler"
 * finds what "compiler" finds (not r1, which has only "the"), to the same
 * weights, except that an event with every word, the stopword too, ranks
 * first (the AND of every word keeps it: known-item search by title). */
static void test_ranking__stopwords_left_out(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	add_records(dir, BAND);
	evs_index *idx = th_open(dir);
	evs_results *a = th_search(idx, "the compiler", NULL);
	evs_results *b = th_search(idx, "compiler", NULL);
	char ga[64], gb[64];
	th_hit_ids(a, ga, sizeof ga);
	th_hit_ids(b, gb, sizeof gb);
	assert_string_equal(ga, "r2 r3");
	assert_string_equal(gb, "r3 r2");
	assert_int_equal(evs_results_total(a), 2);
	assert_true(evs_hit_score(a, 1) == evs_hit_score(b, 0));
	assert_true(evs_hit_score(a, 0) > 1000 * evs_hit_score(b, 1));
	evs_results_free(a);
	evs_results_free(b);
	/* Stopwords alone are what a query searches for. */
	static const struct {
		const char *query;
		const char *ids;
	} cases[] = {
	    {"The Who", "r1 r2"},         /* the two with "the" or "who" */
	    {"to be or not to be", "r3"}, /* only r3 has these words */
	    {"+the compiler", "r2 r1"},   /* required: kept */
	    {"\"the rust compiler\"", "r2"},
	    {"\"the compiler\"", ""}, /* a phrase keeps its stopwords */
	    {"who -the", ""},         /* an excluded stopword is kept */
	    {"the -compiler", "r1"},  /* nothing else to search for */
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		evs_results *r = th_search(idx, cases[c].query, NULL);
		char got[64];
		th_hit_ids(r, got, sizeof got);
		if (strcmp(got, cases[c].ids) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[c].query, got,
			         cases[c].ids);
		evs_results_free(r);
	}
	evs_index_close(idx);
	th_rmrf(dir);
}

/* With a proximity weight, two query words close together rank above the
 * same words far apart; the words' own weights are unchanged. */
static void test_ranking__near_boost(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	const char *recs[] =
	    {"{\"id\": \"far\", \"title\": \"x\", \"description\": \"alpha one "
	     "two three four five six seven eight nine ten beta\", \"start\": "
	     "\"2024-01-01\"}",
	     "{\"id\": \"near\", \"title\": \"x\", \"description\": \"one two "
	     "three four five six seven eight nine ten alpha beta\", \"start\": "
	     "\"2024-01-02\"}",
	     NULL};
	add_records(dir, recs);
	evs_index *idx = th_open(dir);
	evs_ranking r;
	char err[128];
	assert_int_equal(evs_ranking__parse(&r, "near=0", err, sizeof err), 0);
	evs_ranking__set(idx, &r);
	evs_results *plain = th_search(idx, "alpha beta", NULL);
	assert_int_equal(evs_results_count(plain), 2);
	assert_true(evs_hit_score(plain, 0) == evs_hit_score(plain, 1));
	assert_int_equal(evs_ranking__parse(&r, "near=0.5 window=4", err,
	                                    sizeof err),
	                 0);
	evs_ranking__set(idx, &r);
	evs_results *near = th_search(idx, "alpha beta", NULL);
	assert_int_equal(evs_results_count(near), 2);
	assert_string_equal(evs_hit_id(near, 0), "near");
	assert_true(evs_hit_score(near, 1) == evs_hit_score(plain, 1));
	/* near = the words' weight (every-word branch included) + half the
	 * words' weight again. */
	double words = evs_hit_score(plain, 0) / (1 + 1000.0);
	assert_true(fabs(evs_hit_score(near, 0) -
	                 (evs_hit_score(plain, 0) + 0.5 * words)) < 1e-9);
	assert_int_equal(evs_ranking__parse(&r, "near=x", err, sizeof err), -1);
	assert_string_equal(err, "\"near=x\": unknown setting or bad value");
	evs_results_free(plain);
	evs_results_free(near);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* A query of two words or more whose words are all in a title ranks
 * that event before one that only says them more often (ranking.c,
 * evs_ranking__title_all); one word alone is left to BM25. */
static void test_ranking__title_has_every_word(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	const char *recs[] =
	    {"{\"id\": \"titled\", \"title\": \"Rust memory safety\", "
	     "\"description\": \"A talk about how the borrow checker keeps "
	     "programs from reading freed buffers, with many examples taken from "
	     "real projects and their bug trackers\", \"start\": "
	     "\"2024-01-01\"}",
	     "{\"id\": \"mention\", \"title\": \"Systems news\", "
	     "\"description\": \"rust memory safety: rust rust memory memory "
	     "safety safety rust memory safety\", \"start\": \"2024-01-02\"}",
	     NULL};
	add_records(dir, recs);
	evs_index *idx = th_open(dir);
	evs_ranking r;
	char err[128];
	assert_int_equal(evs_ranking__parse(&r, "titleall=0", err, sizeof err),
	                 0);
	evs_ranking__set(idx, &r);
	evs_results *plain = th_search(idx, "rust memory safety", NULL);
	assert_int_equal(evs_results_count(plain), 2);
	assert_string_equal(evs_hit_id(plain, 0), "mention");
	evs_ranking__set(idx, NULL); /* the defaults */
	assert_true(EVS_TITLE_ALL_BOOST > 0);
	evs_results *boosted = th_search(idx, "rust memory safety", NULL);
	assert_int_equal(evs_results_count(boosted), 2);
	assert_string_equal(evs_hit_id(boosted, 0), "titled");
	/* Only the event whose title has every word weighs more. */
	assert_true(evs_hit_score(boosted, 1) == evs_hit_score(plain, 0));
	assert_true(evs_hit_score(boosted, 0) > evs_hit_score(plain, 1));
	/* Not every word in the title: no boost. */
	evs_results *part = th_search(idx, "rust borrow", NULL);
	evs_ranking__set(idx, &r);
	evs_results *part0 = th_search(idx, "rust borrow", NULL);
	assert_true(evs_hit_score(part, 0) == evs_hit_score(part0, 0));
	evs_results_free(plain);
	evs_results_free(boosted);
	evs_results_free(part);
	evs_results_free(part0);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* Feedback (the default) reorders the matches of a query of four words
 * or more and finds no others; a shorter query keeps its own order. */
static void test_ranking__expand_on_fosdem(void **state)
{
	(void)state;
	char *file = th_shared_path("data/events/fosdem-2026.jsonl");
	if (!file)
		skip();
	char *dir = th_tmpdir();
	const char *files[] = {file, NULL};
	th_build_index(dir, files, NULL);
	evs_index *idx = th_open(dir);
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = EVS_SEARCH_NO_FACETS | EVS_SEARCH_NO_EXPAND;
	o.limit = 50;
	const char *longq = "memory safety in the kernel drivers";
	evs_results *a = th_search(idx, longq, &o);
	evs_results *s0 = th_search(idx, "memory safety", &o);
	o.flags &= ~EVS_SEARCH_NO_EXPAND;
	evs_results *b = th_search(idx, longq, &o);
	evs_results *s1 = th_search(idx, "memory safety", &o);
	assert_int_equal(evs_results_total(a), evs_results_total(b));
	assert_true(evs_results_total(a) > 50);
	/* Every hit weighs at least what it did (feedback only adds). */
	size_t moved = 0;
	for (size_t i = 0; i < evs_results_count(b); i++) {
		int j = th_hit_rank(a, evs_hit_id(b, i));
		moved += j != (int)i;
		if (j >= 0)
			assert_true(evs_hit_score(b, i) >= evs_hit_score(a, j));
	}
	assert_true(moved > 0);
	/* Two words: no feedback, the same hits and weights. */
	char ids0[4096], ids1[4096];
	th_hit_ids(s0, ids0, sizeof ids0);
	th_hit_ids(s1, ids1, sizeof ids1);
	assert_string_equal(ids0, ids1);
	assert_true(evs_results_count(s0) > 10);
	for (size_t i = 0; i < evs_results_count(s0); i++)
		assert_true(evs_hit_score(s0, i) == evs_hit_score(s1, i));
	evs_results_free(a);
	evs_results_free(b);
	evs_results_free(s0);
	evs_results_free(s1);
	evs_index_close(idx);
	th_rmrf(dir);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ranking__stopword_table),
	    cmocka_unit_test(test_ranking__stopwords_left_out),
	    cmocka_unit_test(test_ranking__near_boost),
	    cmocka_unit_test(test_ranking__title_has_every_word),
	    cmocka_unit_test(test_ranking__expand_on_fosdem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
