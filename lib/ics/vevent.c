/* vevent.c: one VEVENT (with the overrides of its occurrences) to one
 * event record of the evsearch schema (docs/schema.md, "iCalendar").
 *
 * Times keep the offset they had: 09:00 Europe/Brussels in winter becomes
 * "09:00:00+01:00", whatever zone the machine is in. A recurring event is
 * one record (so that totals and facets count events), with its
 * occurrences within the window in "occurrences" and, as its own start
 * and end, the first occurrence that ends on or after the window's today.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "vevent.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "sha256.h"
#include "uid.h"
#include "util.h"

/* One occurrence of an event. */
typedef struct occ {
	time_t at;                /* its start as an instant: order, matching */
	struct icaltimetype s, e; /* local times, in the zones sz and ez */
	icaltimezone *sz, *ez;
	int has_end;
	const char *title; /* an override's other SUMMARY, or NULL */
} occ;

typedef struct occs {
	occ *v;
	size_t n, cap;
	int full; /* EVS_MAX_OCC_KEPT was reached */
} occs;

/* Occurrences kept while expanding, before the EVS_MAX_OCCURRENCES
 * nearest to today are chosen. */
#define EVS_MAX_OCC_KEPT 50000

/* How long each occurrence lasts: days for all-day events; for timed
 * events, nominal days (a DURATION's days and weeks, which follow the
 * local clock across a change of offset) and then exact seconds; none
 * when the event gives no end. */
typedef struct span {
	int has_end;
	long long secs;
	int days;
} span;

/* ---- times ---- */

/* Whether t is a date (or date-time) evsearch can hold: years 0001-9999
 * (libical's own check stops at 3000). */
static int valid_time(struct icaltimetype t)
{
	if (t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12 ||
	    t.day < 1 || t.day > icaltime_days_in_month(t.month, t.year))
		return 0;
	return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 &&
	                     t.minute < 60 && t.second >= 0 && t.second <= 60);
}

/* The time of a date-valued property (DTSTART, DTEND, RDATE, EXDATE,
 * RECURRENCE-ID) with its zone; UTC for "Z", NULL for a floating time or
 * a date. Returns 0, or -1 when the property has no usable time. */
static int prop_time(evs_ics_file *f, icalproperty *p, struct icaltimetype *t,
                     icaltimezone **z, const char **iana,
                     struct icaltimetype *end)
{
	icalvalue *v = icalproperty_get_value(p);
	if (iana)
		*iana = NULL;
	if (end)
		*end = icaltime_null_time();
	if (!v)
		return -1;
	switch (icalvalue_isa(v)) {
	case ICAL_DATE_VALUE:
	case ICAL_DATETIME_VALUE: *t = icalvalue_get_datetime(v); break;
	case ICAL_DATETIMEPERIOD_VALUE: {
		struct icaldatetimeperiodtype d = icalvalue_get_datetimeperiod(v);
		if (!icaltime_is_null_time(d.time)) {
			*t = d.time;
			break;
		}
		*t = d.period.start;
		if (end)
			*end = !icaltime_is_null_time(d.period.end)
			           ? d.period.end
			           : icaltime_add(d.period.start, d.period.duration);
		break;
	}
	case ICAL_PERIOD_VALUE: {
		struct icalperiodtype pd = icalvalue_get_period(v);
		*t = pd.start;
		if (end)
			*end = !icaltime_is_null_time(pd.end)
			           ? pd.end
			           : icaltime_add(pd.start, pd.duration);
		break;
	}
	default: return -1;
	}
	if (icaltime_is_null_time(*t) || !valid_time(*t))
		return -1;
	*z = NULL;
	if (t->is_date) {
		t->zone = NULL;
		return 0;
	}
	if (icaltime_is_utc(*t)) {
		*z = icaltimezone_get_utc_timezone();
		if (iana)
			*iana = "UTC";
		return 0;
	}
	icalparameter *tp =
	    icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	const char *tzid = tp ? icalparameter_get_tzid(tp) : NULL;
	if (tzid && *tzid) {
		*z = evs_ics__zone(f, tzid, iana);
		if (!*z && !evs_ics__reported_zone(f, tzid))
			evs_ics__diag(f, EVS_WARNING, evs_ics__prop_line(p), 0,
			              "unknown time zone \"%.60s\": the time is taken "
			              "as floating (no offset)",
			              tzid);
	}
	t->zone = *z;
	if (end && !icaltime_is_null_time(*end) && !icaltime_is_utc(*end))
		end->zone = *z;
	return 0;
}

int evs_ics__has_start(evs_ics_file *f, icalcomponent *ev)
{
	struct icaltimetype t;
	icaltimezone *z;
	icalproperty *p =
	    icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	return p && prop_time(f, p, &t, &z, NULL, NULL) == 0;
}

static time_t instant(struct icaltimetype t, icaltimezone *z)
{
	return icaltime_as_timet_with_zone(t, t.is_date ? NULL : z);
}

static void date_key(struct icaltimetype t, char out[9])
{
	snprintf(out, 9, "%04u%02u%02u", (unsigned)t.year % 10000u,
	         (unsigned)t.month % 100u, (unsigned)t.day % 100u);
}

/* ISO 8601, as event records give dates: "2026-03-15", or
 * "2026-03-15T09:00:00" with "Z", the zone's offset at that time, or
 * nothing (floating). */
static void iso(struct icaltimetype t, icaltimezone *z, char out[40])
{
	if (t.is_date) {
		snprintf(out, 40, "%04d-%02d-%02d", t.year, t.month, t.day);
		return;
	}
	int n = snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month,
	                 t.day, t.hour, t.minute, t.second);
	if (n < 0 || n >= 40)
		return;
	if (z == icaltimezone_get_utc_timezone()) {
		snprintf(out + n, 40 - (size_t)n, "Z");
	} else if (z) {
		int dst = 0;
		int off = icaltimezone_get_utc_offset(z, &t, &dst);
		int a = off < 0 ? -off : off;
		snprintf(out + n, 40 - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+',
		         a / 3600 % 100, a / 60 % 60);
	}
}

