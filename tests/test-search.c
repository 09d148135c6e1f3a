/* test-search.c: searching the corpus through the public API: what issue
 * "Index and search events" must show, with exact values.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define EU_DIALOGUE "2022-05-25-eu-multistakeholder-dialogue-cybercrime-treaty"
#define CHATHAM                                                                \
	"2021-11-10-inclusive-cybercrime-policymaking-europe-regional-"            \
	"consultation"
#define LETS_TALK                                                              \
	"2021-11-03-responsible-state-behaviour-cyberspace-united-nations"
#define CCPCJ                                                                  \
	"2022-05-16-ccpcj31-un-commission-crime-prevention-criminal-justice"
#define AD_HOC "2022-02-28-un-ad-hoc-committee-cybercrime-first-session"
#define STIMSON "2023-09-26-un-cybercrime-treaty-is-it-a-crime"
#define ROUNDTABLE                                                             \
	"2021-10-06-roundtable-implementing-digital-transformation-cyber-"         \
	"cooperation"
#define OSCE "2021-09-07-osce-technical-briefing-capacity-building-cybercrime"

typedef th_corpus fixture;

static void test_search__multistakeholder_consultation(void **state)
{
	fixture *f = *state;
	evs_results *r = th_search(f->idx, "multistakeholder consultation", NULL);
	assert_int_equal(evs_results_total(r), 4);
	assert_string_equal(evs_hit_id(r, 0), EU_DIALOGUE);
	assert_true(th_hit_rank(r, CHATHAM) > 0);
	assert_true(th_hit_rank(r, LETS_TALK) > 0);
	assert_true(th_hit_rank(r, ROUNDTABLE) > 0);
	/* Each matching event counts once under each of its organisers. */
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "EU Cyber Direct"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "Chatham House"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "Let's Talk Cyber"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "European Commission"),
	                 1);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "OSCE"), 0);
	assert_int_equal(evs_facet_count(r, EVS_FACET_ORGANISER), 9);
	/* Most frequent first. */
	assert_string_equal(evs_facet_value(r, EVS_FACET_ORGANISER, 0, NULL),
	                    "EU Cyber Direct");
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2022"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2021"), 3);
	assert_int_equal(th_facet(r, EVS_FACET_MONTH, "2021-11"), 2);
	evs_results_free(r);
}

static void test_search__compound_both_ways(void **state)
{
	fixture *f = *state;
	evs_results *a = th_search(f->idx, "multistakeholder", NULL);
	evs_results *b = th_search(f->idx, "multi-stakeholder", NULL);
	assert_int_equal(evs_results_total(a), 3);
	assert_int_equal(evs_results_total(b), 3);
	for (size_t i = 0; i < 3; i++)
		assert_true(th_hit_rank(b, evs_hit_id(a, i)) >= 0);
	assert_true(th_hit_rank(a, EU_DIALOGUE) >= 0); /* written with '-' */
	assert_true(th_hit_rank(b, LETS_TALK) >= 0);   /* written without */
	evs_results_free(a);
	evs_results_free(b);
	/* "Ad-Hoc" in a title, "Ad Hoc" in the text. */
	a = th_search(f->idx, "adhoc", NULL);
	assert_int_equal(evs_results_total(a), 1);
	assert_string_equal(evs_hit_id(a, 0), AD_HOC);
	evs_results_free(a);
	a = th_search(f->idx, "\"ad hoc committee\"", NULL);
	assert_int_equal(evs_results_total(a), 1);
	evs_results_free(a);
}

static void test_search__listing_newest_first(void **state)
{
	fixture *f = *state;
	evs_results *r = th_search(f->idx, NULL, NULL);
	assert_int_equal(evs_results_total(r), 8);
	assert_int_equal(evs_results_count(r), 8);
	const char *want[] = {STIMSON, EU_DIALOGUE, CCPCJ,      AD_HOC,
	                      CHATHAM, LETS_TALK,   ROUNDTABLE, OSCE};
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(evs_hit_id(r, i), want[i]);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2023"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2022"), 3);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2021"), 4);
	/* Chronological. */
	assert_string_equal(evs_facet_value(r, EVS_FACET_YEAR, 0, NULL), "2021");
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "cybercrime"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "EU Cyber Direct"), 2);
	evs_results_free(r);
}

