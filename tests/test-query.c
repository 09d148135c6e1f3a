/* test-query.c: the query language, through evs_search() on an index of
 * corpus/events.jsonl (8 events). Each case asserts the exact total and
 * the exact set of ids found.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* The corpus, by start date. */
#define E1 "2023-09-26-un-cybercrime-treaty-is-it-a-crime"
#define E2 "2022-05-25-eu-multistakeholder-dialogue-cybercrime-treaty"
#define E3 "2022-05-16-ccpcj31-un-commission-crime-prevention-criminal-justice"
#define E4 "2022-02-28-un-ad-hoc-committee-cybercrime-first-session"
#define E5                                                                     \
	"2021-11-10-inclusive-cybercrime-policymaking-europe-regional-"            \
	"consultation"
#define E6 "2021-11-03-responsible-state-behaviour-cyberspace-united-nations"
#define E7                                                                     \
	"2021-10-06-roundtable-implementing-digital-transformation-cyber-"         \
	"cooperation"
#define E8 "2021-09-07-osce-technical-briefing-capacity-building-cybercrime"

typedef th_corpus fixture;

static evs_index *idx_of(void **state)
{
	return ((fixture *)*state)->idx;
}

/* Searches q with flags and asserts that exactly the n ids given (in any
 * order) are found. */
static void expect_flags(void **state, unsigned flags, const char *q, size_t n,
                         ...)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = flags | EVS_SEARCH_NO_FACETS | EVS_SEARCH_NO_SNIPPETS;
	o.limit = 100;
	evs_results *res = NULL;
	evs_status st = evs_search(&res, idx_of(state), q, &o);
	if (st != EVS_OK)
		fail_msg("search [%s]: status %s: %s", q, evs_status_str(st),
		         evs_errmsg(idx_of(state)));
	const char *want[8];
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		want[i] = va_arg(ap, const char *);
	va_end(ap);
	char got[1024] = "";
	for (size_t i = 0; i < evs_results_count(res); i++) {
		strncat(got, " ", sizeof got - strlen(got) - 1);
		strncat(got, evs_hit_id(res, i), 20);
	}
	if (evs_results_total(res) != n || evs_results_count(res) != n)
		fail_msg("search [%s] (flags %u): total %llu, expected %zu; got%s", q,
		         flags, (unsigned long long)evs_results_total(res), n, got);
	for (size_t i = 0; i < n; i++)
		if (th_hit_rank(res, want[i]) < 0)
			fail_msg("search [%s]: %s missing; got%s", q, want[i], got);
	evs_results_free(res);
}

#define expect(state, q, ...) expect_flags(state, 0u, q, __VA_ARGS__)

/* Asserts that q is a syntax error whose message contains want. */
static void expect_syntax_error(void **state, unsigned flags, const char *q,
                                const char *want)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = flags;
	evs_results *res = (evs_results *)&o; /* must be reset to NULL */
	evs_status st = evs_search(&res, idx_of(state), q, &o);
	if (st != EVS_E_QUERY_SYNTAX) {
		if (st == EVS_OK)
			evs_results_free(res);
		fail_msg("search [%.60s]: status %s, expected a syntax error", q,
		         evs_status_str(st));
	}
	assert_null(res);
	const char *msg = evs_errmsg(idx_of(state));
	if (!strstr(msg, want))
		fail_msg("search [%.60s]: message \"%s\" does not mention \"%s\"", q,
		         msg, want);
}

static void test_query__empty_lists_everything(void **state)
{
	expect(state, "", 8, E1, E2, E3, E4, E5, E6, E7, E8);
	expect(state, "   \t ", 8, E1, E2, E3, E4, E5, E6, E7, E8);
	expect(state, NULL, 8, E1, E2, E3, E4, E5, E6, E7, E8);
}

