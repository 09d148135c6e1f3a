/* test-ics.c: iCalendar feeds through the public API: time zones, all-day
 * and multi-day events, recurrence (RRULE, EXDATE, an override), status,
 * derived ids, HTML descriptions, and broken input reported by line.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

/* Messages of one stream. */
typedef struct diags {
	char text[64][256];
	uint64_t line[64];
	int error[64];
	size_t n;
} diags;

static void on_report(void *ctx, const evs_diag *d)
{
	diags *g = ctx;
	if (g->n < 64) {
		snprintf(g->text[g->n], sizeof g->text[0], "%s", d->message);
		g->line[g->n] = d->line;
		g->error[g->n] = d->severity == EVS_ERROR;
		g->n++;
	}
}

/* The message at line (error or warning), or NULL. */
static const char *diag_at(const diags *g, uint64_t line, int error)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->line[i] == line && g->error[i] == error)
			return g->text[i];
	return NULL;
}

/* Indexes ics (text) as "feed.ics" into a new index in dir, expanding
 * from..to. */
static void index_window(const char *dir, const char *ics, const char *from,
                         const char *to, diags *g, evs_add_stats *stats)
{
	evs_index *idx = NULL;
	char *msg = NULL;
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE | EVS_OPEN_CREATE;
	assert_int_equal(evs_index_open(&idx, dir, &oo, &msg), EVS_OK);
	/* A file, not a pipe: some inputs are larger than a pipe holds. */
	char path[4096];
	snprintf(path, sizeof path, "%s/feed.ics", dir);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	size_t n = strlen(ics);
	assert_int_equal(fwrite(ics, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	evs_add_options ao = EVS_ADD_OPTIONS_INIT;
	ao.report = on_report;
	ao.ctx = g;
	ao.expand_from = from;
	ao.expand_to = to;
	memset(stats, 0, sizeof *stats);
	assert_int_equal(evs_index_add_stream(idx, fd, "feed.ics", &ao, stats),
	                 EVS_OK);
	close(fd);
	unlink(path);
	assert_int_equal(evs_index_close(idx), EVS_OK);
}

/* The same over 2026-01-01..2026-12-31. */
static void index_ics(const char *dir, const char *ics, diags *g,
                      evs_add_stats *stats)
{
	index_window(dir, ics, "2026-01-01", "2026-12-31", g, stats);
}

static evs_results *search_dates(evs_index *idx, const char *from,
                                 const char *to, evs_sort sort)
{
	evs_search_options so = EVS_SEARCH_OPTIONS_INIT;
	so.from = from;
	so.to = to;
	so.sort = sort;
	so.limit = 50;
	return th_search(idx, NULL, &so);
}

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" body "END:VCALENDAR\r\n"

static void test_ics__time_zones(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	diags g = {0};
	evs_add_stats st;
	/* 09:00 in Brussels is 08:00 UTC in winter; 09:00 in New York is
	 * 14:00 UTC: same local date, Brussels first in time. The New York
	 * event is given first in the file. */
	index_ics(
	    dir,
	    CAL("BEGIN:VEVENT\r\nUID:ny\r\nSUMMARY:New York meeting\r\n"
	        "DTSTART;TZID=America/New_York:20260115T090000\r\n"
	        "DTEND;TZID=America/New_York:20260115T100000\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:bru\r\nSUMMARY:Brussels meeting\r\n"
	        "DTSTART;TZID=Europe/Brussels:20260115T090000\r\n"
	        "DTEND;TZID=Europe/Brussels:20260115T100000\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:bru-summer\r\nSUMMARY:Summer\r\n"
	        "DTSTART;TZID=Europe/Brussels:20260715T090000\r\nEND:VEVENT\r\n"),
	    &g, &st);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.skipped, 0);
	evs_index *idx = th_open(dir);
	evs_results *r =
	    search_dates(idx, "2026-01-15", "2026-01-15", EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 2);
	assert_string_equal(evs_hit_id(r, 0), "bru");
	assert_string_equal(evs_hit_id(r, 1), "ny");
	/* The offset each event had then, not the machine's. */
	assert_string_equal(evs_hit_start(r, 0), "2026-01-15T09:00:00+01:00");
	assert_string_equal(evs_hit_start(r, 1), "2026-01-15T09:00:00-05:00");
	assert_string_equal(evs_hit_end(r, 1), "2026-01-15T10:00:00-05:00");
	evs_results_free(r);
	r = search_dates(idx, "2026-07-15", "2026-07", EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_start(r, 0), "2026-07-15T09:00:00+02:00");
	evs_results_free(r);
	r = search_dates(idx, "2026-01-16", NULL, EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 1);
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

static void test_ics__all_day_and_multi_day(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	diags g = {0};
	evs_add_stats st;
	/* DTEND of an all-day event is the day after its last day. */
	index_ics(
	    dir,
	    CAL("BEGIN:VEVENT\r\nUID:one\r\nSUMMARY:One day\r\n"
	        "DTSTART;VALUE=DATE:20260301\r\n"
	        "DTEND;VALUE=DATE:20260302\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:three\r\nSUMMARY:Three days\r\n"
	        "DTSTART;VALUE=DATE:20260310\r\n"
	        "DTEND;VALUE=DATE:20260313\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:dur\r\nSUMMARY:Two days by duration\r\n"
	        "DTSTART;VALUE=DATE:20260320\r\nDURATION:P2D\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:night\r\nSUMMARY:Overnight\r\n"
	        "DTSTART:20260330T220000Z\r\nDURATION:PT4H\r\nEND:VEVENT\r\n"),
	    &g, &st);
	assert_int_equal(st.added, 4);
	evs_index *idx = th_open(dir);
	evs_results *r =
	    search_dates(idx, "2026-03-01", "2026-03-01", EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_start(r, 0), "2026-03-01");
	assert_null(evs_hit_end(r, 0));
	evs_results_free(r);
	r = search_dates(idx, "2026-03-02", "2026-03-09", EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 0);
	evs_results_free(r);
	r = search_dates(idx, "2026-03-12", "2026-03-12", EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), "three");
	assert_string_equal(evs_hit_end(r, 0), "2026-03-12");
	evs_results_free(r);
	r = search_dates(idx, "2026-03-21", "2026-03-21", EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_end(r, 0), "2026-03-21");
	evs_results_free(r);
	r = search_dates(idx, "2026-03-31", "2026-03-31", EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_end(r, 0), "2026-03-31T02:00:00Z");
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* Weekly on Mondays at 10:00 Brussels from 2 March 2026 for 8 weeks; the
 * 16 March one is cancelled by EXDATE, the 23 March one moved to the
 * Tuesday at 14:00 with its own title, and 6 April cancelled by an
 * override with STATUS:CANCELLED. The override comes before its master. */
static const char *const weekly =
    CAL("BEGIN:VEVENT\r\nUID:weekly\r\nRECURRENCE-ID;TZID=Europe/Brussels:"
        "20260323T100000\r\nSUMMARY:Weekly call (moved)\r\n"
        "DTSTART;TZID=Europe/Brussels:20260324T140000\r\n"
        "DTEND;TZID=Europe/Brussels:20260324T150000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:weekly\r\nSUMMARY:Weekly call\r\n"
        "DESCRIPTION:Status of the treaty work\r\n"
        "DTSTART;TZID=Europe/Brussels:20260302T100000\r\n"
        "DTEND;TZID=Europe/Brussels:20260302T110000\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=8\r\n"
        "EXDATE;TZID=Europe/Brussels:20260316T100000\r\n"
        "CATEGORIES:calls,treaty\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:weekly\r\nRECURRENCE-ID;TZID=Europe/Brussels:"
        "20260406T100000\r\nSTATUS:CANCELLED\r\n"
        "DTSTART;TZID=Europe/Brussels:20260406T100000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:other\r\nSUMMARY:Other treaty talk\r\n"
        "DTSTART;VALUE=DATE:20260317\r\nCATEGORIES:treaty\r\nEND:VEVENT\r\n");

static void test_ics__weekly_exdate_override(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	diags g = {0};
	evs_add_stats st;
	index_ics(dir, weekly, &g, &st);
	/* Two events (the overrides are part of the first), not eight. */
	assert_int_equal(st.read, 2);
	assert_int_equal(st.added, 2);
	assert_int_equal(st.skipped, 0);
	evs_index *idx = th_open(dir);
	/* Occurrences: 2, 9, (16 gone), 24 (moved), 30 March, (6 April gone),
	 * 13, 20 April: six. */
	evs_results *r = search_dates(idx, NULL, NULL, EVS_SORT_DATE);
	assert_int_equal(evs_results_total(r), 2);
	int w = th_hit_rank(r, "weekly");
	assert_true(w >= 0);
	assert_int_equal(evs_hit_occurrence_count(r, (size_t)w), 6);
	static const char *const starts[6] = {"2026-03-02T10:00:00+01:00",
	                                      "2026-03-09T10:00:00+01:00",
	                                      "2026-03-24T14:00:00+01:00",
	                                      "2026-03-30T10:00:00+02:00",
	                                      "2026-04-13T10:00:00+02:00",
	                                      "2026-04-20T10:00:00+02:00"};
	for (size_t j = 0; j < 6; j++)
		assert_string_equal(evs_hit_occurrence_start(r, (size_t)w, j),
		                    starts[j]);
	assert_string_equal(evs_hit_occurrence_end(r, (size_t)w, 2),
	                    "2026-03-24T15:00:00+01:00");
	/* Facets count events: the tag "treaty" twice, not seven times. */
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "treaty"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_TAG, "calls"), 1);
	/* ... and each event once under every month and year it happens in. */
	assert_int_equal(th_facet(r, EVS_FACET_YEAR, "2026"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_MONTH, "2026-03"), 2);
	assert_int_equal(th_facet(r, EVS_FACET_MONTH, "2026-04"), 1);
	assert_int_equal(evs_facet_count(r, EVS_FACET_MONTH), 2);
	evs_results_free(r);

	/* Each occurrence filters by its own date. */
	static const struct {
		const char *from, *to;
		int weekly; /* matches, and with how many occurrences */
		size_t n;
	} cases[] = {
	    {"2026-03-16", "2026-03-16", 0, 0}, /* EXDATE */
	    {"2026-03-23", "2026-03-23", 0, 0}, /* moved away */
	    {"2026-03-24", "2026-03-24", 1, 1}, /* moved here */
	    {"2026-04-06", "2026-04-06", 0, 0}, /* cancelled override */
	    {"2026-03-10", "2026-03-15", 0, 0}, /* between two */
	    {"2026-03", "2026-03", 1, 4},       {"2026-04-13", NULL, 1, 2},
	    {NULL, "2026-03-05", 1, 1},         {"2026-05", "2027", 0, 0},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		r = search_dates(idx, cases[k].from, cases[k].to, EVS_SORT_DATE);
		int at = th_hit_rank(r, "weekly");
		assert_int_equal(at >= 0, cases[k].weekly);
		if (at >= 0)
			assert_int_equal(evs_hit_occurrence_count(r, (size_t)at),
			                 cases[k].n);
		evs_results_free(r);
	}
	/* The next occurrence from --from. */
	r = search_dates(idx, "2026-03-25", NULL, EVS_SORT_DATE);
	w = th_hit_rank(r, "weekly");
	assert_true(w >= 0);
	size_t next = evs_hit_next_occurrence(r, (size_t)w);
	assert_string_equal(evs_hit_occurrence_start(r, (size_t)w, next),
	                    "2026-03-30T10:00:00+02:00");
	evs_results_free(r);
	/* The moved occurrence's own title is searched. */
	r = th_search(idx, "moved", NULL);
	assert_int_equal(evs_results_total(r), 1);
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* Rules that began long before the window: the expansion jumps to it
 * where that keeps the rule's phase, and steps through where libical's
 * jump would not (an hourly rule with an interval). */
static void test_ics__long_running_rules(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	diags g = {0};
	evs_add_stats st;
	index_ics(dir,
	          CAL("BEGIN:VEVENT\r\nUID:w\r\nSUMMARY:weekly\r\n"
	              "DTSTART;TZID=America/New_York:20200106T090000\r\n"
	              "DURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"
	              "BEGIN:VEVENT\r\nUID:m\r\nSUMMARY:monthly\r\n"
	              "DTSTART;VALUE=DATE:20250131\r\n"
	              "RRULE:FREQ=MONTHLY;COUNT=30\r\nEND:VEVENT\r\n"
	              /* Impossible, and by the minute: not expanded. */
	              "BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:never\r\n"
	              "DTSTART:20250101T000000Z\r\n"
	              "RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30\r\n"
	              "RRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\r\n"
	              "END:VEVENT\r\n"),
	          &g, &st);
	assert_int_equal(st.added, 3);
	assert_non_null(diag_at(&g, 20, 0));
	assert_non_null(strstr(diag_at(&g, 20, 0), "no day in the window"));
	assert_non_null(diag_at(&g, 21, 0));
	assert_non_null(strstr(diag_at(&g, 21, 0), "MINUTELY is not expanded"));
	evs_index *idx = th_open(dir);
	evs_search_options so = EVS_SEARCH_OPTIONS_INIT;
	so.from = "2026-01-01";
	evs_results *r = th_search(idx, "weekly", &so);
	assert_int_equal(evs_hit_occurrence_count(r, 0), 52);
	assert_string_equal(evs_hit_occurrence_start(r, 0, 0),
	                    "2026-01-05T09:00:00-05:00");
	assert_string_equal(evs_hit_occurrence_end(r, 0, 51),
	                    "2026-12-28T10:00:00-05:00");
	evs_results_free(r);
	/* Months with a 31st, as RFC 5545 says: seven in 2026. */
	r = th_search(idx, "monthly", &so);
	assert_int_equal(evs_hit_occurrence_count(r, 0), 7);
	assert_string_equal(evs_hit_occurrence_start(r, 0, 1), "2026-03-31");
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);

	/* Every 7 hours since 2000: 227,920 hours after the start is the
	 * first multiple of 7 in 2026. */
	dir = th_tmpdir();
	memset(&g, 0, sizeof g);
	index_window(dir,
	             CAL("BEGIN:VEVENT\r\nUID:h\r\nSUMMARY:hourly\r\n"
	                 "DTSTART:20000101T120000Z\r\n"
	                 "RRULE:FREQ=HOURLY;INTERVAL=7\r\nEND:VEVENT\r\n"),
	             "2026-01-01", "2026-01-31", &g, &st);
	idx = th_open(dir);
	r = th_search(idx, "hourly", NULL);
	assert_int_equal(evs_hit_occurrence_count(r, 0), 106);
	assert_string_equal(evs_hit_occurrence_start(r, 0, 0),
	                    "2026-01-01T04:00:00Z");
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* More than 1000 occurrences: the 1000 nearest to today are kept, so that
 * a frequent event keeps its next one. */
static void test_ics__occurrence_cap_keeps_the_next(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	diags g = {0};
	evs_add_stats st;
	/* Every hour from 2020, expanded from today for two years. */
	index_window(dir,
	             CAL("BEGIN:VEVENT\r\nUID:h\r\nSUMMARY:hourly\r\n"
	                 "DTSTART:20200101T000000\r\nDURATION:PT30M\r\n"
	                 "RRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n"),
	             "today", NULL, &g, &st);
	assert_non_null(diag_at(&g, 3, 0));
	assert_non_null(strstr(diag_at(&g, 3, 0), "the 1000 nearest to today"));
	evs_index *idx = th_open(dir);
	evs_results *r = th_search(idx, "hourly", NULL);
	assert_int_equal(evs_hit_occurrence_count(r, 0), 1000);
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	assert_int_equal(strncmp(evs_hit_occurrence_start(r, 0, 0), today, 10), 0);
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

static void test_ics__status_ids_text(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	diags g = {0};
	evs_add_stats st;
	index_ics(dir,
	          CAL("BEGIN:VEVENT\r\nUID:gone\r\nSUMMARY:Cancelled briefing\r\n"
	              "STATUS:CANCELLED\r\nDTSTART:20260105T100000Z\r\nEND:"
	              "VEVENT\r\n"
	              "BEGIN:VEVENT\r\nSUMMARY:No uid briefing\r\n"
	              "DTSTART:20260106T100000Z\r\n"
	              "ORGANIZER:mailto:desk@example.org\r\n"
	              "ATTENDEE;CN=Ana Ruiz;ROLE=CHAIR:mailto:a@example.org\r\n"
	              "ATTENDEE;CUTYPE=ROOM;CN=Room 4:mailto:r@example.org\r\n"
	              "LOCATION:Hall 1\\, Main St\r\n"
	              "CATEGORIES:a\\,b,c\r\n"
	              "X-ALT-DESC;FMTTYPE=text/html:<p>Hello &amp; <b>welc\r\n"
	              " ome</b></p><script>x()</script><p>Caf&#233;</p>\r\n"
	              "END:VEVENT\r\n"),
	          &g, &st);
	assert_int_equal(st.added, 2);
	assert_non_null(diag_at(&g, 9, 0));
	assert_non_null(strstr(diag_at(&g, 9, 0), "VEVENT without UID"));
	evs_index *idx = th_open(dir);
	evs_results *r = th_search(idx, "briefing", NULL);
	assert_int_equal(evs_results_total(r), 1);
	assert_int_equal(strncmp(evs_hit_id(r, 0), "ics-", 4), 0);
	assert_string_equal(evs_hit_list_item(r, 0, EVS_LIST_ORGANISERS, 0),
	                    "desk@example.org");
	assert_int_equal(evs_hit_list_count(r, 0, EVS_LIST_PARTICIPANTS), 1);
	assert_string_equal(evs_hit_list_item(r, 0, EVS_LIST_PARTICIPANTS, 0),
	                    "Ana Ruiz");
	assert_string_equal(evs_hit_location(r, 0), "Hall 1, Main St");
	assert_int_equal(evs_hit_list_count(r, 0, EVS_LIST_TAGS), 2);
	assert_string_equal(evs_hit_list_item(r, 0, EVS_LIST_TAGS, 0), "a,b");
	assert_string_equal(evs_hit_list_item(r, 0, EVS_LIST_TAGS, 1), "c");
	char *id = strdup(evs_hit_id(r, 0));
	const char *rec = evs_hit_record(r, 0);
	assert_non_null(strstr(rec, "\"description\":\"Hello & welcome\\nCafé\""));
	evs_results_free(r);
	evs_search_options so = EVS_SEARCH_OPTIONS_INIT;
	so.flags = EVS_SEARCH_CANCELLED;
	r = th_search(idx, "briefing", &so);
	assert_int_equal(evs_results_total(r), 2);
	int c = th_hit_rank(r, "gone");
	assert_true(c >= 0);
	assert_string_equal(evs_hit_status(r, (size_t)c), "cancelled");
	evs_results_free(r);
	evs_index_close(idx);

	/* The derived id is stable: the same file again replaces it. */
	char *dir2 = th_tmpdir();
	diags g2 = {0};
	index_ics(dir2,
	          CAL("BEGIN:VEVENT\r\nSUMMARY:No uid briefing\r\n"
	              "DTSTART:20260106T100000Z\r\nEND:VEVENT\r\n"),
	          &g2, &st);
	idx = th_open(dir2);
	r = th_search(idx, "briefing", NULL);
	assert_string_equal(evs_hit_id(r, 0), id);
	evs_results_free(r);
	evs_index_close(idx);
	free(id);
	th_rmrf(dir2);
	th_rmrf(dir);
}

static void test_ics__broken_input(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	diags g = {0};
	evs_add_stats st;
	index_ics(dir,
	          "BEGIN:VCALENDAR\r\n"                              /* 1 */
	          "BEGIN:VEVENT\r\nUID:bad-utf8\r\n"                 /* 2, 3 */
	          "SUMMARY:caf\xC3\r\n"                              /* 4 */
	          "DTSTART:20260105T100000Z\r\nEND:VEVENT\r\n"       /* 5, 6 */
	          "BEGIN:VEVENT\r\nUID:no-start\r\nSUMMARY:x\r\n"    /* 7-9 */
	          "END:VEVENT\r\n"                                   /* 10 */
	          "BEGIN:VEVENT\r\nUID:bad-start\r\n"                /* 11, 12 */
	          "DTSTART:tomorrow\r\nEND:VEVENT\r\n"               /* 13, 14 */
	          "BEGIN:VEVENT\r\nUID:good\r\nSUMMARY:Good one\r\n" /* 15-17 */
	          "NO COLON HERE\r\n"                                /* 18 */
	          "DTSTART:20260107T100000Z\r\nEND:VEVENT\r\n"       /* 19, 20 */
	          "BEGIN:VEVENT\r\nUID:open\r\n"                     /* 21, 22 */
	          "DTSTART:20260108T100000Z\r\n"                     /* 23 */
	          "END:VCALENDAR\r\n",                               /* 24 */
	          &g, &st);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.skipped, 4);
	assert_non_null(diag_at(&g, 4, 1));
	assert_non_null(strstr(diag_at(&g, 4, 1), "invalid UTF-8"));
	assert_non_null(diag_at(&g, 7, 1));
	assert_non_null(strstr(diag_at(&g, 7, 1), "DTSTART"));
	assert_non_null(diag_at(&g, 13, 1));
	assert_non_null(diag_at(&g, 18, 0)); /* the bad line, the event kept */
	assert_non_null(diag_at(&g, 24, 1));
	assert_non_null(strstr(diag_at(&g, 24, 1), "no END:VEVENT"));
	evs_index *idx = th_open(dir);
	evs_results *r = th_search(idx, NULL, NULL);
	assert_int_equal(evs_results_total(r), 1);
	assert_string_equal(evs_hit_id(r, 0), "good");
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* What a review found, each a case: alarms left open or closed twice,
 * two overrides of one occurrence, DURATION across a change of offset, a
 * master without DTSTART, a VTIMEZONE with a rule no zone has, a
 * trailing backslash in CATEGORIES, our own line marks in the input, a
 * malformed END line, and a line over the reader's cap after an event. */
static void test_ics__review_cases(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	diags g = {0};
	evs_add_stats st;
	index_window(
	    dir,
	    CAL("BEGIN:VEVENT\r\nUID:open-alarm\r\nSUMMARY:alarm open\r\n"
	        "DTSTART:20250101T100000Z\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
	        "END:VEVENT\r\n" /* 3-9 */
	        "BEGIN:VEVENT\r\nUID:stray-end\r\nSUMMARY:stray end\r\n"
	        "END:VALARM\r\nDTSTART:20250102T100000Z\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:m\r\nSUMMARY:moved twice\r\n" /* 16 */
	        "DTSTART:20250106T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
	        "END:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:m\r\nRECURRENCE-ID:20250113T090000Z\r\n"
	        "SEQUENCE:2\r\nDTSTART:20250115T090000Z\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:m\r\nRECURRENCE-ID:20250113T090000Z\r\n"
	        "SEQUENCE:1\r\nDTSTART:20250114T090000Z\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:dst\r\nSUMMARY:a day long\r\n"
	        "DTSTART;TZID=Europe/Brussels:20250329T100000\r\n"
	        "DURATION:P1D\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:lost\r\nSUMMARY:bad master\r\n"
	        "DTSTART:garbage\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"
	        "BEGIN:VEVENT\r\nUID:lost\r\nRECURRENCE-ID:20250105T100000Z\r\n"
	        "SUMMARY:kept override\r\nDTSTART:20250105T120000Z\r\n"
	        "END:VEVENT\r\n"
	        "BEGIN:VTIMEZONE\r\nTZID:Evil/Zone\r\nBEGIN:STANDARD\r\n"
	        "DTSTART:19700101T000000\r\nRRULE:FREQ=MINUTELY\r\n"
	        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\n"
	        "END:VTIMEZONE\r\n"
	        "BEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:evil zone\r\n"
	        "DTSTART;TZID=Evil/Zone:20250301T100000\r\n"
	        "CATEGORIES:first,last\\\r\nX-EVS-BAD-DTSTART:77\r\n"
	        "END;X=1:VEVENT\r\nLOCATION:after the bad END\r\n"
	        "END:VEVENT\r\n"),
	    "2025-01-01", "2025-12-31", &g, &st);
	assert_int_equal(st.skipped, 1); /* the master without DTSTART */
	evs_index *idx = th_open(dir);
	evs_search_options so = EVS_SEARCH_OPTIONS_INIT;
	so.limit = 50;
	evs_results *r = th_search(idx, NULL, &so);
	assert_int_equal(evs_results_total(r), 6);
	assert_true(th_hit_rank(r, "open-alarm") >= 0);
	assert_true(th_hit_rank(r, "stray-end") >= 0);
	assert_true(th_hit_rank(r, "lost/20250105T100000Z") >= 0);
	int m = th_hit_rank(r, "m");
	assert_true(m >= 0);
	assert_int_equal(evs_hit_occurrence_count(r, (size_t)m), 3);
	assert_string_equal(evs_hit_occurrence_start(r, (size_t)m, 1),
	                    "2025-01-15T09:00:00Z");
	int d = th_hit_rank(r, "dst");
	assert_string_equal(evs_hit_end(r, (size_t)d), "2025-03-30T10:00:00+02:00");
	int e = th_hit_rank(r, "evil");
	assert_true(e >= 0);
	assert_string_equal(evs_hit_start(r, (size_t)e), "2025-03-01T10:00:00");
	assert_int_equal(evs_hit_list_count(r, (size_t)e, EVS_LIST_TAGS), 2);
	/* A lone backslash at the end escapes nothing: libical drops it. */
	assert_string_equal(evs_hit_list_item(r, (size_t)e, EVS_LIST_TAGS, 1),
	                    "last");
	assert_string_equal(evs_hit_location(r, (size_t)e), "after the bad END");
	evs_results_free(r);
	evs_index_close(idx);
	/* No message names a line the input made up. */
	for (size_t i = 0; i < g.n; i++)
		assert_true(g.line[i] < 80);
	th_rmrf(dir);

	/* A line over the reader's 64 MiB cap right after an event. */
	dir = th_tmpdir();
	memset(&g, 0, sizeof g);
	size_t big = ((size_t)64 << 20) + 16;
	const char *head = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n"
	                   "SUMMARY:before the long line\r\n"
	                   "DTSTART:20250101T100000Z\r\nEND:VEVENT\r\nX-JUNK:";
	const char *tail = "\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:after it\r\n"
	                   "DTSTART:20250102T100000Z\r\nEND:VEVENT\r\n"
	                   "END:VCALENDAR\r\n";
	char *ics = malloc(strlen(head) + big + strlen(tail) + 1);
	assert_non_null(ics);
	strcpy(ics, head);
	memset(ics + strlen(head), 'x', big);
	strcpy(ics + strlen(head) + big, tail);
	index_window(dir, ics, "2025", "2025", &g, &st);
	free(ics);
	assert_int_equal(st.added, 2);
	idx = th_open(dir);
	r = th_search(idx, NULL, NULL);
	assert_int_equal(evs_results_total(r), 2);
	evs_results_free(r);
	evs_index_close(idx);
	th_rmrf(dir);
}

/* Asserts that the event of id uid + suffix has the title want. */
static void assert_id_title(evs_index *idx, const char *uid,
                            const char *suffix, const char *want)
{
	char q[256];
	snprintf(q, sizeof q, "id:\"%s%s\"", uid, suffix);
	evs_results *r = th_search(idx, q, NULL);
	assert_int_equal(evs_results_count(r), 1);
	assert_string_equal(evs_hit_title(r, 0), want);
	evs_results_free(r);
}

/* A camp schedule that gives twelve talks one UID (tests/ics/
 * camp-reused-uid.ics, made up for this test), repeats one talk, and moves
 * another (SEQUENCE 1 first, the older SEQUENCE 0 after it): every talk
 * is kept under a stable derived id, with one warning per UID. */
static void test_ics__reused_uid(void **state)
{
	(void)state;
	char *path = th_source_path("tests/ics/camp-reused-uid.ics");
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char text[1 << 16];
	size_t n = fread(text, 1, sizeof text - 1, fp);
	fclose(fp);
	text[n] = '\0';
	const char *uid = "camp-2026-schedule@camp.example";
	for (int round = 0; round < 2; round++) {
		char *dir = th_tmpdir();
		diags g;
		memset(&g, 0, sizeof g);
		evs_add_stats stats;
		index_ics(dir, text, &g, &stats);
		/* 15 VEVENTs: 12 talks and 1 walk read, a repeat and an older
		 * version left out. */
		assert_int_equal(stats.read, 13);
		assert_int_equal(stats.added, 13);
		assert_int_equal(stats.replaced, 0);
		assert_int_equal(stats.skipped, 0);
		assert_int_equal(g.n, 3);
		assert_int_equal(g.line[0], 5);
		assert_non_null(strstr(g.text[0], "UID \"camp-2026-schedule@camp."
		                                  "example\" is given to 12 "
		                                  "different events"));
		assert_non_null(strstr(g.text[1], "1 more VEVENT repeats"));
		assert_int_equal(g.line[2], 109);
		assert_non_null(strstr(g.text[2], "night-walk@camp.example"));
		evs_index *idx = th_open(dir);
		evs_search_options so = EVS_SEARCH_OPTIONS_INIT;
		so.limit = 50;
		evs_results *r = th_search(idx, NULL, &so);
		assert_int_equal(evs_results_count(r), 13);
		evs_results_free(r);
		/* The first keeps the UID; the others' ids are derived from
		 * DTSTART and the SUMMARY's SHA-256, the same in every run. */
		assert_id_title(idx, uid, "", "Opening ceremony");
		assert_id_title(idx, uid, "#20260805T140000-244ddd43",
		                "Reverse engineering a bicycle lock");
		/* Two talks at the same time, in two rooms. */
		r = th_search(idx, "title:composting OR title:bicycle", NULL);
		assert_int_equal(evs_results_count(r), 2);
		evs_results_free(r);
		/* The walk of the highest SEQUENCE: 20:00, not 19:00. */
		r = th_search(idx, "id:night-walk@camp.example", NULL);
		assert_int_equal(evs_results_count(r), 1);
		assert_string_equal(evs_hit_start(r, 0),
		                    "2026-08-06T20:00:00+02:00");
		evs_results_free(r);
		evs_index_close(idx);
		th_rmrf(dir);
	}
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ics__time_zones),
	    cmocka_unit_test(test_ics__all_day_and_multi_day),
	    cmocka_unit_test(test_ics__weekly_exdate_override),
	    cmocka_unit_test(test_ics__long_running_rules),
	    cmocka_unit_test(test_ics__occurrence_cap_keeps_the_next),
	    cmocka_unit_test(test_ics__status_ids_text),
	    cmocka_unit_test(test_ics__broken_input),
	    cmocka_unit_test(test_ics__review_cases),
	    cmocka_unit_test(test_ics__reused_uid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