/* The end of an occurrence that starts at s (in zone z), as sp says. */
static struct icaltimetype end_of(struct icaltimetype s, icaltimezone *z,
                                  const span *sp)
{
	struct icaltimetype e = s;
	if (s.is_date) {
		/* Inclusive: a one-day event ends on its start date. */
		if (sp->days > 1)
			icaltime_adjust(&e, sp->days - 1, 0, 0, 0);
		return e;
	}
	if (sp->days > 0)
		icaltime_adjust(&e, sp->days, 0, 0, 0);
	e = icaltime_from_timet_with_zone(instant(e, z) + (time_t)sp->secs, 0, z);
	e.zone = z;
	return e;
}

/* ---- occurrences ---- */

static int in_window(const evs_ics_file *f, struct icaltimetype s,
                     struct icaltimetype e)
{
	char ks[9], ke[9];
	date_key(s, ks);
	date_key(e, ke);
	return strcmp(ks, f->win->to) <= 0 && strcmp(ke, f->win->from) >= 0;
}

/* Adds an occurrence that starts at s; its end is e when given (not null),
 * else what sp says. Occurrences outside the window are not kept. */
static int add_occ(evs_ics_file *f, occs *o, struct icaltimetype s,
                   icaltimezone *z, struct icaltimetype e, icaltimezone *ez,
                   const span *sp)
{
	occ c;
	memset(&c, 0, sizeof c);
	c.s = s;
	c.sz = z;
	if (!icaltime_is_null_time(e)) {
		c.e = e;
		c.ez = ez;
		c.has_end = 1;
	} else {
		c.e = end_of(s, z, sp);
		c.ez = z;
		c.has_end = sp->has_end;
	}
	if (!in_window(f, c.s, c.e))
		return 0;
	if (o->n >= EVS_MAX_OCC_KEPT) {
		o->full = 1;
		return 0;
	}
	if (o->n == o->cap) {
		occ *v = evs_util__grow(o->v, &o->cap, o->n + 1, sizeof *v, 16);
		if (!v)
			return -1;
		o->v = v;
	}
	c.at = instant(c.s, c.sz);
	o->v[o->n++] = c;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const occ *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

static void sort_unique(occs *o)
{
	if (o->n == 0)
		return; /* o->v may be NULL, which qsort must not get */
	qsort(o->v, o->n, sizeof *o->v, by_start);
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++)
		if (k == 0 || o->v[i].at != o->v[k - 1].at)
			o->v[k++] = o->v[i];
	o->n = k;
}

/* The occurrence an EXDATE or a RECURRENCE-ID (t in zone z) names: the
 * same instant, or the same date when either is a date. A floating value
 * is taken in the series' zone z0. */
static occ *find_occ(occs *o, struct icaltimetype t, icaltimezone *z,
                     icaltimezone *z0)
{
	char kt[9], ko[9];
	time_t at = instant(t, z ? z : z0);
	date_key(t, kt);
	for (size_t i = 0; i < o->n; i++) {
		if (t.is_date || o->v[i].s.is_date) {
			date_key(o->v[i].s, ko);
			if (strcmp(kt, ko) == 0)
				return &o->v[i];
		} else if (o->v[i].at == at) {
			return &o->v[i];
		}
	}
	return NULL;
}

static void remove_occ(occs *o, occ *c)
{
	size_t i = (size_t)(c - o->v);
	memmove(c, c + 1, (o->n - i - 1) * sizeof *c);
	o->n--;
}

/* The first day of the window, days earlier, at the time of day (and in
 * the zone) of t: where an expansion may jump to. */
static struct icaltimetype window_start(const evs_ics_file *f,
                                        struct icaltimetype t, int days)
{
	int key = atoi(f->win->from);
	t.year = key / 10000;
	t.month = key / 100 % 100;
	t.day = key % 100;
	if (days)
		icaltime_adjust(&t, -days, 0, 0, 0);
	return t;
}

/* Whether an hourly rule r from t0 can match on some day of the window:
 * the same rule by the day, without its hours, stepped at most a few
 * thousand times. */