static void test_query__single_word(void **state)
{
	expect(state, "vienna", 1, E3);
	expect(state, "stimson", 1, E1);
	expect(state, "cybercrime", 6, E1, E2, E3, E4, E5, E8);
	expect(state, "treaty", 3, E1, E2, E3);
	expect(state, "zanzibar", 0);
}

static void test_query__stemming(void **state)
{
	/* consult, consultation, consultations share a stem. */
	expect(state, "consultation", 2, E2, E5);
	expect(state, "consulting", 2, E2, E5);
	expect(state, "treaties", 3, E1, E2, E3);
	/* crime and criminal do not. */
	expect(state, "crime", 2, E1, E3);
}

static void test_query__default_or_and_all_words(void **state)
{
	expect(state, "vienna stimson", 2, E1, E3);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "vienna stimson", 0);
	expect(state, "cybercrime treaty", 6, E1, E2, E3, E4, E5, E8);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "cybercrime treaty", 3, E1, E2,
	             E3);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "vienna", 1, E3);
}

static void test_query__and_or(void **state)
{
	expect(state, "cybercrime AND vienna", 1, E3);
	expect(state, "vienna AND stimson", 0);
	expect(state, "vienna OR stimson", 2, E1, E3);
	expect(state, "vienna OR stimson OR osce", 3, E1, E3, E8);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "vienna OR stimson", 2, E1, E3);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "vienna OR stimson treaty", 2, E1,
	             E3);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "vienna OR stimson osce", 0);
	expect(state, "treaty AND cybercrime AND online", 3, E1, E2, E3);
}

static void test_query__and_binds_tighter_than_or(void **state)
{
	/* roundtable OR (stimson AND treaty) */
	expect(state, "roundtable OR stimson AND treaty", 2, E1, E7);
	expect(state, "stimson AND treaty OR roundtable", 2, E1, E7);
	expect(state, "(roundtable OR stimson) AND treaty", 1, E1);
}

static void test_query__not(void **state)
{
	expect(state, "cybercrime NOT treaty", 3, E4, E5, E8);
	expect(state, "cybercrime AND NOT treaty", 3, E4, E5, E8);
	expect(state, "cybercrime NOT treaty NOT osce", 2, E4, E5);
	expect(state, "NOT cybercrime", 2, E6, E7);
	expect(state, "NOT cybercrime roundtable", 1, E7);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "NOT cybercrime", 2, E6, E7);
	expect(state, "NOT (cybercrime OR roundtable)", 1, E6);
}

static void test_query__plus_and_minus(void **state)
{
	expect(state, "+cybercrime -treaty", 3, E4, E5, E8);
	expect(state, "-cybercrime", 2, E6, E7);
	expect(state, "-cybercrime -roundtable", 1, E6);
	/* A required word; the others only rank. */
	expect(state, "+treaty vienna", 3, E1, E2, E3);
	expect(state, "+treaty +vienna", 1, E3);
	expect(state, "vienna stimson -treaty", 0);
	expect(state, "vienna stimson osce -treaty", 1, E8);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "cybercrime -treaty", 3, E4, E5,
	             E8);
	expect(state, "+(vienna OR stimson) treaty", 2, E1, E3);
	expect(state, "-(cybercrime OR roundtable)", 1, E6);
}

/* A sign after AND or OR must not be dropped silently: "vienna AND
 * -stimson" either excludes stimson (E3) or is refused; it must not turn
 * into "vienna AND stimson" (no event). */
static void expect_sign_honoured_or_refused(void **state, const char *q,
                                            size_t n, const char *id)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = EVS_SEARCH_NO_FACETS;
	evs_results *res = NULL;
	evs_status st = evs_search(&res, idx_of(state), q, &o);
	if (st == EVS_E_QUERY_SYNTAX) {
		assert_true(evs_errmsg(idx_of(state))[0] != '\0');
		return;
	}
	assert_int_equal(st, EVS_OK);
	uint64_t total = evs_results_total(res);
	int rank = id ? th_hit_rank(res, id) : 0;
	evs_results_free(res);
	if (total != n || rank < 0)
		fail_msg("search [%s]: total %llu, expected %zu (the sign was "
		         "dropped)",
		         q, (unsigned long long)total, n);
}

