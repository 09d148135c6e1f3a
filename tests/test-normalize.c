/* test-normalize.c: the one text normalisation and the tokeniser.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "normalize.h"

static void check_word(const char *in, const char *want)
{
	evs_normalizer nz = {0};
	assert_int_equal(evs_normalize__word(&nz, in, strlen(in)), 0);
	assert_string_equal(nz.out.p, want);
	evs_normalize__dispose(&nz);
}

static void test_normalize__case_and_accents(void **state)
{
	(void)state;
	check_word("Sogocio", "sogocio");
	check_word("Søgôciö", "sogocio");
	check_word("Müller", "muller");
	check_word("MÜLLER", "muller");
	check_word("García", "garcia");
	check_word("Żaba", "zaba");
}

static void test_normalize__letters_that_do_not_decompose(void **state)
{
	(void)state;
	check_word("ø", "o");
	check_word("Łódź", "lodz");
	check_word("đ", "d");
	check_word("Færøy", "faeroy");
	check_word("œuvre", "oeuvre");
	check_word("Þór", "thor");
	check_word("Straße", "strasse");
}

static void test_normalize__nfkc(void **state)
{
	(void)state;
	check_word("\xEF\xAC\x81le", "file");          /* U+FB01 ligature fi */
	check_word("\xEF\xBC\xA1\xEF\xBC\xA2", "ab");  /* fullwidth AB */
	check_word("D\xE2\x80\x99Intino", "d'intino"); /* typographic ' */
}

static void test_normalize__keeps_indic_vowel_signs(void **state)
{
	(void)state;
	/* हिंदी: the vowel signs are marks, but not accents. */
	check_word("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6\xE0\xA5\x80",
	           "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6\xE0\xA5\x80");
}

static void test_normalize__long_word_is_cut_at_a_character(void **state)
{
	(void)state;
	char in[200];
	memset(in, 'a', 63);
	strcpy(in + 63, "\xC3\xA9\xC3\xA9"); /* é straddles byte 64 */
	evs_normalizer nz = {0};
	assert_int_equal(evs_normalize__word(&nz, in, strlen(in)), 0);
	assert_int_equal(nz.out.len, 64); /* 63 a + e: é folds to one byte */
	assert_true(nz.out.len <= EVS_MAX_WORD);
	evs_normalize__dispose(&nz);
}

typedef struct collected {
	char terms[32][80];
	unsigned back[32];
	size_t n;
} collected;

static int collect(void *ctx, const evs_token *t)
{
	collected *c = ctx;
	if (c->n < 32) {
		snprintf(c->terms[c->n], sizeof c->terms[c->n], "%s", t->term);
		c->back[c->n] = t->back;
		c->n++;
	}
	return 0;
}

static void test_normalize__compounds_emit_parts_then_joined(void **state)
{
	(void)state;
	evs_normalizer nz = {0};
	collected c = {0};
	const char *text = "EU multi-stakeholder dialogue, Ad-Hoc";
	assert_int_equal(evs_tokenize__text(&nz, text, strlen(text), collect, &c),
	                 0);
	assert_int_equal(c.n, 8);
	const char *want[] = {"eu",          "multi",
	                      "stakeholder", "multistakeholder",
	                      "dialogue",    "ad",
	                      "hoc",         "adhoc"};
	unsigned back[] = {0, 0, 0, 1, 0, 0, 0, 1};
	for (size_t i = 0; i < 8; i++) {
		assert_string_equal(c.terms[i], want[i]);
		assert_int_equal(c.back[i], back[i]);
	}
	evs_normalize__dispose(&nz);
}