static void test_search__organiser_filter(void **state)
{
	fixture *f = *state;
	const char *org[] = {"EU Cyber Direct"};
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.organisers = org;
	o.n_organisers = 1;
	evs_results *r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 2);
	assert_string_equal(evs_hit_id(r, 0), EU_DIALOGUE);
	assert_string_equal(evs_hit_id(r, 1), CHATHAM);
	evs_results_free(r);
	/* Exact after normalisation: case and spacing do not matter... */
	const char *org2[] = {"eu  CYBER direct"};
	o.organisers = org2;
	r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 2);
	evs_results_free(r);
	/* ...but a part of the name is not the name. */
	const char *org3[] = {"EU Cyber"};
	o.organisers = org3;
	r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 0);
	evs_results_free(r);
	/* Values of one kind OR together; kinds AND. */
	const char *two[] = {"Chatham House", "OSCE"};
	o.organisers = two;
	o.n_organisers = 2;
	r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 2);
	evs_results_free(r);
	const char *tag[] = {"cybercrime"};
	o.tags = tag;
	o.n_tags = 1;
	r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 0);
	evs_results_free(r);
	o.organisers = NULL;
	o.n_organisers = 0;
	r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), CCPCJ);
	evs_results_free(r);
}

static void test_search__organiser_words_in_query(void **state)
{
	fixture *f = *state;
	evs_results *r = th_search(f->idx, "organiser:chatham", NULL);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), CHATHAM);
	evs_results_free(r);
	r = th_search(f->idx, "organiser:cyber", NULL);
	assert_int_equal(evs_results_total(r), 3); /* EU Cyber Direct x2, LTC */
	evs_results_free(r);
}

static void test_search__participants(void **state)
{
	fixture *f = *state;
	evs_results *r = th_search(f->idx, "participant:hakmeh", NULL);
	assert_int_equal(evs_results_total(r), 2);
	assert_true(th_hit_rank(r, CCPCJ) >= 0);
	assert_true(th_hit_rank(r, CHATHAM) >= 0);
	evs_results_free(r);
	/* Typed with accents the text does not have, or without those it has. */
	r = th_search(f->idx, "participant:S\xC3\xB8g\xC3\xB4\x63i\xC3\xB6", NULL);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), CCPCJ);
	evs_results_free(r);
	/* Names are free text too. */
	r = th_search(f->idx, "pawlak", NULL);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), CHATHAM);
	evs_results_free(r);
	/* A participant's name is a field of its own: "pawlak" is no title. */
	r = th_search(f->idx, "title:pawlak", NULL);
	assert_int_equal(evs_results_total(r), 0);
	evs_results_free(r);
}

static void test_search__date_overlap(void **state)
{
	fixture *f = *state;
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.from = "2022-03-01";
	o.to = "2022-03-05";
	evs_results *r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), AD_HOC);
	evs_results_free(r);
	/* A month, and a year: whole periods. */
	o.from = o.to = "2021-11";
	r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 2);
	evs_results_free(r);
	o.from = "2022";
	o.to = NULL;
	r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 4);
	evs_results_free(r);
	/* The last day of a multi-day event still overlaps. */
	o.from = "2022-05-20";
	o.to = "2022-05-20";
	r = th_search(f->idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), CCPCJ);
	evs_results_free(r);
}