static void test_query__sign_after_an_operator(void **state)
{
	expect_sign_honoured_or_refused(state, "vienna AND -stimson", 1, E3);
	expect_sign_honoured_or_refused(state, "cybercrime AND -treaty", 3, E4);
	expect_sign_honoured_or_refused(state, "stimson OR -cybercrime", 3, E1);
}

static void test_query__parentheses(void **state)
{
	expect(state, "(vienna)", 1, E3);
	expect(state, "((vienna OR stimson) AND (treaty OR osce))", 2, E1, E3);
	expect(state, "(stimson OR osce) AND cybercrime", 2, E1, E8);
	expect(state, "(vienna stimson) AND treaty", 2, E1, E3);
	expect(state, "cybercrime AND (NOT treaty)", 3, E4, E5, E8);
	expect(state, "cybercrime AND (-treaty)", 3, E4, E5, E8);
	expect(state, "(((((osce)))))", 1, E8);
}

static void test_query__phrases(void **state)
{
	expect(state, "\"cybercrime treaty\"", 3, E1, E2, E3);
	expect(state, "\"new cybercrime treaty\"", 2, E2, E3);
	expect(state, "\"treaty cybercrime\"", 0);
	expect(state, "\"crime prevention\"", 1, E3);
	expect(state, "\"chatham house\"", 1, E5);
	expect(state, "\"house chatham\"", 0);
	/* The words must be adjacent. */
	expect(state, "\"cybercrime negotiation\"", 0);
	/* Typographic quotation marks work the same. */
	expect(state,
	       "\xE2\x80\x9C"
	       "crime prevention"
	       "\xE2\x80\x9D",
	       1, E3);
	/* A quoted word is matched unstemmed. */
	expect(state, "\"consultation\"", 1, E5);
	expect(state, "\"consultations\"", 2, E2, E5);
	/* Phrases combine like words. */
	expect(state, "\"chatham house\" OR stimson", 2, E1, E5);
	expect(state, "cybercrime -\"cybercrime treaty\"", 3, E4, E5, E8);
}

static void test_query__phrase_does_not_span_fields(void **state)
{
	/* E8's title ends "Area of Cybercrime"; its description starts "The
	 * aim of this event". */
	expect(state, "\"area of cybercrime\"", 1, E8);
	expect(state, "\"the aim of this event\"", 1, E8);
	expect(state, "\"cybercrime the aim\"", 0);
	/* Nor organisers: "EU Cyber Direct", "European Commission". */
	expect(state, "\"cyber direct european\"", 0);
}

static void test_query__field_title(void **state)
{
	expect(state, "title:treaty", 2, E1, E2);
	expect(state, "title:treaties", 2, E1, E2);
	expect(state, "title:vienna", 0);
	expect(state, "title:\"cybercrime treaty\"", 2, E1, E2);
	expect(state, "title:(treaty OR roundtable)", 3, E1, E2, E7);
	expect(state, "title:(treaty roundtable)", 3, E1, E2, E7);
	expect(state, "title:treaty OR location:vienna", 3, E1, E2, E3);
	expect(state, "title:treaty -title:crime", 1, E2);
}

static void test_query__field_participant(void **state)
{
	expect(state, "participant:hakmeh", 2, E3, E5);
	expect(state, "participant:pawlak", 1, E5);
	expect(state, "participant:\"joyce hakmeh\"", 2, E3, E5);
	expect(state, "participant:\"hakmeh joyce\"", 0);
	expect(state, "participant:sogocio", 1, E3);
	expect(state, "participant:vienna", 0);
	expect(state, "speaker:tennant", 1, E3);
}