static int some_day(const evs_ics_file *f, struct icalrecurrencetype r,
                    struct icaltimetype t0)
{
	struct icalrecurrencetype d = r;
	d.freq = ICAL_DAILY_RECURRENCE;
	d.interval = 1;
	d.count = 0;
	d.by_hour[0] = ICAL_RECURRENCE_ARRAY_MAX;
	d.by_minute[0] = ICAL_RECURRENCE_ARRAY_MAX;
	d.by_second[0] = ICAL_RECURRENCE_ARRAY_MAX;
	if (d.by_month[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    d.by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    d.by_year_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    d.by_week_no[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    d.by_day[0] == ICAL_RECURRENCE_ARRAY_MAX)
		return 1; /* no day parts: every day matches */
	struct icaltimetype day = t0;
	day.is_date = 1;
	day.hour = day.minute = day.second = 0;
	day.zone = NULL;
	icalrecur_iterator *it = icalrecur_iterator_new(d, day);
	if (!it)
		return 0;
	/* By the day, every INTERVAL=1 rule may jump to the window. */
	struct icaltimetype from = window_start(f, day, 0);
	if (icaltime_compare(from, day) > 0)
		icalrecur_iterator_set_start(it, from);
	int found = 0;
	for (int step = 0; step < 5000 && !found; step++) {
		struct icaltimetype n = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(n))
			break;
		char k[9];
		date_key(n, k);
		if (strcmp(k, f->win->to) > 0)
			break;
		found = strcmp(k, f->win->from) >= 0;
	}
	icalrecur_iterator_free(it);
	return found;
}

/* The occurrences of one RRULE. */
static int expand_rule(evs_ics_file *f, icalproperty *p, struct icaltimetype t0,
                       icaltimezone *z0, const span *sp, occs *o)
{
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	uint64_t line = evs_ics__prop_line(p);
	if (r.freq == ICAL_NO_RECURRENCE) {
		evs_ics__diag(f, EVS_WARNING, line, 0,
		              "RRULE cannot be read; it is ignored");
		return 0;
	}
	/* libical looks for the next match of a rule one period at a time,
	 * inside one call, up to its last year: a rule by the second or
	 * minute that its BY parts make rare or impossible takes hours. Events
	 * do not recur by the minute: such rules are not expanded. An hourly
	 * rule with day parts is first tried by the day. */
	if (r.freq == ICAL_SECONDLY_RECURRENCE ||
	    r.freq == ICAL_MINUTELY_RECURRENCE) {
		evs_ics__diag(f, EVS_WARNING, line, 0,
		              "RRULE: FREQ=%s is not expanded (events do not recur "
		              "by the %s); only the other dates are indexed",
		              r.freq == ICAL_SECONDLY_RECURRENCE ? "SECONDLY"
		                                                 : "MINUTELY",
		              r.freq == ICAL_SECONDLY_RECURRENCE ? "second" : "minute");
		return 0;
	}
	if (r.freq == ICAL_HOURLY_RECURRENCE && !some_day(f, r, t0)) {
		evs_ics__diag(f, EVS_WARNING, line, 0,
		              "RRULE: no day in the window matches it; it is "
		              "ignored");
		return 0;
	}
	icalrecur_iterator *it = icalrecur_iterator_new(r, t0);
	if (!it) {
		evs_ics__diag(f, EVS_WARNING, line, 0,
		              "RRULE cannot be expanded (libical); it is ignored");
		return 0;
	}
	/* Jump to the window: the occurrences before it are not wanted (not
	 * possible with COUNT, which counts from DTSTART). A day more than the
	 * longest occurrence is kept, for one that starts before the window
	 * and reaches into it. libical 3.0 loses the phase of an hourly (or
	 * finer) rule with an INTERVAL when it jumps (FREQ=HOURLY;INTERVAL=7
	 * lands on the wrong hours), so such rules are stepped through. */
	char k0[9];
	date_key(t0, k0);
	int phase_safe = r.interval <= 1 || r.freq == ICAL_DAILY_RECURRENCE ||
	                 r.freq == ICAL_WEEKLY_RECURRENCE ||
	                 r.freq == ICAL_MONTHLY_RECURRENCE ||
	                 r.freq == ICAL_YEARLY_RECURRENCE;
	if (r.count == 0 && phase_safe && strcmp(k0, f->win->from) < 0) {
		struct icaltimetype from =
		    window_start(f, t0, sp->days + (int)(sp->secs / 86400) + 1);
		if (icaltime_compare(from, t0) > 0)
			icalrecur_iterator_set_start(it, from);
	}
	int rc = 0;
	for (unsigned step = 0;; step++) {
		if (step >= EVS_MAX_RECUR_STEPS) {
			evs_ics__diag(f, EVS_WARNING, line, 0,
			              "RRULE: stopped after %u steps without reaching "
			              "the end of the window",
			              step);
			break;
		}
		struct icaltimetype n = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(n))
			break;
		char kn[9];
		date_key(n, kn);
		if (strcmp(kn, f->win->to) > 0)
			break;
		n.zone = t0.is_date ? NULL : z0;
		n.is_date = t0.is_date;
		if ((rc = add_occ(f, o, n, z0, icaltime_null_time(), NULL, sp)) < 0 ||
		    o->full)
			break;
	}
	icalrecur_iterator_free(it);
	return rc;
}

/* An override, by the instant it replaces and its SEQUENCE. */
typedef struct override {
	icalcomponent *ov;
	struct icaltimetype rid;
	icaltimezone *rz;
	time_t at;
	int seq;
	size_t order;
} override;

