/* test-date.c: ISO 8601 dates of event records and the bounds of date
 * filters (lib/date.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* localtime_r */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "helpers.h"

/* Parses s, asserting success, and returns the result. */
static evs_datetime parse_ok(const char *s)
{
	evs_datetime d;
	const char *why = NULL;
	memset(&d, 0x55, sizeof d);
	if (evs_date__parse(&d, s, strlen(s), &why) != 0)
		fail_msg("\"%s\" refused: %s", s, why ? why : "(no reason)");
	return d;
}

/* Asserts that s is refused; when want is not NULL, with that reason. */
static void parse_bad(const char *s, const char *want)
{
	evs_datetime d;
	const char *why = NULL;
	if (evs_date__parse(&d, s, strlen(s), &why) == 0)
		fail_msg("\"%s\" accepted, expected a refusal", s);
	assert_non_null(why);
	assert_true(why[0] != '\0');
	if (want && strcmp(why, want) != 0)
		fail_msg("\"%s\": reason \"%s\", expected \"%s\"", s, why, want);
}

static void assert_fields(const evs_datetime *d, int y, int mo, int day, int h,
                          int mi, int sec, int has_time, int has_offset,
                          int offset)
{
	assert_int_equal(d->year, y);
	assert_int_equal(d->month, mo);
	assert_int_equal(d->day, day);
	assert_int_equal(d->hour, h);
	assert_int_equal(d->minute, mi);
	assert_int_equal(d->second, sec);
	assert_int_equal(d->has_time, has_time);
	assert_int_equal(d->has_offset, has_offset);
	assert_int_equal(d->offset_minutes, offset);
}

static void keys_of(const char *s, const char *local, const char *utc)
{
	evs_datetime d = parse_ok(s);
	char lk[9], uk[15];
	memset(lk, 'x', sizeof lk);
	memset(uk, 'x', sizeof uk);
	evs_date__local_key(&d, lk);
	evs_date__utc_key(&d, uk);
	if (strcmp(lk, local) != 0 || strcmp(uk, utc) != 0)
		fail_msg("%s: local %s utc %s, expected %s %s", s, lk, uk, local, utc);
}

#define NOT_ISO "not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)"

static void test_date__plain_date(void **state)
{
	(void)state;
	evs_datetime d = parse_ok("2022-05-25");
	assert_fields(&d, 2022, 5, 25, 0, 0, 0, 0, 0, 0);
	d = parse_ok("0001-01-01");
	assert_fields(&d, 1, 1, 1, 0, 0, 0, 0, 0, 0);
	d = parse_ok("9999-12-31");
	assert_fields(&d, 9999, 12, 31, 0, 0, 0, 0, 0, 0);
}

static void test_date__date_times_with_offsets(void **state)
{
	(void)state;
	evs_datetime d = parse_ok("2022-05-25T11:00:00Z");
	assert_fields(&d, 2022, 5, 25, 11, 0, 0, 1, 1, 0);
	d = parse_ok("2022-05-25T13:00:00+02:00");
	assert_fields(&d, 2022, 5, 25, 13, 0, 0, 1, 1, 120);
	d = parse_ok("2022-05-25T13:00:00+0200");
	assert_fields(&d, 2022, 5, 25, 13, 0, 0, 1, 1, 120);
	d = parse_ok("2022-05-25T13:00:00+02");
	assert_fields(&d, 2022, 5, 25, 13, 0, 0, 1, 1, 120);
	d = parse_ok("2023-09-26T11:00:00-04:00");
	assert_fields(&d, 2023, 9, 26, 11, 0, 0, 1, 1, -240);
	d = parse_ok("2021-10-06T15:00:00+05:30");
	assert_fields(&d, 2021, 10, 6, 15, 0, 0, 1, 1, 330);
	d = parse_ok("2021-11-10T12:00:00+00:00");
	assert_fields(&d, 2021, 11, 10, 12, 0, 0, 1, 1, 0);
	/* The extremes of real offsets. */
	d = parse_ok("2022-01-01T00:00:00+14:00");
	assert_int_equal(d.offset_minutes, 840);
	d = parse_ok("2022-01-01T00:00:00-18:00");
	assert_int_equal(d.offset_minutes, -1080);
}