static void test_query__field_organiser(void **state)
{
	expect(state, "organiser:stimson", 1, E1);
	expect(state, "organiser:chatham", 1, E5);
	expect(state, "organiser:commission", 2, E2, E3);
	expect(state, "organiser:\"cyber direct\"", 2, E2, E5);
	expect(state, "organizer:africa", 1, E7);
	expect(state, "organiser:online", 0);
	expect(state, "organiser:let's", 1, E6);
	expect(state, "organiser:LET\xE2\x80\x99S", 1, E6);
}

static void test_query__field_location(void **state)
{
	expect(state, "location:vienna", 1, E3);
	expect(state, "location:york", 1, E4);
	expect(state, "location:online", 6, E1, E2, E3, E4, E5, E6);
	expect(state, "location:\"new york\"", 1, E4);
	expect(state, "location:stimson", 0);
}

static void test_query__field_tag_topic_id(void **state)
{
	expect(state, "tag:cybercrime", 1, E3);
	expect(state, "tag:CyberCrime", 1, E3);
	expect(state, "tag:#cybercrime", 1, E3);
	expect(state, "tag:treaty", 0);
	expect(state, "tag:cyber", 0); /* whole values only */
	expect(state, "topic:cybercrime", 0);
	expect(state, "id:" E8, 1, E8);
	expect(state, "id:2021-09-07", 0);
	expect(state, "id:" E1 " id:" E8, 2, E1, E8);
	expect(state, "id:" E1 " OR id:" E8, 2, E1, E8);
	/* Filters of different fields AND; a filter restricts the words. */
	expect(state, "id:" E3 " tag:cybercrime", 1, E3);
	expect(state, "id:" E1 " tag:cybercrime", 0);
	expect(state, "tag:cybercrime vienna", 1, E3);
	expect(state, "tag:cybercrime stimson", 0);
	expect(state, "-tag:cybercrime cybercrime", 5, E1, E2, E4, E5, E8);
	expect(state, "cybercrime NOT tag:cybercrime", 5, E1, E2, E4, E5, E8);
	/* Joined by OR, a filter is one more alternative. */
	expect(state, "tag:cybercrime OR stimson", 2, E1, E3);
	expect(state, "id:(" E1 " " E8 ")", 2, E1, E8);
	expect(state, "id:(" E1 " OR " E8 ")", 2, E1, E8);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "tag:cybercrime", 1, E3);
}

static void test_query__wildcards(void **state)
{
	expect(state, "crim*", 4, E1, E2, E3, E4);
	expect(state, "consult*", 2, E2, E5);
	expect(state, "negotiat*", 3, E2, E3, E5);
	expect(state, "stimso*", 1, E1);
	expect(state, "zzzq*", 0);
	expect(state, "title:cyber*", 7, E1, E2, E4, E5, E6, E7, E8);
	expect(state, "crim* -cybercrime", 0);
	expect(state, "Crim\xC3\xAF*", 3, E2, E3, E4); /* crimi* */
	expect(state, "VIENN*", 1, E3);
}

static void test_query__lowercase_operators_are_words(void **state)
{
	/* "or" and "not" occur in no event; "and" in all of them. */
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "stimson and", 1, E1);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "and stimson", 1, E1);
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "vienna or stimson", 0);
	/* A stopword, "not" is left out of a query that has other words. */
	expect_flags(state, EVS_SEARCH_ALL_WORDS, "not vienna", 1, E3);
	expect(state, "vienna or stimson", 2, E1, E3);
	/* ... but kept on either side of an explicit OR or AND. */
	expect(state, "stimson and", 1, E1);
	expect(state, "stimson OR and", 8, E1, E2, E3, E4, E5, E6, E7, E8);
	expect(state, "and OR stimson", 8, E1, E2, E3, E4, E5, E6, E7, E8);
	expect(state, "or", 0);
	expect(state, "And", 8, E1, E2, E3, E4, E5, E6, E7, E8);
}