static int by_rid(const void *a, const void *b)
{
	const override *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Applies the overrides (RECURRENCE-ID) ovs to the occurrences. Of two
 * for the same occurrence, the higher SEQUENCE (else the later in the
 * file) wins. */
static int apply_overrides(evs_ics_file *f, occs *o, icalcomponent *const *ovs,
                           size_t nov, icaltimezone *z0, const span *master,
                           const char *title)
{
	override *v = calloc(nov ? nov : 1, sizeof *v);
	size_t n = 0;
	if (!v)
		return -1;
	for (size_t i = 0; i < nov; i++) {
		icalproperty *rp =
		    icalcomponent_get_first_property(ovs[i],
		                                     ICAL_RECURRENCEID_PROPERTY);
		override *x = &v[n];
		if (!rp || prop_time(f, rp, &x->rid, &x->rz, NULL, NULL) < 0) {
			evs_ics__diag(f, EVS_WARNING, rp ? evs_ics__prop_line(rp) : 0, 0,
			              "RECURRENCE-ID cannot be read; the override is "
			              "ignored");
			continue;
		}
		icalproperty *sq =
		    icalcomponent_get_first_property(ovs[i], ICAL_SEQUENCE_PROPERTY);
		x->ov = ovs[i];
		x->at = instant(x->rid, x->rz ? x->rz : z0);
		x->seq = sq ? icalproperty_get_sequence(sq) : 0;
		x->order = i;
		n++;
	}
	qsort(v, n, sizeof *v, by_rid);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && v[i + 1].at == v[i].at)
			continue; /* a newer one follows */
		icalcomponent *ov = v[i].ov;
		struct icaltimetype rid = v[i].rid, s, e;
		icaltimezone *rz = v[i].rz, *sz, *ez = NULL;
		occ *c = find_occ(o, rid, rz, z0);
		icalproperty *st =
		    icalcomponent_get_first_property(ov, ICAL_STATUS_PROPERTY);
		if (st && icalproperty_get_status(st) == ICAL_STATUS_CANCELLED) {
			if (c)
				remove_occ(o, c);
			continue;
		}
		icalproperty *sp =
		    icalcomponent_get_first_property(ov, ICAL_DTSTART_PROPERTY);
		if (!sp || prop_time(f, sp, &s, &sz, NULL, NULL) < 0) {
			s = rid;
			sz = rz ? rz : z0;
		}
		e = icaltime_null_time();
		icalproperty *ep =
		    icalcomponent_get_first_property(ov, ICAL_DTEND_PROPERTY);
		icalproperty *dp =
		    icalcomponent_get_first_property(ov, ICAL_DURATION_PROPERTY);
		if (ep && prop_time(f, ep, &e, &ez, NULL, NULL) == 0 && e.is_date &&
		    s.is_date)
			icaltime_adjust(&e, -1, 0, 0, 0); /* DTEND dates exclude */
		else if (!ep && dp)
			e = icaltime_add(s, icalproperty_get_duration(dp)), ez = sz;
		if (!icaltime_is_null_time(e) && icaltime_compare(e, s) < 0)
			e = s, ez = sz;
		const char *sum = icalcomponent_get_summary(ov);
		if (c)
			remove_occ(o, c);
		size_t before = o->n;
		if (add_occ(f, o, s, sz, e, ez, master) < 0) {
			free(v);
			return -1;
		}
		if (o->n > before && sum && *sum && (!title || strcmp(sum, title)))
			o->v[o->n - 1].title = sum;
	}
	free(v);
	return 0;
}

/* Keeps the EVS_MAX_OCCURRENCES occurrences nearest to today: at most
 * 100 before it when later ones fill the rest. */
static void keep_nearest(evs_ics_file *f, occs *o, uint64_t line)
{
	size_t n = o->n, max = EVS_MAX_OCCURRENCES;
	if (n <= max)
		return;
	size_t k = n;
	for (size_t i = 0; i < n; i++) {
		char ke[9];
		date_key(o->v[i].e, ke);
		if (strcmp(ke, f->win->today) >= 0) {
			k = i;
			break;
		}
	}
	size_t later = n - k;
	size_t past = later >= max - 100 ? 100 : max - later;
	if (past > k)
		past = k;
	size_t from = k - past;
	memmove(o->v, o->v + from, max * sizeof *o->v);
	o->n = max;
	evs_ics__diag(f, EVS_WARNING, line, 0,
	              "%zu occurrences in the window: the %zu nearest to today "
	              "are indexed",
	              n, max);
}

/* All occurrences of a recurring event within the window; *in_window is
 * how many there were before EXDATE and overrides took any away. */
static int expand(evs_ics_file *f, icalcomponent *ev, struct icaltimetype t0,
                  icaltimezone *z0, const span *sp, icalcomponent *const *ovs,
                  size_t nov, const char *title, occs *o, size_t *in_window)
{
	/* DTSTART is the first occurrence, whatever the rules say. */
	if (add_occ(f, o, t0, z0, icaltime_null_time(), NULL, sp) < 0)
		return -1;
	for (icalproperty *p =
	         icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
	     p && !o->full;
	     p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY))
		if (expand_rule(f, p, t0, z0, sp, o) < 0)
			return -1;
	for (icalproperty *p =
	         icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY);
	     p; p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
		struct icaltimetype t, e;
		icaltimezone *z;
		if (prop_time(f, p, &t, &z, NULL, &e) < 0) {
			evs_ics__diag(f, EVS_WARNING, evs_ics__prop_line(p), 0,
			              "RDATE cannot be read; it is ignored");
			continue;
		}
		if (!icaltime_is_null_time(e) && icaltime_compare(e, t) < 0)
			e = icaltime_null_time();
		if (add_occ(f, o, t, z, e, z, sp) < 0)
			return -1;
	}
	sort_unique(o);
	*in_window = o->n;
	for (icalproperty *p =
	         icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
	     p; p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
		struct icaltimetype t;
		icaltimezone *z;
		if (prop_time(f, p, &t, &z, NULL, NULL) < 0) {
			evs_ics__diag(f, EVS_WARNING, evs_ics__prop_line(p), 0,
			              "EXDATE cannot be read; it is ignored");
			continue;
		}
		occ *c;
		while ((c = find_occ(o, t, z, z0)))
			remove_occ(o, c);
	}
	if (apply_overrides(f, o, ovs, nov, z0, sp, title) < 0)
		return -1;
	sort_unique(o);
	return 0;
}

/* ---- text ---- */

/* Appends the characters of a numeric or named reference at s (after the
 * '&'; n bytes left) to out; returns the bytes it used, or 0 when it is
 * not a reference (the '&' is then kept). */
static size_t entity(evs_buf *out, const char *s, size_t n)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {{"amp;", "&"},   {"lt;", "<"},    {"gt;", ">"},
	             {"quot;", "\""}, {"apos;", "'"},  {"nbsp;", " "},
	             {"ndash;", "–"}, {"mdash;", "—"}, {"hellip;", "…"},
	             {"rsquo;", "’"}, {"lsquo;", "‘"}, {"ldquo;", "“"},
	             {"rdquo;", "”"}, {"euro;", "€"}};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		size_t l = strlen(named[i].name);
		if (n >= l && strncasecmp(s, named[i].name, l) == 0) {
			evs_buf__adds(out, named[i].text);
			return l;
		}
	}
	if (n < 3 || s[0] != '#')
		return 0;
	size_t i = 1;
	int hex = s[1] == 'x' || s[1] == 'X';
	i += (size_t)hex;
	unsigned long cp = 0;
	size_t digits = 0;
	for (; i < n && digits < 8; i++, digits++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'          ? c - '0'
		        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
		                                      : -1;
		if (d < 0)
			break;
		cp = cp * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (digits == 0 || i >= n || s[i] != ';')
		return 0;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	char u[4];
	size_t ul;
	if (cp < 0x80) {
		u[0] = (char)cp;
		ul = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		ul = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		ul = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		ul = 4;
	}
	evs_buf__add(out, u, ul);
	return i + 1;
}

