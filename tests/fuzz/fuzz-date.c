/* fuzz-date.c: the ISO 8601 parser and the keys made from what it accepts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	evs_datetime d;
	const char *why;
	if (evs_date__parse(&d, (const char *)data, size, &why) == 0) {
		char local[9], utc[15];
		evs_date__local_key(&d, local);
		evs_date__utc_key(&d, utc);
		/* What is accepted is a real date, and its keys are digits. */
		if (d.month < 1 || d.month > 12 || d.day < 1 ||
		    d.day > evs_date__days_in_month(d.year, d.month) ||
		    strlen(local) != 8 || strlen(utc) != 14 ||
		    strspn(utc, "0123456789") != 14)
			__builtin_trap();
	}
	if (size < 16) {
		char s[16], out[9];
		memcpy(s, data, size);
		s[size] = '\0';
		evs_date__filter_bound(s, size & 1, out);
	}
	return 0;
}