static void test_query__case_and_accents(void **state)
{
	expect(state, "VIENNA", 1, E3);
	expect(state, "V\xC3\xAF\xC3\xA9nna", 1, E3); /* Vïénna */
	expect(state,
	       "S\xC3\x96G\xC3\x94"
	       "CIO",
	       1, E3);                             /* SÖGÔCIO */
	expect(state, "\xEF\xBC\xB6ienna", 1, E3); /* fullwidth V */
	/* No-break and ideographic spaces separate words. */
	expect(state, "vienna\xC2\xA0stimson", 2, E1, E3);
	expect(state, "vienna\xE3\x80\x80stimson", 2, E1, E3);
}

static void test_query__compounds(void **state)
{
	/* E2 writes "multi-stakeholder", E6 and E7 "multistakeholder". */
	expect(state, "multistakeholder", 3, E2, E6, E7);
	expect(state, "multi-stakeholder", 3, E2, E6, E7);
	expect(state, "Multi-Stakeholder", 3, E2, E6, E7);
	expect(state, "\"multi stakeholder\"", 1, E2);
	expect(state, "multi stakeholder", 2, E2, E5);
	expect(state, "title:multistakeholder", 2, E2, E6);
	expect(state, "title:multi-stakeholder", 2, E2, E6);
	/* E4's title writes "Ad-Hoc", its description "Ad Hoc". */
	expect(state, "Ad-Hoc", 1, E4);
	expect(state, "ad hoc", 1, E4);
	expect(state, "\"ad hoc\"", 1, E4);
	expect(state, "adhoc", 1, E4);
	expect(state, "title:adhoc", 1, E4);
	/* The organiser's name writes "Ad Hoc" apart. */
	expect(state, "organiser:ad-hoc", 1, E4);
	expect(state, "organiser:adhoc", 0);
}

/* The suggestion for q and whether it was applied; the first hit. */
static void expect_fix(void **state, unsigned flags, const char *q,
                       const char *want, int corrected, const char *first)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.flags = flags | EVS_SEARCH_NO_FACETS;
	evs_results *res = NULL;
	assert_int_equal(evs_search(&res, idx_of(state), q, &o), EVS_OK);
	const char *got = evs_results_suggestion(res);
	if (want)
		assert_string_equal(got ? got : "(null)", want);
	else
		assert_null(got);
	assert_int_equal(evs_results_corrected(res), corrected);
	if (first) {
		assert_true(evs_results_count(res) > 0);
		assert_string_equal(evs_hit_id(res, 0), first);
	} else {
		assert_int_equal(evs_results_count(res), 0);
	}
	evs_results_free(res);
}

static void test_query__spelling(void **state)
{
	/* Words with no matches, one edit from words of the index: the
	 * results are those of the corrected query. */
	expect_fix(state, 0, "multistakeholdr consultaton",
	           "multistakeholder consultation", 1, E2);
	expect_fix(state, 0, "Stimsn", "stimson", 1, E1);
	expect_fix(state, 0, "title:negotiaton", "title:negotiation", 1, E2);
	/* Swapped letters, an inserted letter; punctuation around a word is
	 * dropped with it. */
	expect_fix(state, 0, "vienan", "vienna", 1, E3);
	expect_fix(state, 0, "(stimsonn)", "(stimson)", 1, E1);
	/* --exact: as typed, nothing suggested. */
	expect_fix(state, EVS_SEARCH_EXACT, "multistakeholdr consultaton", NULL, 0,
	           NULL);
	/* Words that match, short words, phrases, excluded words and
	 * wildcards are left alone. */
	expect_fix(state, 0, "treaty", NULL, 0, E1);
	expect_fix(state, 0, "cyb", NULL, 0, NULL);
	expect_fix(state, 0, "\"stimsn\"", NULL, 0, NULL);
	expect_fix(state, 0, "treaty -stimsn", NULL, 0, E1);
	expect_fix(state, 0, "zzzzzzzz", NULL, 0, NULL);
}

