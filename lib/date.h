/* date.h: ISO 8601 dates and date-times as event records give them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_DATE_H
#define EVS_DATE_H

#include <stddef.h>

typedef struct evs_datetime {
	int year, month, day; /* the local date the record gives */
	int hour, minute, second;
	int has_time;       /* 0 for a date "2022-05-25" */
	int has_offset;     /* 0 for floating local time */
	int offset_minutes; /* east of UTC */
} evs_datetime;

/* Parses "YYYY-MM-DD", or "YYYY-MM-DDThh:mm[:ss[.fff]]" followed by "Z",
 * "+hh:mm", "+hhmm", "+hh" or nothing (floating). Years 0001-9999; the
 * date must exist (no 2022-02-30); 24:00:00 is refused. Returns 0, or -1
 * with a reason in *why (static text). */
int evs_date__parse(evs_datetime *out, const char *s, size_t n,
                    const char **why);

/* Writes the local date as "YYYYMMDD" (9 bytes with the NUL). */
void evs_date__local_key(const evs_datetime *d, char out[9]);

/* Writes the last local day an event from start to end takes place on,
 * as "YYYYMMDD": end's date, or the day before when end is exactly
 * midnight (00:00:00) after start's date, since an event that ends at
 * 00:00 does not happen on that day. */
void evs_date__last_day_key(const evs_datetime *start, const evs_datetime *end,
                            char out[9]);

/* The same from ISO 8601 text as records hold it (end may be NULL: the
 * start's day). Writes "" when start is not a date. */
void evs_date__last_day_key_iso(const char *start, const char *end,
                                char out[9]);

/* Writes the instant as a sortable "YYYYMMDDhhmmss" in UTC (15 bytes with
 * the NUL); floating times and dates are taken as UTC. */
void evs_date__utc_key(const evs_datetime *d, char out[15]);

/* Compares two datetimes by instant (as evs_date__utc_key orders them). */
int evs_date__cmp(const evs_datetime *a, const evs_datetime *b);

/* Parses a filter bound: "YYYY", "YYYY-MM", "YYYY-MM-DD" or "today" (the
 * machine's local date), as the first (upper == 0) or last (upper != 0)
 * day it covers, written as "YYYYMMDD". Returns 0 or -1. */
int evs_date__filter_bound(const char *s, int upper, char out[9]);

int evs_date__days_in_month(int year, int month);

#endif
