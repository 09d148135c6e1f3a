/* query-dates.c: years typed among the words of a query (query-dates.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "query-dates.h"

#include <stdio.h>
#include <string.h>

#include "schema.h"

int evs_query_dates__year(const char *s, size_t n)
{
	int y = 0;
	if (n != 4)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		y = y * 10 + (s[i] - '0');
	}
	return y >= 1900 && y <= 2099 ? y : 0;
}

int evs_query_dates__month(const char *s, size_t n)
{
	static const char *const names[12] = {
	    "january", "february", "march",     "april",   "may",      "june",
	    "july",    "august",   "september", "october", "november", "december"};
	char w[10];
	if (n < 3 || n >= sizeof w)
		return 0;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
	w[n] = '\0';
	if (strcmp(w, "sept") == 0)
		return 9;
	for (int m = 0; m < 12; m++)
		if ((n == 3 || n == strlen(names[m])) &&
		    strncmp(names[m], w, n) == 0)
			return m + 1;
	return 0;
}

/* The events whose days overlap year (or its month 1-12): they start on
 * or before its last day and end on or after its first (the slots hold
 * local dates). */
static evs_status year_filter(evs_index *idx, int year, int month,
                              xs_query **out)
{
	char lo[16], hi[16];
	xs_query *v[2] = {NULL, NULL};
	snprintf(lo, sizeof lo, "%04d%02d01", year, month ? month : 1);
	snprintf(hi, sizeof hi, "%04d%02d31", year, month ? month : 12);
	evs_status st =
	    xs_query_value_cmp(&v[0], EVS_SLOT_START_DATE, 0, hi, idx->errmsg);
	if (st == EVS_OK)
		st = xs_query_value_cmp(&v[1], EVS_SLOT_END_DATE, 1, lo, idx->errmsg);
	if (st == EVS_OK)
		return xs_query_combine(out, XS_OP_AND, v, 2, idx->errmsg);
	xs_query_free(v[0]);
	xs_query_free(v[1]);
	return st;
}

evs_status evs_query_dates__boost(evs_index *idx, int year, int month,
                                  xs_query **q)
{
	xs_query *copy = NULL, *in = NULL, *v[2];
	evs_status st = xs_query_clone(&copy, *q, idx->errmsg);
	if (st == EVS_OK)
		st = year_filter(idx, year, month, &in);
	if (st != EVS_OK)
		goto fail;
	v[0] = copy;
	v[1] = in;
	copy = in = NULL;
	if ((st = xs_query_combine(&in, XS_OP_FILTER, v, 2, idx->errmsg)) !=
	        EVS_OK ||
	    (st = xs_query_scale(&in, in, EVS_YEAR_BOOST, idx->errmsg)) != EVS_OK)
		goto fail;
	v[0] = *q;
	v[1] = in;
	*q = NULL;
	return xs_query_combine(q, XS_OP_OR, v, 2, idx->errmsg);
fail:
	xs_query_free(copy);
	xs_query_free(in);
	xs_query_free(*q);
	*q = NULL;
	return st;
}
