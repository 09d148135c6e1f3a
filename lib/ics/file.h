/* file.h: what the iCalendar stream reader (read.c), the VEVENT
 * converter (vevent.c) and the UIDs (uid.c) share: the state of one file
 * (its time zones, window and sink), its messages and the lines of its
 * properties.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_ICS_FILE_H
#define EVS_ICS_FILE_H

#include <libical/ical.h>
#include <stdint.h>

#include "ics.h"
#include "util.h"

/* The parameter the reader adds to every property of a VEVENT, so that a
 * property parsed by libical still knows its physical line. */
#define EVS_ICS_LINE_PARAM "X-EVS-LINE"

/* A property the reader adds to a VEVENT whose DTSTART line libical could
 * not parse: its value is that line. */
#define EVS_ICS_BAD_DTSTART "X-EVS-BAD-DTSTART"

/* A VTIMEZONE of the file. */
typedef struct evs_ics_zone {
	char *tzid;
	icaltimezone *zone;
} evs_ics_zone;

typedef struct evs_ics_file {
	const char *source;
	const evs_ics_window *win;
	const evs_ics_sink *sink;
	evs_ics_zone *zones;
	size_t nzones, zcap;
	int zones_ignored; /* EVS_MAX_ZONES was reached */
	char *msg;         /* XS_ERRLEN bytes: why the read failed */
	/* TZIDs already reported as unknown (each is reported once). */
	char **unknown;
	size_t nunknown;
	/* Hashes of the ids derived for events without UID, with how often
	 * each was given, so that two alike get two ids. */
	evs_hashset derived;
	/* The UIDs of the file and their events (uid.c). */
	struct evs_ics_uid *uids;
	size_t nuids, ucap;
	struct evs_ics_uev *uev;
	size_t nuev, uevcap;
} evs_ics_file;

/* Whether tzid was reported as unknown already; notes it if not. */
int evs_ics__reported_zone(evs_ics_file *f, const char *tzid);

/* Reports a message about line (printf-style). */
void evs_ics__diag(evs_ics_file *f, evs_severity sev, uint64_t line,
                   int skipped, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The physical line a property came from (0: unknown). */
uint64_t evs_ics__prop_line(icalproperty *p);

/* The zone a TZID names: a VTIMEZONE of the file, else the system's zone
 * of that name (tzdata, through libical), also when the TZID carries a
 * prefix ("/mozilla.org/20050126_1/Europe/Brussels"). NULL when unknown.
 * *iana (may be NULL) is set to the zone's IANA name, or NULL. */
icaltimezone *evs_ics__zone(evs_ics_file *f, const char *tzid,
                            const char **iana);

/* Whether every TZID of ev can be resolved now. */
int evs_ics__zones_known(evs_ics_file *f, icalcomponent *ev);

/* Whether ev is part of a recurring event: it has RRULE or RDATE (a
 * master) or RECURRENCE-ID (an override). */
int evs_ics__recurs(icalcomponent *ev);

#endif