static void test_search__sort_and_paging(void **state)
{
	fixture *f = *state;
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.sort = EVS_SORT_DATE;
	o.limit = 3;
	o.offset = 2;
	evs_results *r = th_search(f->idx, "cybercrime OR cyber", &o);
	assert_int_equal(evs_results_offset(r), 2);
	assert_int_equal(evs_results_count(r), 3);
	/* Oldest first: OSCE, roundtable, Let's Talk, Chatham, ad hoc, ... */
	assert_string_equal(evs_hit_id(r, 0), LETS_TALK);
	assert_string_equal(evs_hit_id(r, 1), CHATHAM);
	assert_string_equal(evs_hit_id(r, 2), AD_HOC);
	evs_results_free(r);
}

static void test_search__snippet_marks_matches(void **state)
{
	fixture *f = *state;
	evs_results *r = th_search(f->idx, "sogocio", NULL);
	assert_int_equal(evs_results_count(r), 1);
	char *s = evs_hit_snippet(r, 0, "[", "]");
	assert_non_null(s);
	assert_non_null(strstr(s, "Eric do Val Lacerda [Sogocio]"));
	assert_null(strstr(s, "[Eric]"));
	evs_free(s);
	evs_results_free(r);
	r = th_search(f->idx, "multistakeholder", NULL);
	s = evs_hit_snippet(r, th_hit_rank(r, EU_DIALOGUE), "<", ">");
	assert_non_null(strstr(s, "<multi-stakeholder>"));
	evs_free(s);
	evs_results_free(r);
}

static void test_search__json_document(void **state)
{
	fixture *f = *state;
	evs_results *r = th_search(f->idx, "treaty", NULL);
	char *doc = evs_results_json(r);
	assert_non_null(doc);
	assert_non_null(strstr(doc, "\"format_version\": 1,"));
	assert_non_null(strstr(doc, "\"query\": \"treaty\""));
	char total[32];
	snprintf(total, sizeof total, "\"total\": %llu,",
	         (unsigned long long)evs_results_total(r));
	assert_non_null(strstr(doc, total));
	assert_non_null(strstr(doc, "<mark>treaty</mark>"));
	assert_int_equal(doc[strlen(doc) - 1], '\n');
	evs_free(doc);
	evs_results_free(r);
}

/* An event without a description has no snippet: "" from the API and
 * null in the JSON document (the empty buffer must still be a string). */
static void test_search__no_description_no_snippet(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	evs_index *w = th_open_writer(dir);
	const char *rec = "{\"id\": \"bare\", \"title\": \"Bare event\", "
	                  "\"start\": \"2024-01-02\"}";
	assert_int_equal(evs_index_add_json(w, rec, strlen(rec), NULL), EVS_OK);
	assert_int_equal(evs_index_close(w), EVS_OK);
	evs_index *idx = th_open(dir);
	evs_results *r = th_search(idx, "bare", NULL);
	assert_int_equal(evs_results_count(r), 1);
	char *s = evs_hit_snippet(r, 0, "[", "]");
	assert_string_equal(s, "");
	evs_free(s);
	char *doc = evs_results_json(r);
	assert_non_null(strstr(doc, "\"snippet\": null"));
	evs_free(doc);
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* Values that normalise alike count together, shown in the spelling
 * counted most over every position. */
static void test_search__facet_spellings_merge(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	evs_index *w = th_open_writer(dir);
	for (int i = 0; i < 5; i++) {
		char rec[256];
		snprintf(rec, sizeof rec,
		         "{\"id\": \"e%d\", \"title\": \"Event\", \"start\": "
		         "\"2024-01-0%d\", \"organisers\": %s}",
		         i, i + 1, i < 3 ? "[\"X\", \"A B\"]" : "[\"a-b\"]");
		assert_int_equal(evs_index_add_json(w, rec, strlen(rec), NULL), EVS_OK);
	}
	assert_int_equal(evs_index_close(w), EVS_OK);
	evs_index *idx = th_open(dir);
	evs_results *r = th_search(idx, NULL, NULL);
	assert_int_equal(evs_facet_count(r, EVS_FACET_ORGANISER), 2);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "A B"), 5);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "X"), 3);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "a-b"), 0);
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* Adds the records (NULL-terminated) to the index in dir, creating it. */
static void add_records(const char *dir, const char *const *recs)
{
	evs_index *w = th_open_writer(dir);
	for (size_t i = 0; recs[i]; i++)
		assert_int_equal(evs_index_add_json(w, recs[i], strlen(recs[i]), NULL),
		                 EVS_OK);
	assert_int_equal(evs_index_close(w), EVS_OK);
}

