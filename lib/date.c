/* date.c: ISO 8601 dates and date-times, strictly parsed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int evs_date__days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Reads exactly k digits at s[*i]. */
static int digits(const char *s, size_t n, size_t *i, int k, int *out)
{
	int v = 0;
	for (int j = 0; j < k; j++) {
		if (*i >= n || s[*i] < '0' || s[*i] > '9')
			return -1;
		v = v * 10 + (s[*i] - '0');
		(*i)++;
	}
	*out = v;
	return 0;
}

int evs_date__parse(evs_datetime *out, const char *s, size_t n,
                    const char **why)
{
	evs_datetime d;
	memset(&d, 0, sizeof d);
	size_t i = 0;
	*why = "not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)";
	if (digits(s, n, &i, 4, &d.year) || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 2, &d.month) || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 2, &d.day))
		return -1;
	if (d.year < 1) {
		*why = "year 0000 is out of range (0001-9999)";
		return -1;
	}
	if (d.month < 1 || d.month > 12 || d.day < 1 ||
	    d.day > evs_date__days_in_month(d.year, d.month)) {
		*why = "no such date";
		return -1;
	}
	if (i == n) {
		*out = d;
		return 0;
	}
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return -1;
	i++;
	d.has_time = 1;
	if (digits(s, n, &i, 2, &d.hour) || i >= n || s[i++] != ':' ||
	    digits(s, n, &i, 2, &d.minute))
		return -1;
	if (i < n && s[i] == ':') {
		i++;
		if (digits(s, n, &i, 2, &d.second))
			return -1;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			i++;
			size_t f = i;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i == f)
				return -1;
		}
	}
	if (d.hour > 23 || d.minute > 59 || d.second > 60) {
		*why = "no such time of day";
		return -1;
	}
	if (d.second == 60)
		d.second = 59; /* a leap second sorts within its minute */
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		d.has_offset = 1;
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;
		int oh, om = 0;
		i++;
		if (digits(s, n, &i, 2, &oh))
			return -1;
		if (i < n && s[i] == ':') {
			i++;
			if (digits(s, n, &i, 2, &om))
				return -1; /* "+02:" needs its minutes */
		} else if (i < n && digits(s, n, &i, 2, &om)) {
			return -1;
		}
		if (oh > 18 || om > 59 || oh * 60 + om > 18 * 60) {
			*why = "UTC offset out of range";
			return -1;
		}
		d.has_offset = 1;
		d.offset_minutes = sign * (oh * 60 + om);
	}
	if (i != n)
		return -1;
	*out = d;
	return 0;
}

void evs_date__local_key(const evs_datetime *d, char out[9])
{
	snprintf(out, 9, "%04u%02u%02u", (unsigned)d->year % 10000u,
	         (unsigned)d->month % 100u, (unsigned)d->day % 100u);
}

/* Days since 0001-01-01 of a civil date (proleptic Gregorian). */
static long day_number(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = yy / 400;
	long yoe = yy - era * 400;
	long mp = (m + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era = z / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

/* Minutes since the epoch of day_number(), in UTC. */
static long long utc_minutes(const evs_datetime *d)
{
	long long t = (long long)day_number(d->year, d->month, d->day) * 1440 +
	              d->hour * 60 + d->minute;
	return t - d->offset_minutes;
}

void evs_date__utc_key(const evs_datetime *d, char out[15])
{
	long long t = utc_minutes(d);
	long days = (long)(t / 1440);
	long rem = (long)(t % 1440);
	if (rem < 0) {
		rem += 1440;
		days--;
	}
	int y, m, dd;
	civil_from_days(days, &y, &m, &dd);
	/* Offsets can move 0001-01-01 before year 1 or 9999-12-31 past 9999:
	 * clamp, so that keys stay 14 digits and in order. */
	if (y < 1) {
		memcpy(out, "00000101000000", 15);
		return;
	}
	if (y > 9999) {
		memcpy(out, "99991231235959", 15);
		return;
	}
	snprintf(out, 15, "%04d%02d%02d%02ld%02ld%02d", y, m, dd, rem / 60,
	         rem % 60, d->second);
}

int evs_date__cmp(const evs_datetime *a, const evs_datetime *b)
{
	long long x = utc_minutes(a) * 60 + a->second;
	long long y = utc_minutes(b) * 60 + b->second;
	return x < y ? -1 : x > y;
}

int evs_date__filter_bound(const char *s, int upper, char out[9])
{
	int y = 0, m = 0, d = 0;
	size_t n = strlen(s), i = 0;
	if (strcmp(s, "today") == 0) {
		time_t now = time(NULL);
		struct tm tm;
		if (!localtime_r(&now, &tm))
			return -1;
		if (tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
			return -1;
		snprintf(out, 9, "%04u%02u%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
		return 0;
	}
	if (digits(s, n, &i, 4, &y) || y < 1)
		return -1;
	if (i == n) {
		m = upper ? 12 : 1;
		d = upper ? 31 : 1;
	} else {
		if (s[i++] != '-' || digits(s, n, &i, 2, &m) || m < 1 || m > 12)
			return -1;
		if (i == n) {
			d = upper ? evs_date__days_in_month(y, m) : 1;
		} else if (s[i++] != '-' || digits(s, n, &i, 2, &d) || i != n ||
		           d < 1 || d > evs_date__days_in_month(y, m)) {
			return -1;
		}
	}
	snprintf(out, 9, "%04u%02u%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
	return 0;
}

void evs_date__last_day_key(const evs_datetime *start, const evs_datetime *end,
                            char out[9])
{
	long ds = day_number(start->year, start->month, start->day);
	long de = day_number(end->year, end->month, end->day);
	if (end->has_time && end->hour == 0 && end->minute == 0 &&
	    end->second == 0 && de > ds) {
		evs_datetime prev = *end;
		civil_from_days(de - 1, &prev.year, &prev.month, &prev.day);
		evs_date__local_key(&prev, out);
		return;
	}
	evs_date__local_key(end, out);
}

void evs_date__last_day_key_iso(const char *start, const char *end, char out[9])
{
	evs_datetime s, e;
	const char *why;
	out[0] = '\0';
	if (!start || evs_date__parse(&s, start, strlen(start), &why) < 0)
		return;
	if (!end || evs_date__parse(&e, end, strlen(end), &why) < 0)
		e = s;
	evs_date__last_day_key(&s, &e, out);
}