static void test_date__seconds_are_optional_and_fractions_ignored(void **state)
{
	(void)state;
	evs_datetime d = parse_ok("2022-05-25T13:45");
	assert_fields(&d, 2022, 5, 25, 13, 45, 0, 1, 0, 0);
	d = parse_ok("2022-05-25T13:45+02:00");
	assert_fields(&d, 2022, 5, 25, 13, 45, 0, 1, 1, 120);
	d = parse_ok("2022-05-25T13:45:30.123456Z");
	assert_fields(&d, 2022, 5, 25, 13, 45, 30, 1, 1, 0);
	d = parse_ok("2022-05-25T13:45:30,5-04:00");
	assert_fields(&d, 2022, 5, 25, 13, 45, 30, 1, 1, -240);
	/* A lowercase t and z, and a space for the T, as RFC 3339 allows. */
	d = parse_ok("2022-05-25t13:45:30z");
	assert_fields(&d, 2022, 5, 25, 13, 45, 30, 1, 1, 0);
	d = parse_ok("2022-05-25 13:45:30");
	assert_fields(&d, 2022, 5, 25, 13, 45, 30, 1, 0, 0);
}

static void test_date__no_offset_is_floating(void **state)
{
	(void)state;
	evs_datetime d = parse_ok("2022-05-25T13:00:00");
	assert_fields(&d, 2022, 5, 25, 13, 0, 0, 1, 0, 0);
	/* Floating times are taken as UTC for ordering. */
	keys_of("2022-05-25T13:00:00", "20220525", "20220525130000");
}

static void test_date__only_dates_that_exist(void **state)
{
	(void)state;
	parse_bad("2022-02-30", "no such date");
	parse_bad("2022-02-29", "no such date");
	parse_bad("2021-02-29", "no such date");
	parse_bad("1900-02-29", "no such date"); /* not a leap year */
	parse_bad("2022-04-31", "no such date");
	parse_bad("2022-13-01", "no such date");
	parse_bad("2022-00-10", "no such date");
	parse_bad("2022-05-00", "no such date");
	parse_bad("2022-05-32", "no such date");
	evs_datetime d = parse_ok("2020-02-29");
	assert_fields(&d, 2020, 2, 29, 0, 0, 0, 0, 0, 0);
	d = parse_ok("2000-02-29"); /* divisible by 400: a leap year */
	assert_int_equal(d.day, 29);
}

static void test_date__year_range(void **state)
{
	(void)state;
	parse_bad("0000-01-01", "year 0000 is out of range (0001-9999)");
	parse_bad("0000-12-31T10:00:00Z", "year 0000 is out of range (0001-9999)");
	parse_bad("10000-01-01", NOT_ISO);
	parse_bad("-2022-01-01", NOT_ISO);
}

static void test_date__only_times_that_exist(void **state)
{
	(void)state;
	parse_bad("9999-12-31T25:00", "no such time of day");
	parse_bad("2022-05-25T24:00", "no such time of day");
	parse_bad("2022-05-25T24:00:00", "no such time of day");
	parse_bad("2022-05-25T24:00:00Z", "no such time of day");
	parse_bad("2022-05-25T12:60", "no such time of day");
	parse_bad("2022-05-25T12:00:61", "no such time of day");
	evs_datetime d = parse_ok("2022-05-25T23:59:59");
	assert_fields(&d, 2022, 5, 25, 23, 59, 59, 1, 0, 0);
	d = parse_ok("2022-05-25T00:00:00");
	assert_fields(&d, 2022, 5, 25, 0, 0, 0, 1, 0, 0);
}