/* Facet counts are exact: every match counts once under each of its
 * values, however many values it has and however few the others have, a
 * value given twice counts once, years are the months summed, and the
 * counts follow the filters, the facets asked for and a reopen after more
 * events (with more organisers than any before) were added. */
static void test_search__facets_exact(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	const char *first[] =
	    {"{\"id\": \"e2\", \"title\": \"alpha beta\", \"start\": "
	     "\"2020-07-15\", \"organisers\": [\"A\", \"A\"], \"tags\": [\"t1\", "
	     "\"T1\"]}",
	     "{\"id\": \"e3\", \"title\": \"beta\", \"start\": \"2021-01-01\", "
	     "\"organisers\": [\"B\"]}",
	     "{\"id\": \"e4\", \"title\": \"alpha\", \"start\": "
	     "\"2021-12-31T23:30:00-05:00\", \"tags\": [\"t2\"]}",
	     NULL};
	const char *second[] =
	    {"{\"id\": \"e1\", \"title\": \"alpha\", \"start\": \"2020-03-01\", "
	     "\"organisers\": [\"A\", \"B\", \"C\", \"D\", \"E\"], \"tags\": "
	     "[\"t1\", \"t2\"], \"topics\": [\"p1\"]}",
	     "{\"id\": \"e5\", \"title\": \"gamma\", \"start\": \"2022-06-01\", "
	     "\"organisers\": [\"C\", \"A\"]}",
	     NULL};
	add_records(dir, first);
	evs_index *idx = th_open(dir);
	evs_results *r = th_search(idx, NULL, NULL);
	assert_int_equal(evs_facet_count(r, EVS_FACET_ORGANISER), 2);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "A"), 1);
	evs_results_free(r);
	add_records(dir, second);
	assert_int_equal(evs_index_reopen(idx), EVS_OK);

	r = th_search(idx, NULL, NULL);
	assert_int_equal(evs_results_total(r), 5);
	assert_int_equal(evs_facet_count(r, EVS_FACET_ORGANISER), 5);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "A"), 3);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "B"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "C"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "D"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "E"), 1);
	assert_string_equal(evs_facet_value(r, EVS_FACET_ORGANISER, 0, NULL), "A");
	/* The local date counts: e4 is 2022 in UTC. */
	assert_int_equal(evs_facet_count(r, EVS_FACET_YEAR), 3);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2020"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2021"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2022"), 1);
	assert_int_equal(evs_facet_count(r, EVS_FACET_MONTH), 5);
	assert_int_equal(th_facet(r, EVS_FACET_MONTH, "2021-12"), 1);
	assert_int_equal(evs_facet_count(r, EVS_FACET_TAG), 2);
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "t1"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "t2"), 2);
	assert_int_equal(evs_facet_count(r, EVS_FACET_TOPIC), 1);
	assert_int_equal(th_facet(r, EVS_FACET_TOPIC, "p1"), 1);
	evs_results_free(r);

	/* A query: every match counts, not only the hits shown. */
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.limit = 1;
	r = th_search(idx, "alpha", &o);
	assert_int_equal(evs_results_total(r), 3);
	assert_int_equal(evs_results_count(r), 1);
	assert_int_equal(evs_facet_count(r, EVS_FACET_ORGANISER), 5);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "A"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "E"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2020"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2021"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2022"), 0);
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "t1"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "t2"), 2);
	evs_results_free(r);

	/* Filters. */
	const char *org[] = {"a"};
	o = (evs_search_options)EVS_SEARCH_OPTIONS_INIT;
	o.organisers = org;
	o.n_organisers = 1;
	r = th_search(idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 3);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "A"), 3);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "B"), 1);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "C"), 2);
	assert_int_equal(evs_facet_count(r, EVS_FACET_YEAR), 2);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2020"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2022"), 1);
	evs_results_free(r);
	o = (evs_search_options)EVS_SEARCH_OPTIONS_INIT;
	o.from = o.to = "2021";
	r = th_search(idx, "alpha OR beta", &o);
	assert_int_equal(evs_results_total(r), 2);
	assert_int_equal(evs_facet_count(r, EVS_FACET_ORGANISER), 1);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "B"), 1);
	assert_int_equal(evs_facet_count(r, EVS_FACET_YEAR), 1);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2021"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "t2"), 1);
	evs_results_free(r);

	/* Only the facets asked for are counted. */
	o = (evs_search_options)EVS_SEARCH_OPTIONS_INIT;
	o.facets =
	    EVS_FACET_BIT(EVS_FACET_ORGANISER) | EVS_FACET_BIT(EVS_FACET_YEAR);
	r = th_search(idx, NULL, &o);
	assert_int_equal(th_facet(r, EVS_FACET_ORGANISER, "A"), 3);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2020"), 2);
	assert_int_equal(evs_facet_count(r, EVS_FACET_MONTH), 0);
	assert_int_equal(evs_facet_count(r, EVS_FACET_TAG), 0);
	assert_int_equal(evs_facet_count(r, EVS_FACET_TOPIC), 0);
	evs_results_free(r);
	o.facets = EVS_FACET_BIT(EVS_FACET_MONTH);
	r = th_search(idx, NULL, &o);
	assert_int_equal(evs_facet_count(r, EVS_FACET_MONTH), 5);
	assert_int_equal(evs_facet_count(r, EVS_FACET_YEAR), 0);
	assert_int_equal(evs_facet_count(r, EVS_FACET_ORGANISER), 0);
	evs_results_free(r);
	o.facets = 0;
	o.flags = EVS_SEARCH_NO_FACETS;
	r = th_search(idx, NULL, &o);
	for (int f = 0; evs_facet_name((evs_facet)f); f++)
		assert_int_equal(evs_facet_count(r, (evs_facet)f), 0);
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* Hits that weigh the same are in id order, whatever order they were
 * added in and wherever the page starts: with few ties and with more than
 * the search keeps past the page. */
