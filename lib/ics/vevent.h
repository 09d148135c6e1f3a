/* vevent.h: one VEVENT (with the overrides of its occurrences) to one
 * event record.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_ICS_VEVENT_H
#define EVS_ICS_VEVENT_H

#include "file.h"

/* Whether ev has a DTSTART that can be an event's start. */
int evs_ics__has_start(evs_ics_file *f, icalcomponent *ev);

/* Converts a VEVENT that begins at line, with the overrides of its
 * occurrences (n of them, may be 0), to a record and hands it to the
 * sink. A VEVENT that cannot be an event (no DTSTART) is reported as an
 * error instead. Returns the sink's status, or EVS_E_NOMEM. */
evs_status evs_ics__emit(evs_ics_file *f, icalcomponent *ev, uint64_t line,
                         icalcomponent *const *overrides, size_t n);

/* HTML (an X-ALT-DESC) reduced to text: tags removed, block ends and
 * <br> made line breaks, the common entities and numeric references
 * decoded. Returns a string to free, or NULL when out of memory. */
char *evs_ics__html_text(const char *html, size_t len);

#endif