/* Whether the tag at s (after '<', n bytes left) is named name. */
static int tag_is(const char *s, size_t n, const char *name)
{
	size_t l = strlen(name);
	if (n > 0 && s[0] == '/') {
		s++;
		n--;
	}
	return n > l && strncasecmp(s, name, l) == 0 &&
	       (s[l] == '>' || s[l] == ' ' || s[l] == '/' || s[l] == '\t' ||
	        s[l] == '\n');
}

char *evs_ics__html_text(const char *html, size_t len)
{
	evs_buf out = EVS_BUF_INIT;
	static const char *const blocks[] = {"br",         "p",     "div", "li",
	                                     "tr",         "h1",    "h2",  "h3",
	                                     "h4",         "h5",    "h6",  "ul",
	                                     "ol",         "table", "dd",  "dt",
	                                     "blockquote", "hr"};
	if (evs_buf__grow(&out, len) < 0)
		return NULL;
	size_t i = 0;
	while (i < len) {
		char c = html[i];
		if (c == '<') {
			const char *t = html + i + 1;
			size_t left = len - i - 1;
			/* Scripts, styles and comments say nothing to read. */
			const char *skip_to = NULL;
			if (left >= 3 && strncmp(t, "!--", 3) == 0)
				skip_to = "-->";
			else if (tag_is(t, left, "script") && t[0] != '/')
				skip_to = "</script";
			else if (tag_is(t, left, "style") && t[0] != '/')
				skip_to = "</style";
			else if (tag_is(t, left, "head") && t[0] != '/')
				skip_to = "</head";
			int block = 0;
			for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
				block |= tag_is(t, left, blocks[b]);
			size_t end = i + 1;
			if (skip_to) {
				const char *e = NULL;
				for (size_t k = i + 1; k + strlen(skip_to) <= len; k++) {
					if (strncasecmp(html + k, skip_to, strlen(skip_to)) == 0) {
						e = html + k;
						break;
					}
				}
				end = e ? (size_t)(e - html) : len;
			}
			while (end < len && html[end] != '>')
				end++;
			i = end < len ? end + 1 : len;
			/* Blocks end lines; table cells are apart; other tags
			 * (<b>, <a>, <span>) join what is around them. */
			int cell = tag_is(t, left, "td") || tag_is(t, left, "th");
			if (block) {
				while (out.len && out.p[out.len - 1] == ' ')
					out.p[--out.len] = '\0';
				if (out.len && out.p[out.len - 1] != '\n')
					evs_buf__addc(&out, '\n');
			} else if (cell && out.len && out.p[out.len - 1] != ' ' &&
			           out.p[out.len - 1] != '\n') {
				evs_buf__addc(&out, ' ');
			}
			continue;
		}
		if (c == '&') {
			size_t used = entity(&out, html + i + 1, len - i - 1);
			if (used) {
				i += used + 1;
				continue;
			}
		}
		if (c == '\r' || c == '\n' || c == '\t')
			c = ' ';
		/* Runs of spaces become one, as a browser shows them. */
		if (c == ' ' && (out.len == 0 || out.p[out.len - 1] == ' ' ||
		                 out.p[out.len - 1] == '\n')) {
			i++;
			continue;
		}
		evs_buf__addc(&out, c);
		i++;
	}
	while (out.len && (out.p[out.len - 1] == ' ' || out.p[out.len - 1] == '\n'))
		out.p[--out.len] = '\0';
	if (!out.p && evs_buf__grow(&out, 1) < 0)
		return NULL;
	return evs_buf__detach(&out);
}

/* ---- the record ---- */

static int set_str(json_t *o, const char *key, const char *v)
{
	return json_object_set_new(o, key, json_string(v));
}

/* A text property's value, or NULL when absent or empty. */
static const char *text_of(icalcomponent *ev, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(ev, kind);
	const char *v = p ? icalproperty_get_value_as_string(p) : NULL;
	if (!p)
		return NULL;
	icalvalue *val = icalproperty_get_value(p);
	if (val && icalvalue_isa(val) == ICAL_TEXT_VALUE)
		v = icalvalue_get_text(val);
	return v && *v ? v : NULL;
}

/* "mailto:" (any case) removed. */
static const char *no_mailto(const char *s)
{
	return strncasecmp(s, "mailto:", 7) == 0 ? s + 7 : s;
}

static const char *param_text(icalproperty *p, icalparameter_kind kind,
                              char *buf, size_t cap)
{
	icalparameter *x = icalproperty_get_first_parameter(p, kind);
	if (!x)
		return NULL;
	char *s = icalparameter_as_ical_string_r(x);
	if (!s)
		return NULL;
	const char *eq = strchr(s, '=');
	snprintf(buf, cap, "%s", eq ? eq + 1 : s);
	free(s);
	size_t n = strlen(buf);
	if (n >= 2 && buf[0] == '"' && buf[n - 1] == '"') {
		memmove(buf, buf + 1, n - 2);
		buf[n - 2] = '\0';
	}
	return *buf ? buf : NULL;
}

