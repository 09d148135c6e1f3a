/* test-util.c: the small mechanics of lib/util.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "util.h"

static void test_util__grow_doubles(void **state)
{
	(void)state;
	size_t cap = 0;
	int *v = evs_util__grow(NULL, &cap, 1, sizeof *v, 8);
	assert_non_null(v);
	assert_int_equal(cap, 8);
	assert_ptr_equal(evs_util__grow(v, &cap, 8, sizeof *v, 8), v);
	assert_int_equal(cap, 8);
	v = evs_util__grow(v, &cap, 9, sizeof *v, 8);
	assert_non_null(v);
	assert_int_equal(cap, 16);
	v = evs_util__grow(v, &cap, 100, sizeof *v, 8);
	assert_int_equal(cap, 128);
	v[127] = 1; /* all of it is there (ASan checks) */
	free(v);
}

static void test_util__grow_refuses_overflow(void **state)
{
	(void)state;
	size_t cap = 16;
	char *p = malloc(16);
	/* Doubling would pass SIZE_MAX, and so would cap * elem. */
	assert_null(evs_util__grow(p, &cap, SIZE_MAX, 1, 8));
	assert_int_equal(cap, 16);
	assert_null(evs_util__grow(p, &cap, SIZE_MAX / 4, 8, 8));
	assert_int_equal(cap, 16);
	free(p);
}

static void test_util__join(void **state)
{
	(void)state;
	char *s = evs_util__join("/tmp/idx", "gen-1");
	assert_string_equal(s, "/tmp/idx/gen-1");
	free(s);
}

static void test_util__utf8_cut(void **state)
{
	(void)state;
	const char *s = "ab\xc3\xa9"
	                "cd"; /* "abécd": é is 2 bytes at 2..3 */
	assert_int_equal(evs_util__utf8_cut(s, 6, 10), 6);
	assert_int_equal(evs_util__utf8_cut(s, 6, 4), 4);
	assert_int_equal(evs_util__utf8_cut(s, 6, 3), 2); /* not inside é */
	assert_int_equal(evs_util__utf8_cut(s, 6, 2), 2);
	assert_int_equal(evs_util__utf8_cut("\xe2\x82\xac", 3, 2), 0);
}

static void test_util__hashset_counts(void **state)
{
	(void)state;
	evs_hashset s = EVS_HASHSET_INIT;
	/* Enough keys to grow several times, with keys alike in their low
	 * bits so that probes collide. */
	for (uint64_t k = 1; k <= 5000; k++)
		assert_int_equal(evs_hashset__add(&s, k << 20), 0);
	assert_int_equal(s.n, 5000);
	assert_int_equal(evs_hashset__add(&s, (uint64_t)7 << 20), 1);
	assert_int_equal(evs_hashset__add(&s, (uint64_t)7 << 20), 2);
	assert_int_equal(evs_hashset__add(&s, (uint64_t)5001 << 20), 0);
	assert_int_equal(s.n, 5001);
	assert_true(s.n * 2 <= s.cap);
	evs_hashset__dispose(&s);
	assert_null(s.v);
	evs_hashset__dispose(&s); /* twice is harmless */
}

static void test_util__hashset_count(void **state)
{
	(void)state;
	evs_hashset s = EVS_HASHSET_INIT;
	assert_int_equal(evs_hashset__count(&s, 42), 0); /* empty, no table */
	for (uint64_t k = 1; k <= 300; k++)
		evs_hashset__add(&s, k << 20);
	evs_hashset__add(&s, (uint64_t)9 << 20);
	evs_hashset__add(&s, (uint64_t)9 << 20);
	assert_int_equal(evs_hashset__count(&s, (uint64_t)9 << 20), 3);
	assert_int_equal(evs_hashset__count(&s, (uint64_t)300 << 20), 1);
	/* Absent keys, one colliding with the low bits of those present. */
	assert_int_equal(evs_hashset__count(&s, (uint64_t)301 << 20), 0);
	assert_int_equal(evs_hashset__count(&s, 42), 0);
	assert_int_equal(s.n, 300); /* counting adds nothing */
	evs_hashset__dispose(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_util__grow_doubles),
	    cmocka_unit_test(test_util__grow_refuses_overflow),
	    cmocka_unit_test(test_util__join),
	    cmocka_unit_test(test_util__utf8_cut),
	    cmocka_unit_test(test_util__hashset_counts),
	    cmocka_unit_test(test_util__hashset_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