static void test_query__prefix_while_typing(void **state)
{
	const unsigned X = EVS_SEARCH_PREFIX | EVS_SEARCH_EXACT;
	/* The last word is a prefix, as consult* is. */
	expect_flags(state, X, "consul", 2, E2, E5);
	expect_flags(state, X | EVS_SEARCH_ALL_WORDS, "cybercrime negot", 3, E2, E3,
	             E5);
	expect_flags(state, X | EVS_SEARCH_PLAIN, "stims", 1, E1);
	/* Not once a space follows it, nor inside a phrase or a field's
	 * parentheses, nor for the other words. */
	expect_flags(state, X, "consul ", 0);
	expect_flags(state, X, "\"consul\"", 0);
	expect_flags(state, X | EVS_SEARCH_ALL_WORDS, "consul treaty", 0);
	/* Without the flag, a word. */
	expect_flags(state, EVS_SEARCH_EXACT, "consul", 0);
}

static void test_query__plain(void **state)
{
	const unsigned P = EVS_SEARCH_PLAIN;
	expect_flags(state, P, "(vienna OR stimson", 2, E1, E3);
	expect_flags(state, P | EVS_SEARCH_ALL_WORDS, "(vienna OR stimson", 0);
	expect_flags(state, P | EVS_SEARCH_ALL_WORDS, "(stimson", 1, E1);
	/* "title:" is no field: title and treaty are adjacent words. */
	expect_flags(state, P, "title:treaty", 0);
	expect_flags(state, P, "cybercrime:treaty", 3, E1, E2, E3);
	expect_flags(state, P, "organizr:x", 0);
	expect_flags(state, P, "\"", 0);
	expect_flags(state, P, "\"vienna", 1, E3);
	/* "crim" is a word here (with no spelling correction: "crime"). */
	expect_flags(state, P | EVS_SEARCH_EXACT, "crim*", 0);
	expect_flags(state, P, "-treaty", 3, E1, E2, E3);
	expect_flags(state, P, "AND", 8, E1, E2, E3, E4, E5, E6, E7, E8);
	expect_flags(state, P, "NOT", 0);
	expect_flags(state, P, "vienna)", 1, E3);
	expect_flags(state, P, "multi-stakeholder", 3, E2, E6, E7);
}

static void test_query__syntax_errors(void **state)
{
	expect_syntax_error(state, 0, "(vienna OR stimson", "'(' is never closed");
	expect_syntax_error(state, 0, "((vienna)", "'(' is never closed");
	expect_syntax_error(state, 0, "vienna)", "')' without '('");
	expect_syntax_error(state, 0, ")", "')' without '('");
	expect_syntax_error(state, 0, "(vienna))", "')' without '('");
	expect_syntax_error(state, 0, "\"vienna stimson", "unclosed quotation");
	expect_syntax_error(state, 0, "vienna \"", "unclosed quotation");
	expect_syntax_error(state, 0, "AND vienna", "AND");
	expect_syntax_error(state, 0, "OR vienna", "OR");
	expect_syntax_error(state, 0, "vienna AND", "where a word was expected");
	expect_syntax_error(state, 0, "vienna OR", "where a word was expected");
	expect_syntax_error(state, 0, "vienna NOT", "where a word was expected");
	expect_syntax_error(state, 0, "vienna AND OR stimson", "OR");
	expect_syntax_error(state, 0, "organizr:x", "organizr");
	expect_syntax_error(state, 0, "organizr:x", "unknown field");
	expect_syntax_error(state, 0, "cybercrime:treaty", "unknown field");
	expect_syntax_error(state, EVS_SEARCH_ALL_WORDS, "(vienna",
	                    "'(' is never closed");
}

static void test_query__error_messages_name_the_column(void **state)
{
	expect_syntax_error(state, 0, "vienna OR (stimson", "column 11");
	expect_syntax_error(state, 0, "vienna stimson)", "column 15");
	expect_syntax_error(state, 0, "vienna title:x organizr:y", "column 16");
}