static int add_people(icalcomponent *ev, json_t *rec)
{
	json_t *orgs = json_array(), *parts = json_array();
	int bad = !orgs || !parts;
	for (icalproperty *p =
	         icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
	     p && !bad;
	     p = icalcomponent_get_next_property(ev, ICAL_ORGANIZER_PROPERTY)) {
		icalparameter *cn =
		    icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
		const char *name = cn ? icalparameter_get_cn(cn) : NULL;
		if (!name || !*name) {
			const char *addr = icalproperty_get_organizer(p);
			name = addr ? no_mailto(addr) : NULL;
		}
		if (name && *name)
			bad |= json_array_append_new(orgs, json_string(name)) < 0;
	}
	for (icalproperty *p =
	         icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	     p && !bad;
	     p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		icalparameter *cn =
		    icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
		const char *name = cn ? icalparameter_get_cn(cn) : NULL;
		icalparameter *cu =
		    icalproperty_get_first_parameter(p, ICAL_CUTYPE_PARAMETER);
		icalparameter_cutype t =
		    cu ? icalparameter_get_cutype(cu) : ICAL_CUTYPE_INDIVIDUAL;
		/* Rooms and resources are not people. */
		if (!name || !*name || t == ICAL_CUTYPE_ROOM ||
		    t == ICAL_CUTYPE_RESOURCE)
			continue;
		char role[64];
		const char *r = param_text(p, ICAL_ROLE_PARAMETER, role, sizeof role);
		json_t *person = json_object();
		bad |= !person || set_str(person, "name", name) < 0;
		if (!bad && r && strcasecmp(r, "REQ-PARTICIPANT") != 0)
			bad |= set_str(person, "role", r) < 0;
		bad |= json_array_append_new(parts, person) < 0;
	}
	if (!bad && json_array_size(orgs))
		bad |= json_object_set(rec, "organisers", orgs) < 0;
	if (!bad && json_array_size(parts))
		bad |= json_object_set(rec, "participants", parts) < 0;
	json_decref(orgs);
	json_decref(parts);
	return bad ? -1 : 0;
}

static int add_tags(icalcomponent *ev, json_t *rec)
{
	json_t *tags = json_array();
	int bad = !tags;
	for (icalproperty *p =
	         icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY);
	     p && !bad;
	     p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY)) {
		const char *v = icalproperty_get_categories(p);
		if (!v)
			continue;
		while (*v == ' ')
			v++;
		size_t n = strlen(v);
		while (n && v[n - 1] == ' ')
			n--;
		if (n)
			bad |= json_array_append_new(tags, json_stringn(v, n)) < 0;
	}
	if (!bad && json_array_size(tags))
		bad |= json_object_set(rec, "tags", tags) < 0;
	json_decref(tags);
	return bad ? -1 : 0;
}

/* The description: DESCRIPTION, else an HTML X-ALT-DESC made text. */
static int add_description(icalcomponent *ev, json_t *rec)
{
	const char *d = text_of(ev, ICAL_DESCRIPTION_PROPERTY);
	if (d)
		return set_str(rec, "description", d);
	for (icalproperty *p =
	         icalcomponent_get_first_property(ev, ICAL_X_PROPERTY);
	     p; p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY)) {
		const char *name = icalproperty_get_x_name(p);
		if (!name || strcasecmp(name, "X-ALT-DESC") != 0)
			continue;
		const char *html = icalproperty_get_x(p);
		if (!html || !*html)
			continue;
		char *text = evs_ics__html_text(html, strlen(html));
		if (!text)
			return -1;
		int rc = *text ? set_str(rec, "description", text) : 0;
		free(text);
		return rc;
	}
	return 0;
}

/* The id of an event without UID: stable across runs, from the file
 * name, DTSTART and SUMMARY; the second event of a file that has the same
 * three gets "-2", and so on. Returns 0, or -1 when out of memory. */
static int derived_id(evs_ics_file *f, icalcomponent *ev, char out[48])
{
	evs_buf b = EVS_BUF_INIT;
	char hex[65];
	icalproperty *dp =
	    icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	const char *ds = dp ? icalproperty_get_value_as_string(dp) : NULL;
	const char *sum = icalcomponent_get_summary(ev);
	evs_buf__adds(&b, f->source);
	evs_buf__addc(&b, '\n');
	evs_buf__adds(&b, ds ? ds : "");
	evs_buf__addc(&b, '\n');
	evs_buf__adds(&b, sum ? sum : "");
	evs_sha256__hex(b.p ? b.p : "", b.len, hex);
	snprintf(out, 48, "ics-%.24s", hex);
	evs_buf__dispose(&b);
	/* How many ids alike this file gave already. */
	uint64_t h = 1469598103934665603ull;
	for (const char *p = out; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	long long same = evs_hashset__add(&f->derived, h | 1); /* never 0 */
	if (same < 0)
		return -1;
	if (same)
		snprintf(out + strlen(out), 16, "-%u", (unsigned)(same + 1));
	return 0;
}

static int add_occurrences(json_t *rec, const occs *o)
{
	json_t *a = json_array();
	int bad = !a;
	for (size_t i = 0; i < o->n && !bad; i++) {
		char s[40], e[40];
		json_t *one = json_object();
		iso(o->v[i].s, o->v[i].sz, s);
		bad |= !one || set_str(one, "start", s) < 0;
		if (!bad && o->v[i].has_end) {
			iso(o->v[i].e, o->v[i].ez, e);
			bad |= set_str(one, "end", e) < 0;
		}
		if (!bad && o->v[i].title)
			bad |= set_str(one, "title", o->v[i].title) < 0;
		bad |= json_array_append_new(a, one) < 0;
	}
	if (!bad)
		bad |= json_object_set(rec, "occurrences", a) < 0;
	json_decref(a);
	return bad ? -1 : 0;
}

/* The start (DTSTART) of ev in *t0 and *z0, and the IANA name of its
 * zone in tzname (64 bytes; "" when none). Returns 0, or -1 when there is
 * no usable DTSTART: reported as an error, at the DTSTART line libical
 * could not parse when the reader noted it. */
static int start_of(evs_ics_file *f, icalcomponent *ev, uint64_t line,
                    struct icaltimetype *t0, icaltimezone **z0, char *tzname)
{
	icalproperty *dp =
	    icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	const char *iana = NULL;
	*tzname = '\0';
	if (dp && prop_time(f, dp, t0, z0, &iana, NULL) == 0) {
		if (iana)
			snprintf(tzname, 64, "%s", iana);
		return 0;
	}
	uint64_t at = dp ? evs_ics__prop_line(dp) : 0;
	for (icalproperty *x =
	         icalcomponent_get_first_property(ev, ICAL_X_PROPERTY);
	     x && !at; x = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY)) {
		const char *n = icalproperty_get_x_name(x);
		if (n && strcmp(n, EVS_ICS_BAD_DTSTART) == 0)
			at = strtoull(icalproperty_get_x(x), NULL, 10);
	}
	evs_ics__diag(f, EVS_ERROR, at ? at : line, 1,
	              "VEVENT without a usable DTSTART; it is skipped");
	return -1;
}

