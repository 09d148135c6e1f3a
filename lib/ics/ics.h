/* ics.h: iCalendar (RFC 5545) feeds read as event records: what the
 * reader is given (read.h reads).
 *
 * The reader unfolds lines itself (so that every message can name the
 * physical line), checks UTF-8, cuts the stream into VEVENT and VTIMEZONE
 * components and hands each to libical. Each VEVENT becomes one JSON
 * record of the evsearch schema (docs/schema.md), the same as a JSON
 * Lines record: recurring events carry their occurrences within the
 * expansion window in "occurrences". Events are handed on as they end,
 * except recurring ones, their overrides (RECURRENCE-ID) and events whose
 * time zone is defined further down the file: those wait for the end of
 * the file, so memory grows with them only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_ICS_H
#define EVS_ICS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "evsearch.h"
#include "schema.h"

/* Steps a recurrence rule may take before expansion gives up on it (a
 * rule that yields nothing in the window, such as FREQ=SECONDLY, would
 * otherwise run for long). */
#define EVS_MAX_RECUR_STEPS 200000

/* A component (a VEVENT without its alarms) may hold this many bytes and
 * this many property lines: libical needs some 80 times the text's size
 * in memory. A longer unfolded line is cut (the longest field is cut to
 * 1 MiB anyway). */
#define EVS_MAX_COMPONENT ((size_t)16 << 20)
#define EVS_MAX_PROPERTIES 5000
#define EVS_MAX_ICS_LINE ((size_t)2 << 20)

/* CATEGORIES values read from one line. */
#define EVS_MAX_CATEGORIES 64

/* VTIMEZONEs of one file that are used; more are ignored. */
#define EVS_MAX_ZONES 1000

typedef struct evs_ics_sink {
	/* A record (JSON, len bytes) from the VEVENT that begins at line. A
	 * status other than EVS_OK stops reading and is returned. */
	evs_status (*record)(void *ctx, const char *json, size_t len,
	                     uint64_t line);
	/* A message about line (0: the file as a whole). skipped != 0 when
	 * an event was lost with it (an error). */
	void (*diag)(void *ctx, evs_severity sev, uint64_t line, const char *msg,
	             int skipped);
	/* Asked between components and when a read is interrupted: non-zero
	 * stops with EVS_E_CANCELLED. May be NULL. */
	int (*cancel)(void *ctx);
	void *ctx;
	/* A newer version (SEQUENCE) of a record handed on before from this
	 * file, with the same id: what it is replaced by. NULL: record. */
	evs_status (*replace)(void *ctx, const char *json, size_t len,
	                      uint64_t line);
} evs_ics_sink;

typedef struct evs_ics_window {
	/* Occurrences are expanded from..to (local dates, "YYYYMMDD",
	 * inclusive); today picks the occurrence an event is sorted and
	 * counted by: the first one that ends on or after it. */
	char from[9], to[9], today[9];
} evs_ics_window;

/* Sets the window: from and to as given ("YYYY-MM-DD", "YYYY", ...;
 * NULL: a year before today and two years after it), today from now (the
 * machine's local date). Returns 0, or -1 with a reason in why
 * (EVS_ERRLEN bytes). */
int evs_ics__window(evs_ics_window *w, const char *from, const char *to,
                    time_t now, char *why);

/* Whether name is a time zone of the system (tzdata, through libical),
 * such as "Europe/Brussels" or "UTC". */
int evs_ics__known_zone(const char *name);

#endif