static void test_date__offset_range(void **state)
{
	(void)state;
	parse_bad("2022-05-25T13:00:00+19:00", "UTC offset out of range");
	parse_bad("2022-05-25T13:00:00-19:00", "UTC offset out of range");
	parse_bad("2022-05-25T13:00:00+18:01", "UTC offset out of range");
	parse_bad("2022-05-25T13:00:00+02:60", "UTC offset out of range");
	parse_bad("2022-05-25T13:00:00+99", "UTC offset out of range");
}

static void test_date__garbage_and_trailing_junk(void **state)
{
	(void)state;
	parse_bad("", NOT_ISO);
	parse_bad("garbage", NOT_ISO);
	parse_bad("tomorrow", NOT_ISO);
	parse_bad("25/05/2022", NOT_ISO);
	parse_bad("2022-5-25", NOT_ISO);
	parse_bad("20220525", NOT_ISO);
	parse_bad("2022-05", NOT_ISO);
	parse_bad("2022-05-25x", NOT_ISO);
	parse_bad("2022-05-25 ", NOT_ISO);
	parse_bad("2022-05-25T", NOT_ISO);
	parse_bad("2022-05-25T13", NOT_ISO);
	parse_bad("2022-05-25T13:", NOT_ISO);
	parse_bad("2022-05-25T1300", NOT_ISO);
	parse_bad("2022-05-25T13:00:", NOT_ISO);
	parse_bad("2022-05-25T13:00:00.", NOT_ISO);
	parse_bad("2022-05-25T13:00:00ZZ", NOT_ISO);
	parse_bad("2022-05-25T13:00:00Z ", NOT_ISO);
	parse_bad("2022-05-25T13:00:00+02:00junk", NOT_ISO);
	parse_bad("2022-05-25T13:00:00+2", NOT_ISO);
	parse_bad("2022-05-25T13:00:00+02:0", NOT_ISO);
	parse_bad("2022-05-25T13:00:00+020", NOT_ISO);
	parse_bad("2022-05-25T13:00:00 +02:00", NOT_ISO);
	parse_bad("2022-05-25T13:00:00EST", NOT_ISO);
}

static void test_date__offset_with_a_dangling_colon_is_refused(void **state)
{
	(void)state;
	/* "+02:" is neither "+02" nor "+02:00". */
	parse_bad("2022-05-25T13:00:00+02:", NOT_ISO);
}

static void test_date__parse_stops_at_n(void **state)
{
	(void)state;
	/* The length is honoured: the string need not end at n. */
	const char *s = "2022-05-25T13:00:00+02:00, and more";
	evs_datetime d;
	const char *why = NULL;
	assert_int_equal(evs_date__parse(&d, s, 25, &why), 0);
	assert_fields(&d, 2022, 5, 25, 13, 0, 0, 1, 1, 120);
	assert_int_equal(evs_date__parse(&d, s, 10, &why), 0);
	assert_fields(&d, 2022, 5, 25, 0, 0, 0, 0, 0, 0);
	assert_int_equal(evs_date__parse(&d, s, 9, &why), -1);
	assert_string_equal(why, NOT_ISO);
	assert_int_equal(evs_date__parse(&d, s, 26, &why), -1);
}

static void test_date__keys(void **state)
{
	(void)state;
	keys_of("2022-05-25", "20220525", "20220525000000");
	keys_of("2022-05-25T13:00:00+02:00", "20220525", "20220525110000");
	keys_of("2022-05-25T13:00:00+0200", "20220525", "20220525110000");
	keys_of("2022-05-25T11:00:00Z", "20220525", "20220525110000");
	keys_of("2023-09-26T11:00:00-04:00", "20230926", "20230926150000");
	keys_of("2022-05-25T13:45:30.999+02:00", "20220525", "20220525114530");
	keys_of("2021-10-06T15:00:00+05:30", "20211006", "20211006093000");
	keys_of("0001-01-01", "00010101", "00010101000000");
	keys_of("9999-12-31T23:59:59Z", "99991231", "99991231235959");
}

