/* read.c: iCalendar streams cut into components.
 *
 * libical parses whole components and reports errors as X-LIC-ERROR
 * properties without line numbers, and does not check UTF-8. So the lines
 * are read and unfolded here, counting physical lines, each checked for
 * UTF-8; the lines of one VEVENT (each property tagged with its line) or
 * one VTIMEZONE go to libical together. Where libical reports an error,
 * the component's lines are parsed again one at a time to find the line.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "file.h"
#include "normalize.h"
#include "reader.h"
#include "uid.h"
#include "util.h"
#include "vevent.h"
#include "xapian-shim.h"

/* ---- lines ---- */

/* A component being collected. */
typedef enum comp_kind {
	COMP_NONE,
	COMP_EVENT,
	COMP_ZONE,
	COMP_OTHER
} comp_kind;

/* One property line of a VEVENT: where it is in the text. */
typedef struct prop_line {
	uint64_t line;
	size_t off, len;
} prop_line;

/* A VEVENT kept for the end of the file. */
typedef struct deferred {
	icalcomponent *ev;
	uint64_t line;
	const char *uid; /* owned by ev */
	int override;    /* has RECURRENCE-ID */
	int done;
} deferred;

typedef struct stream {
	evs_ics_file f;
	evs_line_reader *rdp;
	/* The physical line being cut at lone CRs, and where the next piece
	 * starts. */
	size_t piece;
	int have_phys, eof;
	/* Unfolding: the logical line and its first physical line; the piece
	 * read ahead to see whether it continues it. */
	evs_buf logical, ahead;
	uint64_t logical_no, ahead_no;
	int have_ahead, ahead_too_long;
	uint64_t lone_crs; /* lone CRs so far: lines the reader does not count */
	int cut;           /* the logical line was cut at EVS_MAX_ICS_LINE */
	int too_long;      /* a physical line of the logical one was over the
	                      reader's cap */
	/* The component being collected. */
	comp_kind kind;
	char name[32]; /* its name, for END */
	int depth;
	uint64_t begin_no;
	evs_buf text;
	prop_line *props;
	size_t nprops, pcap;
	uint64_t bad_no; /* first bad line in it (0: none) */
	char bad[160];   /* what is wrong with it */
	/* The file as a whole. */
	int seen_content, in_calendar;
	deferred *defer;
	size_t ndefer, dcap;
} stream;

/* Reads the next physical line, or the next piece of one cut at a lone CR
 * (old Mac line ends; each counts as a line). Returns an EVS_LINE_* code;
 * the piece is rdp->line.p + start, n bytes. */
static int next_piece(stream *s, size_t *start, size_t *n, uint64_t *no)
{
	if (!s->have_phys || s->piece > s->rdp->line.len) {
		int r = evs_reader__next(s->rdp);
		*no = s->rdp->lineno + s->lone_crs;
		if (r != EVS_LINE_OK) {
			s->have_phys = 0;
			return r;
		}
		s->have_phys = 1;
		s->piece = 0;
	} else {
		s->lone_crs++; /* the piece after a lone CR */
	}
	const char *p = s->rdp->line.p + s->piece;
	size_t left = s->rdp->line.len - s->piece;
	const char *cr = memchr(p, '\r', left);
	*start = s->piece;
	*n = cr ? (size_t)(cr - p) : left;
	*no = s->rdp->lineno + s->lone_crs;
	s->piece += *n + 1;
	return EVS_LINE_OK;
}

/* Appends a physical piece to the logical line, cut at EVS_MAX_ICS_LINE
 * bytes (at a character boundary): the longest field is cut to 1 MiB
 * later anyway. */
static int add_piece(stream *s, const char *p, size_t n)
{
	if (s->logical.len + n > EVS_MAX_ICS_LINE) {
		size_t room = s->logical.len < EVS_MAX_ICS_LINE
		                  ? EVS_MAX_ICS_LINE - s->logical.len
		                  : 0;
		n = evs_util__utf8_cut(p, n, room);
		s->cut = 1;
	}
	return evs_buf__add(&s->logical, p, n);
}