static void test_search__ties_in_id_order(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	evs_index *w = th_open_writer(dir);
	/* 150 events of one length, added out of id order (7 and 150 are
	 * coprime): "t000".."t019" titled "same rare", "u020".."u149" "same
	 * words"; "t000" has "same" in its description too. So for "same"
	 * and for "same rare", "t000" weighs most, then the other "t" events
	 * tie, then (for "same" tied with them) the "u" events: in id order,
	 * the event at place k is "t" or "u" and k. */
	for (int k = 0; k < 150; k++) {
		int i = k * 7 % 150;
		char rec[256];
		snprintf(rec, sizeof rec,
		         "{\"id\": \"%c%03d\", \"title\": \"same %s\", "
		         "\"description\": \"%s\", \"start\": \"2024-01-01\"}",
		         i < 20 ? 't' : 'u', i, i < 20 ? "rare" : "words",
		         i == 0 ? "same" : "other");
		assert_int_equal(evs_index_add_json(w, rec, strlen(rec), NULL), EVS_OK);
	}
	assert_int_equal(evs_index_close(w), EVS_OK);
	evs_index *idx = th_open(dir);
	static const struct {
		const char *query;
		size_t offset, limit;
	} cases[] = {{"same", 0, 10},      {"same", 3, 4},
	             {"same", 60, 10},     {"same", 140, 20},
	             {"same rare", 0, 10}, {"same rare", 3, 4},
	             {"same rare", 0, 20}, {"same rare", 15, 10},
	             {"same rare", 95, 50}};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
		o.offset = cases[c].offset;
		o.limit = cases[c].limit;
		evs_results *r = th_search(idx, cases[c].query, &o);
		assert_int_equal(evs_results_total(r), 150);
		size_t n = evs_results_count(r);
		size_t left = 150 - cases[c].offset;
		assert_int_equal(n, cases[c].limit < left ? cases[c].limit : left);
		for (size_t i = 0; i < n; i++) {
			size_t at = cases[c].offset + i;
			char want[32];
			snprintf(want, sizeof want, "%c%03zu", at < 20 ? 't' : 'u', at);
			assert_string_equal(evs_hit_id(r, i), want);
		}
		evs_results_free(r);
	}
	evs_index_close(idx);
	th_rmrf(dir);
}