static void test_date__keys_across_midnight_and_years(void **state)
{
	(void)state;
	/* The local date stays the record's; the UTC instant moves. */
	keys_of("2022-05-25T01:30:00+02:00", "20220525", "20220524233000");
	keys_of("2022-05-25T22:30:00-04:00", "20220525", "20220526023000");
	keys_of("2022-01-01T00:30:00+01:00", "20220101", "20211231233000");
	keys_of("2021-12-31T22:00:00-05:00", "20211231", "20220101030000");
	keys_of("2021-12-31T23:59:59-00:01", "20211231", "20220101000059");
	/* Into a leap day, and past a non-leap February. */
	keys_of("2020-03-01T00:30:00+01:00", "20200301", "20200229233000");
	keys_of("2021-03-01T00:30:00+01:00", "20210301", "20210228233000");
	keys_of("2020-02-28T23:00:00-02:00", "20200228", "20200229010000");
	keys_of("2000-02-28T23:00:00-02:00", "20000228", "20000229010000");
	keys_of("1900-02-28T23:00:00-02:00", "19000228", "19000301010000");
	keys_of("2022-01-01T05:00:00+14:00", "20220101", "20211231150000");
}

static void test_date__keys_at_the_ends_of_the_range(void **state)
{
	(void)state;
	/* An offset that moves the instant out of 0001..9999 is clamped so
	 * that keys keep 14 digits and their order. */
	keys_of("0001-01-01T00:00:00+01:00", "00010101", "00000101000000");
	keys_of("9999-12-31T23:00:00-05:00", "99991231", "99991231235959");
	keys_of("0001-01-01T01:00:00+01:00", "00010101", "00010101000000");
}

static void last_day_of(const char *start, const char *end, const char *want)
{
	evs_datetime s = parse_ok(start), e = parse_ok(end);
	char key[9], iso[9];
	evs_date__last_day_key(&s, &e, key);
	assert_string_equal(key, want);
	evs_date__last_day_key_iso(start, end, iso);
	assert_string_equal(iso, want);
}

static void test_date__last_day_before_midnight(void **state)
{
	(void)state;
	/* An event that ends at exactly 00:00 does not happen on that day. */
	last_day_of("2024-12-27T23:00:00+01:00", "2024-12-28T00:00:00+01:00",
	            "20241227");
	last_day_of("2024-12-31T22:00:00Z", "2025-01-01T00:00:00Z", "20241231");
	last_day_of("2024-02-28T20:00:00", "2024-03-01T00:00:00", "20240229");
	/* One minute or a second later it does. */
	last_day_of("2024-12-27T23:00:00", "2024-12-28T00:01:00", "20241228");
	last_day_of("2024-12-27T23:00:00", "2024-12-28T00:00:01", "20241228");
	last_day_of("2024-12-27T23:00:00", "2024-12-28T02:00:00", "20241228");
	/* An event at midnight itself, and whole days, keep their day. */
	last_day_of("2024-12-28T00:00:00", "2024-12-28T00:00:00", "20241228");
	last_day_of("2024-12-27", "2024-12-28", "20241228");
	last_day_of("2024-12-27", "2024-12-27", "20241227");
	char key[9];
	evs_date__last_day_key_iso("2024-12-27T10:00:00Z", NULL, key);
	assert_string_equal(key, "20241227");
	evs_date__last_day_key_iso("not a date", NULL, key);
	assert_string_equal(key, "");
}

static int cmp_of(const char *a, const char *b)
{
	evs_datetime x = parse_ok(a), y = parse_ok(b);
	return evs_date__cmp(&x, &y);
}

