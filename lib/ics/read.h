/* read.h: the iCalendar stream reader (see ics.h for what it does).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_ICS_READ_H
#define EVS_ICS_READ_H

#include "ics.h"
#include "reader.h"

/* Reads an iCalendar stream from rd (set up by the caller, who disposes
 * of it), named source (also the base of ids
 * derived for events without UID). Returns EVS_OK, EVS_E_CANCELLED,
 * EVS_E_IO (reading failed: errno is kept, and msg, XS_ERRLEN bytes, says
 * so), EVS_E_NOMEM, or what sink->record returned. */
evs_status evs_ics__read(evs_line_reader *rd, const char *source,
                         const evs_ics_window *window, const evs_ics_sink *sink,
                         char *msg);

#endif
