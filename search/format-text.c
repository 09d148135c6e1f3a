/* format-text.c: evsearch's text output, formatted from the same results
 * that the JSON document is built from.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                     "May", "Jun", "Jul", "Aug",
                                     "Sep", "Oct", "Nov", "Dec"};

typedef struct when {
	int y, m, d, has_time, hh, mm;
	char zone[16];
} when;

/* Reads what the indexer already checked: YYYY-MM-DD[Thh:mm...][zone]. */
static int parse(const char *s, when *w)
{
	memset(w, 0, sizeof *w);
	if (!s || sscanf(s, "%4d-%2d-%2d", &w->y, &w->m, &w->d) != 3 ||
	    w->m < 1 || w->m > 12)
		return -1;
	if (strlen(s) > 10 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
	    sscanf(s + 11, "%2d:%2d", &w->hh, &w->mm) == 2) {
		w->has_time = 1;
		const char *z = s + 16;
		if (*z == ':')
			z += 3;
		if (*z == '.' || *z == ',')
			while (*++z >= '0' && *z <= '9')
				;
		if (*z == 'Z' || *z == 'z')
			snprintf(w->zone, sizeof w->zone, "UTC");
		else if (*z == '+' || *z == '-')
			snprintf(w->zone, sizeof w->zone, "UTC%.6s", z);
	}
	return 0;
}

void format_dates(char *out, size_t cap, const char *start, const char *end)
{
	when a, b;
	if (parse(start, &a) < 0) {
		snprintf(out, cap, "%s", start ? start : "");
		return;
	}
	int has_end = end && parse(end, &b) == 0;
	int same_day = has_end && a.y == b.y && a.m == b.m && a.d == b.d;
	if (!has_end || (same_day && !a.has_time)) {
		if (a.has_time)
			snprintf(out, cap, "%d %s %d, %02d:%02d%s%s", a.d,
			         months[a.m - 1], a.y, a.hh, a.mm, *a.zone ? " " : "",
			         a.zone);
		else
			snprintf(out, cap, "%d %s %d", a.d, months[a.m - 1], a.y);
	} else if (same_day) {
		snprintf(out, cap, "%d %s %d, %02d:%02d-%02d:%02d%s%s", a.d,
		         months[a.m - 1], a.y, a.hh, a.mm, b.hh, b.mm,
		         *a.zone ? " " : "", a.zone);
	} else if (a.y == b.y && a.m == b.m) {
		snprintf(out, cap, "%d - %d %s %d", a.d, b.d, months[a.m - 1], a.y);
	} else if (a.y == b.y) {
		snprintf(out, cap, "%d %s - %d %s %d", a.d, months[a.m - 1], b.d,
		         months[b.m - 1], a.y);
	} else {
		snprintf(out, cap, "%d %s %d - %d %s %d", a.d, months[a.m - 1], a.y,
		         b.d, months[b.m - 1], b.y);
	}
}

static void print_list(FILE *out, const evs_results *res, size_t i,
                       evs_list l, const char *label, size_t max)
{
	size_t n = evs_hit_list_count(res, i, l);
	if (!n)
		return;
	fprintf(out, "   %s", label);
	for (size_t j = 0; j < n && j < max; j++)
		fprintf(out, "%s%s", j ? ", " : "", evs_hit_list_item(res, i, l, j));
	if (n > max)
		fprintf(out, ", and %zu more", n - max);
	fputc('\n', out);
}

int format_text(FILE *out, const evs_results *res, const char *query,
                int color)
{
	const char *bold = color ? "\033[1m" : "";
	const char *dim = color ? "\033[2m" : "";
	const char *off = color ? "\033[0m" : "";
	size_t n = evs_results_count(res);
	uint64_t total = evs_results_total(res);
	size_t off0 = evs_results_offset(res);
	if (total == 0)
		fprintf(out, "No events found%s%s%s.\n", query ? " for \"" : "",
		        query ? query : "", query ? "\"" : "");
	else if (n == 0)
		fprintf(out, "No results on this page: %llu results in all "
		             "(offset %zu).\n",
		        (unsigned long long)total, off0);
	else
		fprintf(out, "Showing %zu-%zu of %llu result%s%s%s%s\n", off0 + 1,
		        off0 + n, (unsigned long long)total, total == 1 ? "" : "s",
		        query ? " for \"" : "",
		        query ? query : "", query ? "\"" : "");
	for (size_t i = 0; i < n; i++) {
		char dates[128];
		format_dates(dates, sizeof dates, evs_hit_start(res, i),
		             evs_hit_end(res, i));
		fprintf(out, "\n%2zu. %s%s%s\n", off0 + i + 1, bold,
		        evs_hit_title(res, i), off);
		const char *loc = evs_hit_location(res, i);
		fprintf(out, "   %s%s%s%s\n", dates, loc ? " | " : "", loc ? loc : "",
		        "");
		print_list(out, res, i, EVS_LIST_ORGANISERS, "By: ", 4);
		print_list(out, res, i, EVS_LIST_PARTICIPANTS, "With: ", 4);
		char *snip = color ? evs_hit_snippet(res, i, "\033[1;33m", "\033[0m")
		                   : evs_hit_snippet(res, i, "[", "]");
		if (snip && *snip)
			fprintf(out, "   %s%s%s\n", dim, snip, off);
		evs_free(snip);
		fprintf(out, "   %sid: %s%s\n", dim, evs_hit_id(res, i), off);
	}
	static const char *const labels[EVS_FACET_COUNT_] = {
	    "Organiser", "Year", "Month", "Tag", "Topic"};
	static const size_t shown[EVS_FACET_COUNT_] = {8, 12, 12, 10, 10};
	int any = 0;
	for (int f = 0; f < EVS_FACET_COUNT_; f++) {
		size_t k = evs_facet_count(res, (evs_facet)f);
		if (!k)
			continue;
		if (!any)
			fputc('\n', out);
		any = 1;
		fprintf(out, "%s%-10s%s", bold, labels[f], off);
		/* Dates read best newest first; organisers and tags by count. */
		int chrono = f == EVS_FACET_YEAR || f == EVS_FACET_MONTH;
		for (size_t j = 0; j < k && j < shown[f]; j++) {
			uint64_t c;
			size_t at = chrono ? k - 1 - j : j;
			const char *v = evs_facet_value(res, (evs_facet)f, at, &c);
			fprintf(out, "%s%s (%llu)", j ? " | " : " ", v,
			        (unsigned long long)c);
		}
		if (k > shown[f])
			fprintf(out, " | %s+%zu more%s", dim, k - shown[f], off);
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}