/* Sets the "id" of rec: the UID, one derived for an event without UID or
 * for another event of a reused UID (uid.c), or UID/RECURRENCE-ID for an
 * override that has no master here. *replaces: the record replaces one
 * handed on before (a newer SEQUENCE). Returns 0, 1 when the event is to
 * be skipped (a repeat, an older SEQUENCE), or -1 when out of memory. */
static int set_id(evs_ics_file *f, icalcomponent *ev, uint64_t line,
                  json_t *rec, int *replaces)
{
	const char *uid = icalcomponent_get_uid(ev);
	char idbuf[48];
	*replaces = 0;
	if (!uid || !*uid) {
		if (derived_id(f, ev, idbuf) < 0)
			return -1;
		uid = idbuf;
		evs_ics__diag(f, EVS_WARNING, line, 0,
		              "VEVENT without UID: its id is \"%s\" (from the file "
		              "name, DTSTART and SUMMARY)",
		              idbuf);
	}
	icalproperty *rp =
	    icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
	if (rp) {
		char *rid = icalproperty_get_value_as_string_r(rp);
		char *id = malloc(strlen(uid) + (rid ? strlen(rid) : 0) + 2);
		int bad = !id;
		if (id) {
			sprintf(id, "%s/%s", uid, rid ? rid : "");
			bad = set_str(rec, "id", id) < 0;
		}
		free(id);
		free(rid);
		return bad ? -1 : 0;
	}
	int place =
	    uid == idbuf ? EVS_ICS_NEW : evs_ics__uid_place(f, ev, uid, line, &uid);
	if (place < 0)
		return -1;
	if (place == EVS_ICS_SKIP)
		return 1;
	*replaces = place == EVS_ICS_REPLACE;
	return set_str(rec, "id", uid) < 0 ? -1 : 0;
}

/* The end of an event that starts at t0 (zone z0): DTEND (a date DTEND
 * is the day after the last; one before DTSTART is ignored with a
 * warning) into *te and *ze, else DURATION, else none; *sp says how
 * long. Returns whether a usable DTEND was found. */
static int end_of_event(evs_ics_file *f, icalcomponent *ev,
                        struct icaltimetype t0, icaltimezone *z0,
                        struct icaltimetype *te, icaltimezone **ze, span *sp)
{
	*sp = (span){0, 0, t0.is_date ? 1 : 0};
	icalproperty *ep =
	    icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
	icalproperty *up =
	    icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
	if (ep && prop_time(f, ep, te, ze, NULL, NULL) == 0) {
		if (t0.is_date && te->is_date) {
			te->zone = NULL;
			int days = (int)((instant(*te, NULL) - instant(t0, NULL)) / 86400);
			if (days >= 1)
				icaltime_adjust(te, -1, 0, 0, 0);
			sp->days = days > 1 ? days : 1;
			sp->has_end = days > 1;
		} else {
			sp->secs = (long long)(instant(*te, *ze) - instant(t0, z0));
			sp->has_end = 1;
		}
		/* As the record's check will compare them: instants (floating
		 * times as UTC) when both have a time, else dates. */
		char ks[9], ke[9];
		date_key(t0, ks);
		date_key(*te, ke);
		int before = !t0.is_date && !te->is_date
		                 ? instant(*te, *ze) < instant(t0, z0)
		                 : strcmp(ke, ks) < 0;
		if (!before)
			return 1;
		evs_ics__diag(f, EVS_WARNING, evs_ics__prop_line(ep), 0,
		              "DTEND before DTSTART; it is ignored");
		*sp = (span){0, 0, t0.is_date ? 1 : 0};
	} else if (up) {
		struct icaldurationtype d = icalproperty_get_duration(up);
		long long secs = icaldurationtype_as_int(d);
		if (secs < 0) {
			evs_ics__diag(f, EVS_WARNING, evs_ics__prop_line(up), 0,
			              "negative DURATION; it is ignored");
		} else if (t0.is_date) {
			sp->days = secs >= 86400 ? (int)(secs / 86400) : 1;
			sp->has_end = sp->days > 1;
		} else {
			/* Days and weeks are nominal: 10:00 plus P1D is 10:00 the
			 * next day, also across a change to summer time. */
			sp->days = d.days + 7 * d.weeks;
			sp->secs = (long long)d.hours * 3600 + d.minutes * 60 + d.seconds;
			sp->has_end = 1;
		}
	}
	return 0;
}

/* Sets "start", "end" and "occurrences" of rec: a recurring event is
 * shown, sorted and counted by its next occurrence (the first that ends
 * on or after the window's today, else the last). Returns 0, or -1 when
 * out of memory. */