static void test_normalize__joined_variants(void **state)
{
	(void)state;
	evs_normalizer nz = {0};
	collected c = {0};
	const char *text = "x86_64 Node.js E-Mail-Adresse 3.12 end.";
	assert_int_equal(evs_tokenize__text(&nz, text, strlen(text), collect, &c),
	                 0);
	const char *want[] = {"x86",   "64",      "x8664",       "node",
	                      "js",    "nodejs",  "e",           "mail",
	                      "email", "adresse", "mailadresse", "emailadresse",
	                      "3",     "12",      "end"};
	unsigned back[] = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 2, 0, 0, 0};
	assert_int_equal(c.n, 15);
	for (size_t i = 0; i < 15; i++) {
		assert_string_equal(c.terms[i], want[i]);
		assert_int_equal(c.back[i], back[i]);
	}
	evs_normalize__dispose(&nz);
}

/* Dotted abbreviations are no compounds: "e.g." joined to "eg" was a
 * rare term that every text using the abbreviation had (CISI MAP -0.0035). */
static void test_normalize__dotted_abbreviations_not_joined(void **state)
{
	(void)state;
	evs_normalizer nz = {0};
	collected c = {0};
	const char *text = "e.g. U.S.A. Ph.D vue.js a.out";
	assert_int_equal(evs_tokenize__text(&nz, text, strlen(text), collect, &c),
	                 0);
	const char *want[] = {"e",   "g",  "u",     "s", "a",
	                      "ph",  "d",  "vue",   "js", "vuejs",
	                      "a",   "out"};
	assert_int_equal(c.n, 12);
	for (size_t i = 0; i < 12; i++)
		assert_string_equal(c.terms[i], want[i]);
	evs_normalize__dispose(&nz);
}

static void test_normalize__apostrophes_and_cpp(void **state)
{
	(void)state;
	evs_normalizer nz = {0};
	collected c = {0};
	const char *text = "UK\xE2\x80\x99s C++ and C# 'quoted'";
	assert_int_equal(evs_tokenize__text(&nz, text, strlen(text), collect, &c),
	                 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.terms[0], "uk's");
	assert_string_equal(c.terms[1], "c++");
	assert_string_equal(c.terms[2], "and");
	assert_string_equal(c.terms[3], "c#");
	assert_string_equal(c.terms[4], "quoted");
	evs_normalize__dispose(&nz);
}

static void test_normalize__name(void **state)
{
	(void)state;
	evs_normalizer nz = {0};
	evs_buf out = EVS_BUF_INIT;
	const char *a = "  EU  Cyber-Direct ";
	assert_int_equal(evs_normalize__name(&nz, a, strlen(a), &out), 0);
	assert_string_equal(out.p, "eu cyber direct");
	const char *b = "#cybercrime";
	assert_int_equal(evs_normalize__name(&nz, b, strlen(b), &out), 0);
	assert_string_equal(out.p, "cybercrime");
	evs_buf__dispose(&out);
	evs_normalize__dispose(&nz);
}

static void test_normalize__invalid_utf8_is_skipped_not_fatal(void **state)
{
	(void)state;
	evs_normalizer nz = {0};
	collected c = {0};
	const char text[] = "ab\xFF\xFE cd";
	assert_int_equal(evs_tokenize__text(&nz, text, sizeof text - 1, collect,
	                                    &c),
	                 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.terms[0], "ab");
	assert_string_equal(c.terms[1], "cd");
	assert_false(evs_utf8__valid(text, sizeof text - 1));
	evs_normalize__dispose(&nz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normalize__case_and_accents),
	    cmocka_unit_test(test_normalize__joined_variants),
	    cmocka_unit_test(test_normalize__dotted_abbreviations_not_joined),
	    cmocka_unit_test(test_normalize__letters_that_do_not_decompose),
	    cmocka_unit_test(test_normalize__nfkc),
	    cmocka_unit_test(test_normalize__keeps_indic_vowel_signs),
	    cmocka_unit_test(test_normalize__long_word_is_cut_at_a_character),
	    cmocka_unit_test(test_normalize__compounds_emit_parts_then_joined),
	    cmocka_unit_test(test_normalize__apostrophes_and_cpp),
	    cmocka_unit_test(test_normalize__name),
	    cmocka_unit_test(test_normalize__invalid_utf8_is_skipped_not_fatal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