/* Reads the next logical line into s->logical: EVS_LINE_OK, EVS_LINE_EOF,
 * or an error (EVS_LINE_ERROR, EVS_LINE_CANCELLED). A physical line over
 * the reader's cap is a logical line of its own, with s->too_long set. */
static int next_logical(stream *s)
{
	evs_buf__clear(&s->logical);
	s->too_long = 0;
	s->cut = 0;
	if (evs_buf__grow(&s->logical, 0) < 0)
		return EVS_LINE_ERROR;
	if (s->have_ahead) {
		s->have_ahead = 0;
		s->logical_no = s->ahead_no;
		if (s->ahead_too_long) {
			s->too_long = 1;
			return EVS_LINE_OK;
		}
		if (add_piece(s, s->ahead.p, s->ahead.len) < 0)
			return EVS_LINE_ERROR;
	} else {
		size_t st, n;
		uint64_t no;
		for (;;) {
			int r = next_piece(s, &st, &n, &no);
			if (r == EVS_LINE_TOO_LONG) {
				s->logical_no = no;
				s->too_long = 1;
				return EVS_LINE_OK;
			}
			if (r != EVS_LINE_OK)
				return r;
			if (n == 0)
				continue; /* blank lines are not content */
			if (add_piece(s, s->rdp->line.p + st, n) < 0)
				return EVS_LINE_ERROR;
			s->logical_no = no;
			break;
		}
	}
	/* Continuation lines begin with a space or a tab. */
	for (;;) {
		size_t st, n;
		uint64_t no;
		int r = next_piece(s, &st, &n, &no);
		if (r == EVS_LINE_EOF)
			return EVS_LINE_OK;
		if (r == EVS_LINE_TOO_LONG) {
			/* Not known to continue this line: a line of its own. */
			s->have_ahead = 1;
			s->ahead_too_long = 1;
			s->ahead_no = no;
			return EVS_LINE_OK;
		}
		if (r != EVS_LINE_OK)
			return r;
		const char *p = s->rdp->line.p + st;
		if (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
			if (add_piece(s, p + 1, n - 1) < 0)
				return EVS_LINE_ERROR;
			continue;
		}
		if (n == 0)
			continue;
		evs_buf__clear(&s->ahead);
		if (evs_buf__add(&s->ahead, p, n) < 0)
			return EVS_LINE_ERROR;
		s->ahead_no = no;
		s->have_ahead = 1;
		s->ahead_too_long = 0;
		return EVS_LINE_OK;
	}
}

/* If line is "BEGIN:x" or "END:x" (names are case-insensitive, spaces
 * after them tolerated), copies x (upper case) into name and returns 1
 * for BEGIN, 2 for END; else 0. */