/* A word finds every form of its stem, and the forms weigh as one term
 * in the events that hold any of them (see th_check_forms), when the
 * events are added one by one; test-rebuild checks a rebuild whose parts
 * are merged. Replacing events keeps it so. */
static void test_search__stem_forms_weigh_as_one_term(void **state)
{
	(void)state;
	for (int in_title = 0; in_title <= 1; in_title++) {
		char *dir = th_tmpdir();
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		assert_non_null(f);
		assert_int_equal(th_write_forms(f, in_title), 0);
		assert_int_equal(fclose(f), 0);
		for (int round = 0; round < 2; round++) {
			/* The second round replaces every event with itself. */
			evs_index *w = th_open_writer(dir);
			for (char *p = text; *p;) {
				char *nl = strchr(p, '\n');
				assert_int_equal(evs_index_add_json(w, p, (size_t)(nl - p),
				                                    NULL),
				                 EVS_OK);
				p = nl + 1;
			}
			assert_int_equal(evs_index_close(w), EVS_OK);
			evs_index *idx = th_open(dir);
			th_check_forms(idx, in_title);
			evs_index_close(idx);
		}
		free(text);
		th_rmrf(dir);
	}
}

/* A reader that never reopens keeps answering while a writer commits
 * again and again: the query's forms, the filters and the match are read
 * from one revision, and a reader left behind reopens (Xapian's
 * DatabaseModifiedError) instead of failing. */
static void test_search__reader_behind_commits(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	evs_index *w = th_open_writer(dir);
	evs_index *r = NULL;
	for (int round = 0; round < 12; round++) {
		for (int i = 0; i < 300; i++) {
			char rec[320];
			snprintf(rec, sizeof rec,
			         "{\"id\": \"e%03d\", \"title\": \"meeting %d of "
			         "round %d\", \"description\": \"meetings met by w0 w1 "
			         "w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 and r%d\", \"start\": "
			         "\"2024-0%d-01\"}",
			         i, i, round, round, 1 + i % 9);
			assert_int_equal(evs_index_add_json(w, rec, strlen(rec), NULL),
			                 EVS_OK);
		}
		assert_int_equal(evs_index_commit(w), EVS_OK);
		if (!r)
			r = th_open(dir); /* it stays at round 0 until it must move */
		if (round < 2)
			continue;
		/* Words it has not read yet, from blocks written over since. */
		evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
		o.from = "2024-02-01";
		char q[32];
		snprintf(q, sizeof q, "meetings w%d", round);
		evs_results *res = NULL;
		evs_status st = evs_search(&res, r, q, &o);
		if (st != EVS_OK)
			fail_msg("round %d: %s", round, evs_errmsg(r));
		assert_int_equal(evs_results_total(res), 300 - 300 / 9 - 1);
		evs_results_free(res);
	}
	evs_index_close(r);
	assert_int_equal(evs_index_close(w), EVS_OK);
	th_rmrf(dir);
}

/* Phrases match in every text field, with and without a field name, and
 * never across two fields. */