static void test_query__urls_are_text_not_fields(void **state)
{
	/* "https:" is no field, but not a typo either. */
	expect(state, "https://example.org/vienna", 0);
}

static void test_query__error_then_success_clears_message(void **state)
{
	expect_syntax_error(state, 0, "(", "never closed");
	evs_results *res = th_search(idx_of(state), "vienna", NULL);
	assert_int_equal(evs_results_total(res), 1);
	assert_string_equal(evs_errmsg(idx_of(state)), "");
	evs_results_free(res);
}

static char *repeat(const char *unit, size_t times, const char *head,
                    const char *tail)
{
	size_t u = strlen(unit), h = strlen(head), t = strlen(tail);
	char *s = malloc(h + u * times + t + 1);
	assert_non_null(s);
	memcpy(s, head, h);
	for (size_t i = 0; i < times; i++)
		memcpy(s + h + i * u, unit, u);
	memcpy(s + h + u * times, tail, t + 1);
	return s;
}

static void test_query__length_limit(void **state)
{
	/* 8192 bytes pass, 8193 do not. */
	char *q = malloc(8194);
	assert_non_null(q);
	memset(q, ' ', 8193);
	memcpy(q, "vienna", 6);
	q[8192] = '\0';
	expect(state, q, 1, E3);
	q[8192] = ' ';
	q[8193] = '\0';
	expect_syntax_error(state, 0, q, "longer than 8192 bytes");
	expect_syntax_error(state, EVS_SEARCH_PLAIN, q, "longer than 8192 bytes");
	free(q);
}

static void test_query__depth_limit(void **state)
{
	char *open = repeat("(", 32, "", "vienna");
	char *q = repeat(")", 32, open, "");
	expect(state, q, 1, E3);
	free(q);
	free(open);
	open = repeat("(", 33, "", "vienna");
	q = repeat(")", 33, open, "");
	expect_syntax_error(state, 0, q, "nested more than 32 deep");
	free(q);
	free(open);
	/* A field's parenthesis counts as well. */
	open = repeat("(", 32, "title:", "treaty");
	q = repeat(")", 32, open, "");
	expect(state, q, 2, E1, E2);
	free(q);
	free(open);
	open = repeat("(", 33, "title:", "treaty");
	q = repeat(")", 33, open, "");
	expect_syntax_error(state, 0, q, "nested more than 32 deep");
	free(q);
	free(open);
}

static void test_query__term_limit(void **state)
{
	char *q = repeat("vienna ", 256, "", "");
	expect(state, q, 1, E3);
	free(q);
	q = repeat("vienna ", 257, "", "");
	expect_syntax_error(state, 0, q, "more than 256 terms");
	free(q);
	q = repeat("vienna OR ", 256, "", "stimson");
	expect_syntax_error(state, 0, q, "more than 256 terms");
	free(q);
}

static void test_query__wildcards_count_towards_the_term_limit(void **state)
{
	/* Each wildcard may expand to 100 terms: 300 of them are well over
	 * the limit of 256 terms, however they are weighed. */
	char *q = repeat("vienn* ", 300, "", "");
	evs_results *res = NULL;
	evs_status st = evs_search(&res, idx_of(state), q, NULL);
	free(q);
	evs_results_free(res);
	assert_int_equal(st, EVS_E_QUERY_SYNTAX);
	assert_non_null(strstr(evs_errmsg(idx_of(state)), "more than 256 terms"));
	/* docs/query-syntax.md: a wildcard counts as 25, so 10 fit and 11
	 * do not. */
	q = repeat("vienn* ", 10, "", "");
	expect(state, q, 1, E3);
	free(q);
	q = repeat("vienn* ", 11, "", "");
	res = NULL;
	st = evs_search(&res, idx_of(state), q, NULL);
	free(q);
	evs_results_free(res);
	assert_int_equal(st, EVS_E_QUERY_SYNTAX);
	assert_non_null(strstr(evs_errmsg(idx_of(state)), "more than 256 terms"));
}

