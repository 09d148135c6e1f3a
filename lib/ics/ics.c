/* ics.c: what the iCalendar reader is given: the expansion window and
 * the names of the system's time zones.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "ics.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "util.h"

/* ---- the window ---- */

static void shift_years(char out[9], const struct tm *tm, int years)
{
	int y = tm->tm_year + 1900 + years;
	int m = tm->tm_mon + 1, d = tm->tm_mday;
	if (y < 1)
		y = 1;
	if (y > 9999)
		y = 9999;
	if (d > evs_date__days_in_month(y, m))
		d = evs_date__days_in_month(y, m);
	snprintf(out, 9, "%04u%02u%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
}

int evs_ics__window(evs_ics_window *w, const char *from, const char *to,
                    time_t now, char *why)
{
	struct tm tm;
	if (!localtime_r(&now, &tm)) {
		snprintf(why, EVS_ERRLEN, "the clock gives no date");
		return -1;
	}
	shift_years(w->today, &tm, 0);
	shift_years(w->from, &tm, -1);
	shift_years(w->to, &tm, 2);
	if (from && evs_date__filter_bound(from, 0, w->from) < 0) {
		snprintf(why, EVS_ERRLEN,
		         "expansion start \"%.40s\": expected YYYY, YYYY-MM, "
		         "YYYY-MM-DD or today",
		         from);
		return -1;
	}
	if (to && evs_date__filter_bound(to, 1, w->to) < 0) {
		snprintf(why, EVS_ERRLEN,
		         "expansion end \"%.40s\": expected YYYY, YYYY-MM, "
		         "YYYY-MM-DD or today",
		         to);
		return -1;
	}
	if (strcmp(w->from, w->to) > 0) {
		snprintf(why, EVS_ERRLEN, "the expansion window ends before it starts");
		return -1;
	}
	return 0;
}

/* ---- zone names ---- */

int evs_ics__known_zone(const char *name)
{
	if (strcmp(name, "UTC") == 0 || strcmp(name, "GMT") == 0 ||
	    strcmp(name, "Etc/UTC") == 0 || strcmp(name, "Z") == 0)
		return 1;
	return icaltimezone_get_builtin_timezone(name) != NULL;
}