static void test_date__cmp_orders_instants(void **state)
{
	(void)state;
	/* 09:00 in Brussels (08:00 UTC) is before 09:00 in New York (14:00
	 * UTC) on the same day, although the local times are equal. */
	const char *brussels = "2022-03-01T09:00:00+01:00";
	const char *new_york = "2022-03-01T09:00:00-05:00";
	assert_int_equal(cmp_of(brussels, new_york), -1);
	assert_int_equal(cmp_of(new_york, brussels), 1);
	assert_int_equal(cmp_of(brussels, brussels), 0);
	/* The same instant written three ways. */
	assert_int_equal(cmp_of("2022-05-25T13:00:00+02:00",
	                        "2022-05-25T11:00:00Z"),
	                 0);
	assert_int_equal(cmp_of("2022-05-25T07:00:00-04:00",
	                        "2022-05-25T11:00:00Z"),
	                 0);
	/* Seconds count; fractions do not. */
	assert_int_equal(cmp_of("2022-05-25T11:00:01Z", "2022-05-25T11:00:00Z"), 1);
	assert_int_equal(cmp_of("2022-05-25T11:00:00.9Z", "2022-05-25T11:00:00Z"),
	                 0);
	/* A date is its midnight UTC; floating times are UTC. */
	assert_int_equal(cmp_of("2022-05-25", "2022-05-25T00:00:00Z"), 0);
	assert_int_equal(cmp_of("2022-05-25", "2022-05-25T00:00:00+01:00"), 1);
	assert_int_equal(cmp_of("2022-05-25T13:00:00", "2022-05-25T13:00:00Z"), 0);
	/* Across a year boundary. */
	assert_int_equal(cmp_of("2022-01-01T00:30:00+01:00",
	                        "2021-12-31T23:45:00Z"),
	                 -1);
	assert_int_equal(cmp_of("2021-12-31T20:00:00-05:00",
	                        "2022-01-01T00:30:00Z"),
	                 1);
}

static void test_date__cmp_agrees_with_utc_keys(void **state)
{
	(void)state;
	const char *v[] = {"2022-03-01T09:00:00+01:00",
	                   "2022-03-01T09:00:00-05:00",
	                   "2022-03-01",
	                   "2022-02-28T23:30:00-01:00",
	                   "2022-03-01T08:00:00Z",
	                   "2021-12-31T22:00:00-05:00",
	                   "2022-01-01T02:59:59Z",
	                   "2022-03-01T14:00:00"};
	size_t n = sizeof v / sizeof v[0];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			evs_datetime a = parse_ok(v[i]), b = parse_ok(v[j]);
			char ka[15], kb[15];
			evs_date__utc_key(&a, ka);
			evs_date__utc_key(&b, kb);
			int k = strcmp(ka, kb);
			k = k < 0 ? -1 : k > 0;
			if (evs_date__cmp(&a, &b) != k)
				fail_msg("cmp(%s, %s) = %d, keys say %d", v[i], v[j],
				         evs_date__cmp(&a, &b), k);
		}
}

static void bound_ok(const char *s, int upper, const char *want)
{
	char out[9];
	memset(out, 'x', sizeof out);
	if (evs_date__filter_bound(s, upper, out) != 0)
		fail_msg("filter bound \"%s\" (upper %d) refused", s, upper);
	if (strcmp(out, want) != 0)
		fail_msg("filter bound \"%s\" (upper %d): %s, expected %s", s, upper,
		         out, want);
}

static void bound_bad(const char *s)
{
	char out[9];
	if (evs_date__filter_bound(s, 0, out) == 0)
		fail_msg("filter bound \"%s\" accepted as lower bound", s);
	if (evs_date__filter_bound(s, 1, out) == 0)
		fail_msg("filter bound \"%s\" accepted as upper bound", s);
}

static void test_date__filter_bound_year(void **state)
{
	(void)state;
	bound_ok("2022", 0, "20220101");
	bound_ok("2022", 1, "20221231");
	bound_ok("0001", 0, "00010101");
	bound_ok("9999", 1, "99991231");
}

static void test_date__filter_bound_month(void **state)
{
	(void)state;
	bound_ok("2022-05", 0, "20220501");
	bound_ok("2022-05", 1, "20220531");
	bound_ok("2022-04", 1, "20220430");
	bound_ok("2022-12", 1, "20221231");
	bound_ok("2022-02", 0, "20220201");
	bound_ok("2022-02", 1, "20220228");
	bound_ok("2020-02", 1, "20200229");
	bound_ok("2000-02", 1, "20000229");
	bound_ok("1900-02", 1, "19000228");
}

