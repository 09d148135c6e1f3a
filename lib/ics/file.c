/* file.c: the state of one iCalendar file that the stream reader
 * (read.c) and the VEVENT converter (vevent.c) share: its time zones,
 * its messages and the physical lines of properties.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xapian-shim.h"

/* ---- the file's time zones ---- */

void evs_ics__diag(evs_ics_file *f, evs_severity sev, uint64_t line,
                   int skipped, const char *fmt, ...)
{
	char msg[XS_ERRLEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	f->sink->diag(f->sink->ctx, sev, line, msg, skipped);
}

static icaltimezone *system_zone(const char *name)
{
	if (!*name)
		return NULL;
	icaltimezone *z = icaltimezone_get_builtin_timezone(name);
	if (!z)
		z = icaltimezone_get_builtin_timezone_from_tzid(name);
	return z;
}

icaltimezone *evs_ics__zone(evs_ics_file *f, const char *tzid,
                            const char **iana)
{
	icaltimezone *z = NULL, *sys = NULL;
	if (iana)
		*iana = NULL;
	if (!tzid)
		return NULL;
	for (size_t i = 0; i < f->nzones && !z; i++)
		if (strcmp(f->zones[i].tzid, tzid) == 0)
			z = f->zones[i].zone;
	/* The system's zone of that name, or of the name after a prefix
	 * ("/mozilla.org/20050126_1/Europe/Brussels", "/citadel.org/...");
	 * "UTC" and "GMT" are zones of their own. */
	if (strcasecmp(tzid, "UTC") == 0 || strcasecmp(tzid, "GMT") == 0 ||
	    strcasecmp(tzid, "Etc/UTC") == 0 || strcmp(tzid, "Z") == 0) {
		sys = icaltimezone_get_utc_timezone();
	} else if (strlen(tzid) <= 256) {
		/* The name itself, else the last two or three parts of a path
		 * ("Europe/Brussels", "America/Argentina/Buenos_Aires"). */
		sys = system_zone(tzid);
		const char *cut[3] = {NULL, NULL, NULL};
		for (const char *p = strchr(tzid, '/'); p; p = strchr(p + 1, '/')) {
			cut[0] = cut[1];
			cut[1] = cut[2];
			cut[2] = p;
		}
		for (int k = 0; k < 2 && !sys; k++)
			if (cut[k + 0] && cut[k] != tzid)
				sys = system_zone(cut[k] + 1);
	}
	if (!z)
		z = sys;
	if (iana && sys) {
		/* Loading a zone's rules replaces its location string: load
		 * them first, so that the name stays valid. */
		icaltimezone_get_component(sys);
		const char *loc = icaltimezone_get_location(sys);
		*iana = loc ? loc : "UTC";
	}
	return z;
}

int evs_ics__reported_zone(evs_ics_file *f, const char *tzid)
{
	for (size_t i = 0; i < f->nunknown; i++)
		if (strcmp(f->unknown[i], tzid) == 0)
			return 1;
	if (f->nunknown >= 64)
		return 1; /* enough said */
	char **u = realloc(f->unknown, (f->nunknown + 1) * sizeof *u);
	if (!u)
		return 0;
	f->unknown = u;
	if ((u[f->nunknown] = strdup(tzid)))
		f->nunknown++;
	return 0;
}

static int known(evs_ics_file *f, icalproperty *p)
{
	icalparameter *tz =
	    icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	return !tz || evs_ics__zone(f, icalparameter_get_tzid(tz), NULL) != NULL;
}

int evs_ics__zones_known(evs_ics_file *f, icalcomponent *ev)
{
	static const icalproperty_kind kinds[] = {ICAL_DTSTART_PROPERTY,
	                                          ICAL_DTEND_PROPERTY,
	                                          ICAL_RECURRENCEID_PROPERTY,
	                                          ICAL_RDATE_PROPERTY,
	                                          ICAL_EXDATE_PROPERTY};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		for (icalproperty *p = icalcomponent_get_first_property(ev, kinds[k]);
		     p; p = icalcomponent_get_next_property(ev, kinds[k]))
			if (!known(f, p))
				return 0;
	return 1;
}

int evs_ics__recurs(icalcomponent *ev)
{
	return icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) ||
	       icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY) ||
	       icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
}

uint64_t evs_ics__prop_line(icalproperty *p)
{
	for (icalparameter *x =
	         icalproperty_get_first_parameter(p, ICAL_X_PARAMETER);
	     x; x = icalproperty_get_next_parameter(p, ICAL_X_PARAMETER)) {
		const char *name = icalparameter_get_xname(x);
		const char *v = icalparameter_get_xvalue(x);
		if (name && v && strcmp(name, EVS_ICS_LINE_PARAM) == 0)
			return strtoull(v, NULL, 10);
	}
	return 0;
}