static int begin_end(const char *line, size_t n, char name[32])
{
	int r;
	size_t i;
	if (n >= 6 && strncasecmp(line, "BEGIN:", 6) == 0) {
		r = 1;
		i = 6;
	} else if (n >= 4 && strncasecmp(line, "END:", 4) == 0) {
		r = 2;
		i = 4;
	} else {
		return 0;
	}
	while (n > i && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	size_t k = 0;
	for (; i < n && k < 31; i++, k++) {
		char c = line[i];
		name[k] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	name[k] = '\0';
	return r;
}

/* The length of a property name at the start of line (letters, digits,
 * dashes), or 0. */
static size_t name_len(const char *line, size_t n)
{
	size_t i = 0;
	while (i < n && ((line[i] >= 'A' && line[i] <= 'Z') ||
	                 (line[i] >= 'a' && line[i] <= 'z') ||
	                 (line[i] >= '0' && line[i] <= '9') || line[i] == '-'))
		i++;
	return i;
}

/* Where the value of a property line begins: after the first ':' outside
 * double quotes. n when there is none. */
static size_t value_start(const char *line, size_t n)
{
	int quoted = 0;
	for (size_t i = 0; i < n; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (line[i] == ':' && !quoted)
			return i + 1;
	}
	return n;
}

static int add_text(stream *s, const char *p, size_t n)
{
	return evs_buf__add(&s->text, p, n) < 0 ||
	               evs_buf__add(&s->text, "\r\n", 2) < 0
	           ? -1
	           : 0;
}

/* Adds one property line of a VEVENT to its text, with its line number
 * as a parameter. CATEGORIES lines are split into one line per category
 * here: libical 3.0 splits "a\,b,c" wrongly (as one value "a,b,c"). */
static int add_prop(stream *s, const char *line, size_t n, uint64_t no)
{
	size_t nl = name_len(line, n);
	/* Our own marks are ours: the input cannot set them. */
	if (nl >= 6 && strncasecmp(line, "X-EVS-", 6) == 0)
		return 0;
	/* "END;X=1:VEVENT" is no END line; libical would take it for one
	 * (and print to stderr), losing the lines after it. */
	if ((nl == 3 && strncasecmp(line, "END", 3) == 0) ||
	    (nl == 5 && strncasecmp(line, "BEGIN", 5) == 0)) {
		evs_ics__diag(&s->f, EVS_WARNING, no, 0,
		              "a malformed %.*s line; it is ignored", (int)nl, line);
		return 0;
	}
	if (s->nprops >= EVS_MAX_PROPERTIES) {
		if (s->nprops == EVS_MAX_PROPERTIES) {
			evs_ics__diag(&s->f, EVS_WARNING, no, 0,
			              "more than %d lines in one VEVENT: the rest are "
			              "ignored",
			              EVS_MAX_PROPERTIES);
			s->nprops++; /* warned */
		}
		return 0;
	}
	if (s->nprops == s->pcap) {
		prop_line *np =
		    evs_util__grow(s->props, &s->pcap, s->nprops + 1, sizeof *np, 32);
		if (!np)
			return -1;
		s->props = np;
	}
	size_t off = s->text.len;
	if (nl == 0 || nl == n || (line[nl] != ';' && line[nl] != ':')) {
		if (add_text(s, line, n) < 0)
			return -1;
	} else {
		char param[48];
		int pl = snprintf(param, sizeof param, ";%s=%llu", EVS_ICS_LINE_PARAM,
		                  (unsigned long long)no);
		size_t vs = value_start(line, n);
		if (nl == 10 && strncasecmp(line, "CATEGORIES", 10) == 0 && vs < n) {
			/* One line per unescaped comma, at most EVS_MAX_CATEGORIES
			 * (only EVS_MAX_MULTI tags are indexed). */
			size_t a = vs, values = 0;
			for (size_t i = vs; i <= n; i++) {
				if (i + 1 < n && line[i] == '\\') {
					i++;
					continue;
				}
				if (i < n && line[i] != ',')
					continue;
				if (++values > EVS_MAX_CATEGORIES) {
					evs_ics__diag(&s->f, EVS_WARNING, no, 0,
					              "CATEGORIES: only the first %d values are "
					              "read",
					              EVS_MAX_CATEGORIES);
					break;
				}
				if (evs_buf__add(&s->text, line, nl) < 0 ||
				    evs_buf__add(&s->text, param, (size_t)pl) < 0 ||
				    evs_buf__add(&s->text, line + nl, vs - nl) < 0 ||
				    add_text(s, line + a, i - a) < 0)
					return -1;
				a = i + 1;
			}
		} else if (evs_buf__add(&s->text, line, nl) < 0 ||
		           evs_buf__add(&s->text, param, (size_t)pl) < 0 ||
		           add_text(s, line + nl, n - nl) < 0) {
			return -1;
		}
	}
	s->props[s->nprops++] = (prop_line){no, off, s->text.len - off};
	return 0;
}

/* ---- components ---- */

static void comp_reset(stream *s)
{
	s->kind = COMP_NONE;
	s->depth = 0;
	s->nprops = 0;
	s->bad_no = 0;
	evs_buf__clear(&s->text);
}

static void mark_bad(stream *s, uint64_t no, const char *why)
{
	if (s->bad_no)
		return;
	s->bad_no = no;
	snprintf(s->bad, sizeof s->bad, "%s", why);
}

/* Whether a VEVENT line is worth a warning when libical cannot read it:
 * lines with no property name at all, and the properties that make the
 * event. A bad DTSTAMP or SEQUENCE changes nothing, and is not reported. */
static int worth_reporting(const char *line, size_t n, icalproperty *err)
{
	static const char *const used[] =
	    {"UID",           "SUMMARY",   "DESCRIPTION", "DTSTART",  "DTEND",
	     "DURATION",      "LOCATION",  "ORGANIZER",   "ATTENDEE", "CATEGORIES",
	     "URL",           "STATUS",    "RRULE",       "RDATE",    "EXDATE",
	     "RECURRENCE-ID", "X-ALT-DESC"};
	/* An empty value ("LOCATION:") is as good as no property. */
	while (n &&
	       (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	size_t vs = value_start(line, n);
	if (vs == n && n > 0 && line[n - 1] == ':')
		return 0;
	icalparameter *t =
	    icalproperty_get_first_parameter(err, ICAL_XLICERRORTYPE_PARAMETER);
	if (t) {
		icalparameter_xlicerrortype k = icalparameter_get_xlicerrortype(t);
		if (k == ICAL_XLICERRORTYPE_COMPONENTPARSEERROR ||
		    k == ICAL_XLICERRORTYPE_PROPERTYPARSEERROR)
			return 1;
	}
	size_t nl = name_len(line, n);
	for (size_t i = 0; i < sizeof used / sizeof used[0]; i++)
		if (strlen(used[i]) == nl && strncasecmp(line, used[i], nl) == 0)
			return 1;
	return 0;
}

/* Finds the lines of a VEVENT that libical reported errors about, by
 * parsing each line alone, and reports them: the property is left out,
 * the event kept. A DTSTART that is left out is noted on ev, for the
 * error that the event has none. */
static void locate_errors(stream *s, icalcomponent *ev)
{
	evs_buf one = EVS_BUF_INIT;
	size_t nprops =
	    s->nprops < EVS_MAX_PROPERTIES ? s->nprops : EVS_MAX_PROPERTIES;
	for (size_t i = 0; i < nprops; i++) {
		const prop_line *pl = &s->props[i];
		evs_buf__clear(&one);
		if (evs_buf__adds(&one, "BEGIN:VEVENT\r\n") < 0 ||
		    evs_buf__add(&one, s->text.p + pl->off, pl->len) < 0 ||
		    evs_buf__adds(&one, "END:VEVENT\r\n") < 0)
			break;
		icalcomponent *c = icalparser_parse_string(one.p);
		if (!c)
			continue;
		int dtstart =
		    pl->len >= 7 && strncasecmp(s->text.p + pl->off, "DTSTART", 7) == 0;
		for (icalproperty *e =
		         icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
		     e;
		     e = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
			const char *what = icalproperty_get_xlicerror(e);
			if (worth_reporting(s->text.p + pl->off, pl->len, e))
				evs_ics__diag(&s->f, EVS_WARNING, pl->line, 0,
				              "%s (libical); the line is left out",
				              what ? what : "cannot parse this line");
			if (dtstart) {
				char no[24];
				snprintf(no, sizeof no, "%llu", (unsigned long long)pl->line);
				icalproperty *x = icalproperty_new_x(no);
				if (x) {
					icalproperty_set_x_name(x, EVS_ICS_BAD_DTSTART);
					icalcomponent_add_property(ev, x);
				}
				dtstart = 0;
			}
		}
		icalcomponent_free(c);
	}
	evs_buf__dispose(&one);
}

static evs_status defer(stream *s, icalcomponent *ev, uint64_t line)
{
	if (s->ndefer == s->dcap) {
		deferred *d =
		    evs_util__grow(s->defer, &s->dcap, s->ndefer + 1, sizeof *d, 16);
		if (!d)
			return EVS_E_NOMEM;
		s->defer = d;
	}
	const char *uid = icalcomponent_get_uid(ev);
	s->defer[s->ndefer++] =
	    (deferred){ev, line, uid ? uid : "",
	               icalcomponent_get_first_property(
	                   ev, ICAL_RECURRENCEID_PROPERTY) != NULL,
	               0};
	return EVS_OK;
}

static evs_status end_event(stream *s)
{
	if (s->bad_no) {
		evs_ics__diag(&s->f, EVS_ERROR, s->bad_no, 1,
		              "%s; the VEVENT of line %llu is skipped", s->bad,
		              (unsigned long long)s->begin_no);
		return EVS_OK;
	}
	icalcomponent *ev = icalparser_parse_string(s->text.p);
	if (!ev || icalcomponent_isa(ev) != ICAL_VEVENT_COMPONENT) {
		if (ev)
			icalcomponent_free(ev);
		evs_ics__diag(&s->f, EVS_ERROR, s->begin_no, 1,
		              "libical cannot parse this VEVENT; it is skipped");
		return EVS_OK;
	}
	if (icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY))
		locate_errors(s, ev);
	if (evs_ics__recurs(ev) || !evs_ics__zones_known(&s->f, ev)) {
		evs_status st = defer(s, ev, s->begin_no);
		if (st != EVS_OK)
			icalcomponent_free(ev);
		return st;
	}
	evs_status st = evs_ics__emit(&s->f, ev, s->begin_no, NULL, 0);
	icalcomponent_free(ev);
	return st;
}

/* Whether a VTIMEZONE's rules are what time zones have: yearly rules, a
 * bounded number of parts and dates. libical expands every change of
 * offset up to the year it is asked about, so a rule by the minute would
 * take gigabytes. */
static int sane_zone(icalcomponent *c)
{
	size_t parts = 0, dates = 0;
	for (icalcomponent *sub =
	         icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	     sub; sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
		if (++parts > 200)
			return 0;
		for (icalproperty *p =
		         icalcomponent_get_first_property(sub, ICAL_RRULE_PROPERTY);
		     p; p = icalcomponent_get_next_property(sub, ICAL_RRULE_PROPERTY))
			if (icalproperty_get_rrule(p).freq != ICAL_YEARLY_RECURRENCE)
				return 0;
		for (icalproperty *p =
		         icalcomponent_get_first_property(sub, ICAL_RDATE_PROPERTY);
		     p; p = icalcomponent_get_next_property(sub, ICAL_RDATE_PROPERTY))
			if (++dates > 2000)
				return 0;
	}
	return 1;
}

static evs_status end_zone(stream *s)
{
	if (s->bad_no) {
		evs_ics__diag(&s->f, EVS_WARNING, s->bad_no, 0,
		              "%s; the VTIMEZONE of line %llu is ignored", s->bad,
		              (unsigned long long)s->begin_no);
		return EVS_OK;
	}
	icalcomponent *c = icalparser_parse_string(s->text.p);
	icalproperty *id =
	    c ? icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY) : NULL;
	const char *tzid = id ? icalproperty_get_tzid(id) : NULL;
	if (!c || icalcomponent_isa(c) != ICAL_VTIMEZONE_COMPONENT || !tzid ||
	    !*tzid) {
		if (c)
			icalcomponent_free(c);
		evs_ics__diag(&s->f, EVS_WARNING, s->begin_no, 0,
		              "VTIMEZONE without TZID; it is ignored");
		return EVS_OK;
	}
	if (!sane_zone(c)) {
		evs_ics__diag(&s->f, EVS_WARNING, s->begin_no, 0,
		              "VTIMEZONE \"%.60s\" has rules no time zone has (not "
		              "yearly, or too many); it is ignored",
		              tzid);
		icalcomponent_free(c);
		return EVS_OK;
	}
	if (s->f.nzones >= EVS_MAX_ZONES) {
		if (s->f.nzones == EVS_MAX_ZONES)
			evs_ics__diag(&s->f, EVS_WARNING, s->begin_no, 0,
			              "more than %d VTIMEZONEs: the rest are ignored",
			              EVS_MAX_ZONES);
		s->f.zones_ignored = 1;
		icalcomponent_free(c);
		return EVS_OK;
	}
	for (size_t i = 0; i < s->f.nzones; i++) {
		if (strcmp(s->f.zones[i].tzid, tzid) == 0) {
			icalcomponent_free(c);
			return EVS_OK; /* the first definition stays */
		}
	}
	if (s->f.nzones == s->f.zcap) {
		evs_ics_zone *z = evs_util__grow(s->f.zones, &s->f.zcap,
		                                 s->f.nzones + 1, sizeof *z, 8);
		if (!z) {
			icalcomponent_free(c);
			return EVS_E_NOMEM;
		}
		s->f.zones = z;
	}
	char *name = strdup(tzid);
	icaltimezone *zone = icaltimezone_new();
	if (!name || !zone) {
		free(name);
		if (zone)
			icaltimezone_free(zone, 1);
		icalcomponent_free(c);
		return EVS_E_NOMEM;
	}
	/* The zone owns the component from here. */
	if (!icaltimezone_set_component(zone, c)) {
		free(name);
		icaltimezone_free(zone, 1);
		icalcomponent_free(c);
		evs_ics__diag(&s->f, EVS_WARNING, s->begin_no, 0,
		              "VTIMEZONE \"%.60s\" cannot be used; it is ignored",
		              tzid);
		return EVS_OK;
	}
	s->f.zones[s->f.nzones++] = (evs_ics_zone){name, zone};
	return EVS_OK;
}

static evs_status end_component(stream *s)
{
	evs_status st = EVS_OK;
	if (s->kind == COMP_EVENT)
		st = end_event(s);
	else if (s->kind == COMP_ZONE)
		st = end_zone(s);
	comp_reset(s);
	return st;
}

/* A component that ends without its END line. */
static void unfinished(stream *s, uint64_t no, const char *why)
{
	if (s->kind == COMP_EVENT)
		evs_ics__diag(&s->f, EVS_ERROR, no, 1,
		              "%s: the VEVENT of line %llu has no END:VEVENT; it is "
		              "skipped",
		              why, (unsigned long long)s->begin_no);
	else if (s->kind == COMP_ZONE)
		evs_ics__diag(&s->f, EVS_WARNING, no, 0,
		              "%s: the VTIMEZONE of line %llu has no END:VTIMEZONE; "
		              "it is ignored",
		              why, (unsigned long long)s->begin_no);
	comp_reset(s);
}

static void begin_component(stream *s, const char *name, uint64_t no)
{
	comp_reset(s);
	s->kind = strcmp(name, "VEVENT") == 0      ? COMP_EVENT
	          : strcmp(name, "VTIMEZONE") == 0 ? COMP_ZONE
	                                           : COMP_OTHER;
	snprintf(s->name, sizeof s->name, "%s", name);
	s->depth = 1;
	s->begin_no = no;
	if (s->kind != COMP_OTHER) {
		evs_buf__adds(&s->text, "BEGIN:");
		evs_buf__adds(&s->text, name);
		evs_buf__adds(&s->text, "\r\n");
	}
}

/* Handles one logical line. */
static evs_status on_line(stream *s)
{
	const char *line = s->logical.p;
	size_t n = s->logical.len;
	uint64_t no = s->logical_no;
	char name[32] = ""; /* begin_end() fills it only for BEGIN and END */
	int be = s->too_long ? 0 : begin_end(line, n, name);

	if (!s->seen_content) {
		/* Bare components (a VEVENT without its VCALENDAR) are read all
		 * the same; anything else is not iCalendar. */
		s->seen_content = 1;
		if (be != 1)
			evs_ics__diag(&s->f, EVS_ERROR, no, 1,
			              "not an iCalendar stream: expected "
			              "BEGIN:VCALENDAR");
		else if (strcmp(name, "VCALENDAR") != 0)
			evs_ics__diag(&s->f, EVS_WARNING, no, 0,
			              "BEGIN:%s without BEGIN:VCALENDAR before it", name);
	}
	if (s->kind == COMP_NONE) {
		if (be == 1 && strcmp(name, "VCALENDAR") == 0)
			s->in_calendar++;
		else if (be == 2 && strcmp(name, "VCALENDAR") == 0)
			s->in_calendar -= s->in_calendar > 0;
		else if (be == 1)
			begin_component(s, name, no);
		return EVS_OK;
	}
	/* Inside a component. Its own END closes it, also when a component
	 * inside it (an alarm) was left open; END:VCALENDAR or a new VEVENT
	 * means it never ended; a stray END of something else is ignored. */
	int top = strcmp(name, "VEVENT") == 0 || strcmp(name, "VCALENDAR") == 0 ||
	          strcmp(name, "VTIMEZONE") == 0;
	if (be == 2 && strcmp(name, s->name) == 0 && s->depth > 1) {
		if (s->kind != COMP_OTHER)
			evs_ics__diag(&s->f, EVS_WARNING, no, 0,
			              "END:%s closes components left open inside it", name);
		s->depth = 1;
	} else if ((be == 1 && top) ||
	           (be == 2 && strcmp(name, "VCALENDAR") == 0)) {
		unfinished(s, no, be == 1 ? "BEGIN without END" : "END:VCALENDAR");
		return on_line(s);
	} else if (be == 2 && s->depth == 1 && strcmp(name, s->name) != 0) {
		if (s->kind != COMP_OTHER)
			evs_ics__diag(&s->f, EVS_WARNING, no, 0,
			              "END:%s without its BEGIN; it is ignored", name);
		return EVS_OK;
	}
	if (be == 1)
		s->depth++;
	else if (be == 2)
		s->depth--;
	if (s->kind == COMP_OTHER) {
		if (s->depth == 0)
			comp_reset(s);
		return EVS_OK;
	}
	/* The components inside a VEVENT (alarms) say nothing that is
	 * indexed: they are left out, and so are their broken lines. */
	if (s->kind == COMP_EVENT && (s->depth >= 2 || (be == 2 && s->depth == 1)))
		return EVS_OK;
	if (s->depth == 0) {
		if (add_text(s, line, n) < 0)
			return EVS_E_NOMEM;
		return end_component(s);
	}
	if (s->too_long) {
		mark_bad(s, no, "line longer than the reader's limit");
		return EVS_OK;
	}
	if (memchr(line, '\0', n)) {
		mark_bad(s, no, "NUL byte in the line");
		return EVS_OK;
	}
	if (!evs_utf8__valid(line, n)) {
		mark_bad(s, no, "invalid UTF-8");
		return EVS_OK;
	}
	if (s->cut && s->kind == COMP_EVENT)
		evs_ics__diag(&s->f, EVS_WARNING, no, 0,
		              "line longer than %zu MiB: cut there",
		              EVS_MAX_ICS_LINE >> 20);
	int rc = s->kind == COMP_EVENT && s->depth == 1 && !be
	             ? add_prop(s, line, n, no)
	             : add_text(s, line, n);
	if (rc < 0)
		return EVS_E_NOMEM;
	/* What libical will get, CATEGORIES split and lines tagged. */
	if (s->text.len > EVS_MAX_COMPONENT)
		mark_bad(s, no, "component larger than 16 MiB");
	return EVS_OK;
}

/* ---- recurring events, at the end of the file ---- */

static int by_uid(const void *a, const void *b)
{
	const deferred *x = *(deferred *const *)a, *y = *(deferred *const *)b;
	int c = strcmp(x->uid, y->uid);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Emits the deferred events in file order, each master with the
 * overrides of its UID. */
static evs_status flush_deferred(stream *s)
{
	evs_status st = EVS_OK;
	size_t n = s->ndefer;
	if (n == 0)
		return EVS_OK;
	deferred **sorted = malloc(n * sizeof *sorted);
	icalcomponent **ov = malloc(n * sizeof *ov);
	if (!sorted || !ov) {
		st = EVS_E_NOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = &s->defer[i];
	qsort(sorted, n, sizeof *sorted, by_uid);
	/* Recurring masters first, each with the overrides of its UID (which
	 * may come before it in the file); then what is left in file order:
	 * overrides without a master here, events that waited for a zone. */
	for (int pass = 0; pass < 2 && st == EVS_OK; pass++) {
		for (size_t i = 0; i < n && st == EVS_OK; i++) {
			deferred *d = &s->defer[i];
			/* A master that cannot be an event (no usable DTSTART)
			 * leaves its overrides to stand alone. */
			int master =
			    !d->override && *d->uid &&
			    (icalcomponent_get_first_property(d->ev, ICAL_RRULE_PROPERTY) ||
			     icalcomponent_get_first_property(d->ev,
			                                      ICAL_RDATE_PROPERTY)) &&
			    evs_ics__has_start(&s->f, d->ev);
			if (d->done || (pass == 0 && !master))
				continue;
			if (s->f.sink->cancel && s->f.sink->cancel(s->f.sink->ctx)) {
				st = EVS_E_CANCELLED;
				break;
			}
			size_t nov = 0;
			if (master) {
				/* Its overrides: the same UID, together in sorted. */
				size_t lo = 0, hi = n;
				while (lo < hi) {
					size_t mid = (lo + hi) / 2;
					if (strcmp(sorted[mid]->uid, d->uid) < 0)
						lo = mid + 1;
					else
						hi = mid;
				}
				for (size_t k = lo;
				     k < n && strcmp(sorted[k]->uid, d->uid) == 0; k++) {
					if (sorted[k]->override && !sorted[k]->done) {
						ov[nov++] = sorted[k]->ev;
						sorted[k]->done = 1;
					}
				}
			}
			d->done = 1;
			st = evs_ics__emit(&s->f, d->ev, d->line, ov, nov);
		}
	}
done:
	free(sorted);
	free(ov);
	return st;
}

/* ---- the stream ---- */

evs_status evs_ics__read(evs_line_reader *rd, const char *source,
                         const evs_ics_window *window, const evs_ics_sink *sink,
                         char *msg)
{
	stream s;
	evs_status st = EVS_OK;
	memset(&s, 0, sizeof s);
	s.f.source = source;
	s.f.win = window;
	s.f.sink = sink;
	s.f.msg = msg;
	/* libical's default may abort on errors: they are data here. */
	icalerror_set_errors_are_fatal(0);
	s.rdp = rd;
	for (;;) {
		int r = next_logical(&s);
		if (r == EVS_LINE_EOF)
			break;
		if (r == EVS_LINE_CANCELLED) {
			st = EVS_E_CANCELLED;
			break;
		}
		if (r == EVS_LINE_ERROR) {
			st = errno == ENOMEM ? EVS_E_NOMEM : EVS_E_IO;
			if (st == EVS_E_IO)
				snprintf(msg, XS_ERRLEN, "%s: cannot read: %s", source,
				         strerror(errno));
			break;
		}
		if (s.kind == COMP_NONE && sink->cancel && sink->cancel(sink->ctx)) {
			st = EVS_E_CANCELLED;
			break;
		}
		if ((st = on_line(&s)) != EVS_OK)
			break;
	}
	if (st == EVS_OK) {
		if (s.kind != COMP_NONE)
			unfinished(&s, s.rdp->lineno, "end of file");
		else if (s.in_calendar)
			evs_ics__diag(&s.f, EVS_WARNING, s.rdp->lineno, 0,
			              "end of file without END:VCALENDAR");
		st = flush_deferred(&s);
		if (st == EVS_OK)
			evs_ics__uid_report(&s.f);
	}
	evs_ics__uid_free(&s.f);
	for (size_t i = 0; i < s.ndefer; i++)
		icalcomponent_free(s.defer[i].ev);
	free(s.defer);
	for (size_t i = 0; i < s.f.nzones; i++) {
		icaltimezone_free(s.f.zones[i].zone, 1);
		free(s.f.zones[i].tzid);
	}
	free(s.f.zones);
	for (size_t i = 0; i < s.f.nunknown; i++)
		free(s.f.unknown[i]);
	free(s.f.unknown);
	evs_hashset__dispose(&s.f.derived);
	free(s.props);
	evs_buf__dispose(&s.text);
	evs_buf__dispose(&s.logical);
	evs_buf__dispose(&s.ahead);
	return st;
}