static void test_search__phrases_in_every_field(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	const char *recs[] =
	    {"{\"id\": \"p1\", \"title\": \"Open source summit\", "
	     "\"description\": \"a talk about rust compilers\", \"start\": "
	     "\"2024-01-01\", \"participants\": [{\"name\": \"Ada Lovelace\"}], "
	     "\"organisers\": [\"Free Software Foundation\"], \"location\": "
	     "\"Main Hall\", \"tags\": [\"machine learning\"], \"topics\": "
	     "[\"public money\"]}",
	     "{\"id\": \"p2\", \"title\": \"Source open summit\", "
	     "\"description\": \"open source is good\", \"start\": "
	     "\"2024-01-02\"}",
	     "{\"id\": \"p3\", \"title\": \"Rust talk\", \"description\": "
	     "\"compilers about hall main\", \"start\": \"2024-01-03\", "
	     "\"participants\": [\"Lovelace Ada\"], \"organisers\": [\"Software "
	     "Free\"]}",
	     NULL};
	add_records(dir, recs);
	evs_index *idx = th_open(dir);
	static const struct {
		const char *query;
		const char *ids; /* the hits, in id order */
	} cases[] = {
	    {"\"open source\"", "p1 p2"},
	    {"title:\"open source\"", "p1"},
	    {"title:\"source open\"", "p2"},
	    {"\"ada lovelace\"", "p1"},
	    {"participant:\"ada lovelace\"", "p1"},
	    {"\"lovelace ada\"", "p3"},
	    {"\"software foundation\"", "p1"},
	    {"organiser:\"free software foundation\"", "p1"},
	    {"\"free software\"", "p1"},
	    {"\"main hall\"", "p1"},
	    {"location:\"main hall\"", "p1"},
	    {"\"hall main\"", "p3"},
	    {"\"machine learning\"", "p1"},
	    {"\"public money\"", "p1"},
	    {"\"rust compilers\"", "p1"},
	    {"\"rust talk\"", "p3"},
	    {"title:\"rust talk\"", "p3"},
	    {"\"open source summit\"", "p1"},
	    /* Across the end of one field and the start of the next. */
	    {"\"summit a\"", ""},
	    {"\"compilers ada\"", ""},
	    {"\"lovelace free\"", ""},
	    {"\"foundation main\"", ""},
	    {"title:\"open summit\"", "p2"},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
		o.sort = EVS_SORT_DATE;
		evs_results *r = th_search(idx, cases[c].query, &o);
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

static void test_search__zero_hits_is_success(void **state)
{
	fixture *f = *state;
	evs_results *r = th_search(f->idx, "zzyzxquux", NULL);
	assert_int_equal(evs_results_total(r), 0);
	assert_int_equal(evs_results_count(r), 0);
	assert_int_equal(evs_facet_count(r, EVS_FACET_ORGANISER), 0);
	evs_results_free(r);
}

/* The real schedules: every record indexes, and speakers are found by
 * their names typed without accents. */
static void test_search__fosdem_schedules(void **state)
{
	(void)state;
	char *a = th_shared_path("data/events/fosdem-2024.jsonl");
	char *b = th_shared_path("data/events/fosdem-2025.jsonl");
	char *c = th_shared_path("data/events/fosdem-2026.jsonl");
	if (!a || !b || !c) {
		free(a);
		free(b);
		free(c);
		skip();
	}
	char *dir = th_tmpdir();
	const char *files[] = {a, b, c, NULL};
	evs_add_stats stats = {0};
	th_build_index(dir, files, &stats);
	assert_int_equal(stats.read, 874 + 1105 + 1079);
	assert_int_equal(stats.skipped, 0);
	assert_int_equal(stats.added, 874 + 1105 + 1079);
	evs_index *idx = th_open(dir);
	evs_results *r = th_search(idx, "faeroy", NULL);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), "fosdem-2026-9981");
	evs_results_free(r);
	r = th_search(idx, "participant:\"garcia veytia\"", NULL);
	assert_int_equal(evs_results_total(r), 6);
	evs_results_free(r);
	r = th_search(idx, "participant:D'Intino", NULL);
	assert_true(th_hit_rank(r, "fosdem-2025-6217") >= 0);
	evs_results_free(r);
	/* With the default OR, the events that have every word come first. */
	const char *queries[] = {"rust compiler", "python security",
	                         "open source hardware", "kernel scheduling"};
	for (size_t k = 0; k < 4; k++) {
		evs_search_options all = EVS_SEARCH_OPTIONS_INIT;
		all.flags = EVS_SEARCH_ALL_WORDS;
		all.limit = 1000;
		evs_results *every = th_search(idx, queries[k], &all);
		size_t n = evs_results_count(every);
		assert_true(n >= 5);
		evs_search_options any = EVS_SEARCH_OPTIONS_INIT;
		any.limit = n;
		evs_results *some = th_search(idx, queries[k], &any);
		assert_true(evs_results_total(some) > n);
		for (size_t i = 0; i < n; i++)
			assert_true(th_hit_rank(every, evs_hit_id(some, i)) >= 0);
		evs_results_free(every);
		evs_results_free(some);
	}
	/* Facets agree with the matches counted one by one. */
	evs_search_options every = EVS_SEARCH_OPTIONS_INIT;
	every.limit = 10000;
	r = th_search(idx, "open source", &every);
	size_t n = evs_results_count(r);
	assert_int_equal(evs_results_total(r), n);
	assert_true(n > 500);
	uint64_t per_year[3] = {0, 0, 0}, organisers = 0, counted = 0;
	for (size_t i = 0; i < n; i++) {
		const char *start = evs_hit_start(r, i);
		assert_true(strncmp(start, "2024", 4) >= 0 &&
		            strncmp(start, "2026", 4) <= 0);
		per_year[start[3] - '4']++;
		organisers += evs_hit_list_count(r, i, EVS_LIST_ORGANISERS);
	}
	for (int y = 0; y < 3; y++) {
		char year[5];
		snprintf(year, sizeof year, "202%d", 4 + y);
		assert_int_equal(th_facet(r, EVS_FACET_YEAR, year), per_year[y]);
	}
	for (size_t j = 0; j < evs_facet_count(r, EVS_FACET_ORGANISER); j++) {
		uint64_t c = 0;
		assert_non_null(evs_facet_value(r, EVS_FACET_ORGANISER, j, &c));
		counted += c;
	}
	assert_int_equal(counted, organisers);
	evs_results_free(r);
	/* The devrooms are the organisers; facets count every match. */
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.from = o.to = "2026";
	r = th_search(idx, NULL, &o);
	assert_int_equal(evs_results_total(r), 1079);
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2026"), 1079);
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_search__multistakeholder_consultation),
	    cmocka_unit_test(test_search__compound_both_ways),
	    cmocka_unit_test(test_search__listing_newest_first),
	    cmocka_unit_test(test_search__organiser_filter),
	    cmocka_unit_test(test_search__organiser_words_in_query),
	    cmocka_unit_test(test_search__participants),
	    cmocka_unit_test(test_search__date_overlap),
	    cmocka_unit_test(test_search__sort_and_paging),
	    cmocka_unit_test(test_search__snippet_marks_matches),
	    cmocka_unit_test(test_search__json_document),
	    cmocka_unit_test(test_search__zero_hits_is_success),
	    cmocka_unit_test(test_search__no_description_no_snippet),
	    cmocka_unit_test(test_search__facet_spellings_merge),
	    cmocka_unit_test(test_search__facets_exact),
	    cmocka_unit_test(test_search__ties_in_id_order),
	    cmocka_unit_test(test_search__phrases_in_every_field),
	    cmocka_unit_test(test_search__stem_forms_weigh_as_one_term),
	    cmocka_unit_test(test_search__reader_behind_commits),
	};
	const struct CMUnitTest shared[] = {
	    cmocka_unit_test(test_search__fosdem_schedules),
	};
	int failed =
	    cmocka_run_group_tests(tests, th_corpus_setup, th_corpus_teardown);
	return failed + cmocka_run_group_tests(shared, NULL, NULL);
}
