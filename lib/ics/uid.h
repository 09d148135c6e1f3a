/* uid.h: VEVENTs of one file that share a UID (see uid.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_ICS_UID_H
#define EVS_ICS_UID_H

#include "file.h"

/* What evs_ics__uid_place says to do with a VEVENT. */
enum { EVS_ICS_NEW, EVS_ICS_REPLACE, EVS_ICS_SKIP };

/* Places a VEVENT (without RECURRENCE-ID) of the UID uid that
 * begins at line among the file's events of that UID: EVS_ICS_NEW (an
 * event of its own), EVS_ICS_REPLACE (a newer SEQUENCE of one handed on
 * before) or EVS_ICS_SKIP (a repeat, or an older SEQUENCE). *id is the
 * id to give it (uid, or one derived; owned by f). -1: out of memory. */
int evs_ics__uid_place(evs_ics_file *f, icalcomponent *ev, const char *uid,
                       uint64_t line, const char **id);

/* Warns, once per UID, about the UIDs given to several events. */
void evs_ics__uid_report(evs_ics_file *f);

/* Frees what evs_ics__uid_place kept. */
void evs_ics__uid_free(evs_ics_file *f);

#endif