static int set_times(evs_ics_file *f, json_t *rec, const occs *o,
                     struct icaltimetype t0, icaltimezone *z0,
                     struct icaltimetype te, icaltimezone *ze, const span *sp,
                     int has_dtend)
{
	char s[40], e[40];
	int bad = 0;
	if (o->n > 0) {
		size_t k = o->n - 1;
		for (size_t i = 0; i < o->n; i++) {
			char ke[9];
			date_key(o->v[i].e, ke);
			if (strcmp(ke, f->win->today) >= 0) {
				k = i;
				break;
			}
		}
		iso(o->v[k].s, o->v[k].sz, s);
		bad |= set_str(rec, "start", s) < 0;
		if (o->v[k].has_end) {
			iso(o->v[k].e, o->v[k].ez, e);
			bad |= set_str(rec, "end", e) < 0;
		}
		bad |= add_occurrences(rec, o) < 0;
	} else {
		iso(t0, z0, s);
		bad |= set_str(rec, "start", s) < 0;
		if (has_dtend && sp->has_end) {
			iso(te, ze, e);
			bad |= set_str(rec, "end", e) < 0;
		} else if (!has_dtend && sp->has_end) {
			struct icaltimetype x = end_of(t0, z0, sp);
			iso(x, z0, e);
			bad |= set_str(rec, "end", e) < 0;
		}
	}
	return bad ? -1 : 0;
}

/* Sets the fields of rec that are copied from properties: location,
 * url, status, language, description, people and tags. Returns 0, or -1
 * when out of memory. */
static int set_details(icalcomponent *ev, json_t *rec)
{
	int bad = 0;
	const char *loc = text_of(ev, ICAL_LOCATION_PROPERTY);
	if (loc)
		bad |= set_str(rec, "location", loc) < 0;
	icalproperty *urlp =
	    icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY);
	const char *url = urlp ? icalproperty_get_url(urlp) : NULL;
	if (url && *url)
		bad |= set_str(rec, "url", url) < 0;
	icalproperty *stp =
	    icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);
	if (stp) {
		icalproperty_status v = icalproperty_get_status(stp);
		const char *name = v == ICAL_STATUS_CANCELLED   ? "cancelled"
		                   : v == ICAL_STATUS_TENTATIVE ? "tentative"
		                   : v == ICAL_STATUS_CONFIRMED ? "confirmed"
		                                                : NULL;
		if (name)
			bad |= set_str(rec, "status", name) < 0;
	}
	icalproperty *sum =
	    icalcomponent_get_first_property(ev, ICAL_SUMMARY_PROPERTY);
	char lang[32];
	if (sum && param_text(sum, ICAL_LANGUAGE_PARAMETER, lang, sizeof lang))
		bad |= set_str(rec, "language", lang) < 0;
	bad |= add_description(ev, rec) < 0 || add_people(ev, rec) < 0 ||
	       add_tags(ev, rec) < 0;
	return bad ? -1 : 0;
}

evs_status evs_ics__emit(evs_ics_file *f, icalcomponent *ev, uint64_t line,
                         icalcomponent *const *ovs, size_t nov)
{
	evs_status st = EVS_OK;
	occs o = {NULL, 0, 0, 0};
	char *json = NULL;
	json_t *rec = json_object();
	if (!rec)
		return EVS_E_NOMEM;
	int bad = 0, replaces = 0;

	/* DTSTART, without which there is no event, then the id. */
	struct icaltimetype t0, te = icaltime_null_time();
	icaltimezone *z0 = NULL, *ze = NULL;
	char tzname[64];
	if (start_of(f, ev, line, &t0, &z0, tzname) < 0)
		goto done;
	int placed = set_id(f, ev, line, rec, &replaces);
	if (placed != 0) {
		st = placed < 0 ? EVS_E_NOMEM : EVS_OK;
		goto done;
	}

	const char *title = icalcomponent_get_summary(ev);
	if (!title || !*title) {
		evs_ics__diag(f, EVS_WARNING, line, 0,
		              "VEVENT without SUMMARY: its title is \"(untitled)\"");
		title = "(untitled)";
	}
	bad |= set_str(rec, "title", title) < 0;
	span sp;
	int has_dtend = end_of_event(f, ev, t0, z0, &te, &ze, &sp);

	/* Occurrences, for a master of a recurring event. */
	int recurs = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) ||
	             icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY);
	size_t in_window = 0;
	if (recurs &&
	    expand(f, ev, t0, z0, &sp, ovs, nov, title, &o, &in_window) < 0) {
		st = EVS_E_NOMEM;
		goto done;
	}
	if (o.full)
		evs_ics__diag(f, EVS_WARNING, line, 0,
		              "more than %d occurrences in the window: expansion "
		              "stopped there",
		              EVS_MAX_OCC_KEPT);
	if (in_window && o.n == 0) {
		evs_ics__diag(f, EVS_WARNING, line, 0,
		              "every occurrence in the window is excluded (EXDATE or "
		              "cancelled); the event is not indexed");
		goto done;
	}
	keep_nearest(f, &o, line);
	bad |= set_times(f, rec, &o, t0, z0, te, ze, &sp, has_dtend) < 0;
	if (*tzname && !t0.is_date)
		bad |= set_str(rec, "timezone", tzname) < 0;
	bad |= set_details(ev, rec) < 0;
	if (bad) {
		st = EVS_E_NOMEM;
		goto done;
	}
	json = json_dumps(rec, JSON_COMPACT);
	if (!json) {
		st = EVS_E_NOMEM;
		goto done;
	}
	if (replaces && f->sink->replace)
		st = f->sink->replace(f->sink->ctx, json, strlen(json), line);
	else
		st = f->sink->record(f->sink->ctx, json, strlen(json), line);
done:
	free(json);
	free(o.v);
	json_decref(rec);
	return st;
}