static void test_date__filter_bound_day(void **state)
{
	(void)state;
	bound_ok("2022-05-25", 0, "20220525");
	bound_ok("2022-05-25", 1, "20220525");
	bound_ok("2020-02-29", 1, "20200229");
}

static void test_date__filter_bound_today(void **state)
{
	(void)state;
	char before[9], after[9], out[9];
	struct tm tm;
	time_t now = time(NULL);
	assert_non_null(localtime_r(&now, &tm));
	strftime(before, sizeof before, "%Y%m%d", &tm);
	assert_int_equal(evs_date__filter_bound("today", 0, out), 0);
	now = time(NULL);
	assert_non_null(localtime_r(&now, &tm));
	strftime(after, sizeof after, "%Y%m%d", &tm);
	/* Midnight may pass between the two readings. */
	if (strcmp(out, before) != 0)
		assert_string_equal(out, after);
	assert_int_equal(evs_date__filter_bound("today", 1, out), 0);
	assert_int_equal(strlen(out), 8);
}

static void test_date__filter_bound_bad(void **state)
{
	(void)state;
	bound_bad("");
	bound_bad("22");
	bound_bad("202");
	bound_bad("20222");
	bound_bad("0000");
	bound_bad("2022-");
	bound_bad("2022-13");
	bound_bad("2022-00");
	bound_bad("2022-5");
	bound_bad("2022-05-");
	bound_bad("2022-05-5");
	bound_bad("2022-02-29");
	bound_bad("2022-02-30");
	bound_bad("2022-05-32");
	bound_bad("2022-05-00");
	bound_bad("2022-05-25x");
	bound_bad("2022-05-25T10:00");
	bound_bad("2022/05/25");
	bound_bad(" 2022");
	bound_bad("2022 ");
	bound_bad("Today");
	bound_bad("yesterday");
	bound_bad("abcd");
}

static void test_date__days_in_month(void **state)
{
	(void)state;
	int want[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (int m = 1; m <= 12; m++)
		assert_int_equal(evs_date__days_in_month(2021, m), want[m - 1]);
	assert_int_equal(evs_date__days_in_month(2020, 2), 29);
	assert_int_equal(evs_date__days_in_month(2000, 2), 29);
	assert_int_equal(evs_date__days_in_month(1900, 2), 28);
	assert_int_equal(evs_date__days_in_month(2022, 0), 0);
	assert_int_equal(evs_date__days_in_month(2022, 13), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date__plain_date),
	    cmocka_unit_test(test_date__date_times_with_offsets),
	    cmocka_unit_test(test_date__seconds_are_optional_and_fractions_ignored),
	    cmocka_unit_test(test_date__no_offset_is_floating),
	    cmocka_unit_test(test_date__only_dates_that_exist),
	    cmocka_unit_test(test_date__year_range),
	    cmocka_unit_test(test_date__only_times_that_exist),
	    cmocka_unit_test(test_date__offset_range),
	    cmocka_unit_test(test_date__garbage_and_trailing_junk),
	    cmocka_unit_test(test_date__offset_with_a_dangling_colon_is_refused),
	    cmocka_unit_test(test_date__parse_stops_at_n),
	    cmocka_unit_test(test_date__keys),
	    cmocka_unit_test(test_date__keys_across_midnight_and_years),
	    cmocka_unit_test(test_date__keys_at_the_ends_of_the_range),
	    cmocka_unit_test(test_date__cmp_orders_instants),
	    cmocka_unit_test(test_date__cmp_agrees_with_utc_keys),
	    cmocka_unit_test(test_date__filter_bound_year),
	    cmocka_unit_test(test_date__filter_bound_month),
	    cmocka_unit_test(test_date__filter_bound_day),
	    cmocka_unit_test(test_date__filter_bound_today),
	    cmocka_unit_test(test_date__filter_bound_bad),
	    cmocka_unit_test(test_date__days_in_month),
	    cmocka_unit_test(test_date__last_day_before_midnight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