static void test_query__invalid_utf8(void **state)
{
	expect_syntax_error(state, 0, "vienna \xFF", "not valid UTF-8");
	expect_syntax_error(state, 0, "caf\xC3", "not valid UTF-8");
	expect_syntax_error(state, 0, "\xED\xA0\x80", "not valid UTF-8");
	expect_syntax_error(state, EVS_SEARCH_PLAIN, "vienna \xC0\xAF",
	                    "not valid UTF-8");
}

static void test_query__text_without_words(void **state)
{
	expect(state, "!!!", 0);
	expect(state, "*", 0);
	expect(state, "- + ...", 0);
	expect(state, "\"!!!\"", 0);
	expect(state, "title:!!!", 0);
	expect_flags(state, EVS_SEARCH_PLAIN, "!!! ((", 0);
	/* A part without words is dropped; the rest still counts. */
	expect(state, "!!! vienna", 1, E3);
	expect(state, "vienna AND !!!", 1, E3);
}

static void test_query__totals_are_exact_beyond_the_page(void **state)
{
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.limit = 2;
	evs_results *res = th_search(idx_of(state), "cybercrime", &o);
	assert_int_equal(evs_results_total(res), 6);
	assert_int_equal(evs_results_count(res), 2);
	evs_results_free(res);
	o.offset = 5;
	res = th_search(idx_of(state), "cybercrime", &o);
	assert_int_equal(evs_results_total(res), 6);
	assert_int_equal(evs_results_count(res), 1);
	evs_results_free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_query__empty_lists_everything),
	    cmocka_unit_test(test_query__single_word),
	    cmocka_unit_test(test_query__stemming),
	    cmocka_unit_test(test_query__default_or_and_all_words),
	    cmocka_unit_test(test_query__and_or),
	    cmocka_unit_test(test_query__and_binds_tighter_than_or),
	    cmocka_unit_test(test_query__not),
	    cmocka_unit_test(test_query__plus_and_minus),
	    cmocka_unit_test(test_query__sign_after_an_operator),
	    cmocka_unit_test(test_query__parentheses),
	    cmocka_unit_test(test_query__phrases),
	    cmocka_unit_test(test_query__phrase_does_not_span_fields),
	    cmocka_unit_test(test_query__field_title),
	    cmocka_unit_test(test_query__field_participant),
	    cmocka_unit_test(test_query__field_organiser),
	    cmocka_unit_test(test_query__field_location),
	    cmocka_unit_test(test_query__field_tag_topic_id),
	    cmocka_unit_test(test_query__wildcards),
	    cmocka_unit_test(test_query__lowercase_operators_are_words),
	    cmocka_unit_test(test_query__case_and_accents),
	    cmocka_unit_test(test_query__compounds),
	    cmocka_unit_test(test_query__plain),
	    cmocka_unit_test(test_query__spelling),
	    cmocka_unit_test(test_query__prefix_while_typing),
	    cmocka_unit_test(test_query__syntax_errors),
	    cmocka_unit_test(test_query__error_messages_name_the_column),
	    cmocka_unit_test(test_query__urls_are_text_not_fields),
	    cmocka_unit_test(test_query__error_then_success_clears_message),
	    cmocka_unit_test(test_query__length_limit),
	    cmocka_unit_test(test_query__depth_limit),
	    cmocka_unit_test(test_query__term_limit),
	    cmocka_unit_test(test_query__wildcards_count_towards_the_term_limit),
	    cmocka_unit_test(test_query__invalid_utf8),
	    cmocka_unit_test(test_query__text_without_words),
	    cmocka_unit_test(test_query__totals_are_exact_beyond_the_page),
	};
	return cmocka_run_group_tests(tests, th_corpus_setup, th_corpus_teardown);
}
