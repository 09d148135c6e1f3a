/* format-text.c: evsearch's text output, formatted from the same results
 * that the JSON document is built from. Text from records is printed
 * without control characters (a feed must not drive the terminal), and on
 * a terminal long lines are wrapped under their indentation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "format.h"

#include <stdlib.h>
#include <string.h>

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

typedef struct when {
	int y, m, d, has_time, hh, mm;
	char zone[16];
} when;

/* Reads what the indexer already checked: YYYY-MM-DD[Thh:mm...][zone]. */
static int parse(const char *s, when *w)
{
	memset(w, 0, sizeof *w);
	if (!s || sscanf(s, "%4d-%2d-%2d", &w->y, &w->m, &w->d) != 3 || w->m < 1 ||
	    w->m > 12)
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

/* Whether b's date is the day after a's. */
static int next_day(const when *a, const when *b)
{
	int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (a->y % 4 == 0 && a->y % 100 != 0) || a->y % 400 == 0;
	int last = dim[a->m - 1] + (a->m == 2 && leap);
	if (a->d < last)
		return b->y == a->y && b->m == a->m && b->d == a->d + 1;
	if (a->m < 12)
		return b->y == a->y && b->m == a->m + 1 && b->d == 1;
	return b->y == a->y + 1 && b->m == 1 && b->d == 1;
}

/* An event that starts in the evening and ends the next day, less than a
 * day later (23:00 to 02:00): its times matter more than its dates. */
static int overnight(char *out, size_t cap, const when *a, const when *b)
{
	if (!a->has_time || !b->has_time || !next_day(a, b) ||
	    b->hh * 60 + b->mm > a->hh * 60 + a->mm)
		return 0;
	if (b->hh == 0 && b->mm == 0)
		snprintf(out, cap, "%d %s %d, %02d:%02d-00:00%s%s", a->d,
		         months[a->m - 1], a->y, a->hh, a->mm, *a->zone ? " " : "",
		         a->zone);
	else
		snprintf(out, cap, "%d %s %d, %02d:%02d - %d %s, %02d:%02d%s%s", a->d,
		         months[a->m - 1], a->y, a->hh, a->mm, b->d, months[b->m - 1],
		         b->hh, b->mm, *a->zone ? " " : "", a->zone);
	return 1;
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
			snprintf(out, cap, "%d %s %d, %02d:%02d%s%s", a.d, months[a.m - 1],
			         a.y, a.hh, a.mm, *a.zone ? " " : "", a.zone);
		else
			snprintf(out, cap, "%d %s %d", a.d, months[a.m - 1], a.y);
	} else if (same_day) {
		snprintf(out, cap, "%d %s %d, %02d:%02d-%02d:%02d%s%s", a.d,
		         months[a.m - 1], a.y, a.hh, a.mm, b.hh, b.mm,
		         *a.zone ? " " : "", a.zone);
	} else if (overnight(out, cap, &a, &b)) {
		return;
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

/* A paragraph being put together before it is printed. */
typedef struct para {
	char *p;
	size_t len, cap;
} para;

static void add(para *g, const char *s, size_t n)
{
	if (g->len + n + 1 > g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 256;
		while (cap < g->len + n + 1)
			cap *= 2;
		char *p = realloc(g->p, cap);
		if (!p)
			return; /* out of memory: the line comes out short */
		g->p = p;
		g->cap = cap;
	}
	memcpy(g->p + g->len, s, n);
	g->len += n;
	g->p[g->len] = '\0';
}

static void adds(para *g, const char *s)
{
	add(g, s, strlen(s));
}

/* Adds text from a record: control characters (C0, DEL, C1) become
 * spaces. */
static void add_safe(para *g, const char *s)
{
	for (const char *c = s ? s : ""; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u == 0xC2 && (unsigned char)c[1] >= 0x80 &&
		    (unsigned char)c[1] <= 0x9F) {
			add(g, " ", 1);
			c++;
		} else if (u < 0x20 || u == 0x7F) {
			add(g, " ", 1);
		} else {
			add(g, c, 1);
		}
	}
}

/* Display columns of s[0..n): one per character, none for our own escape
 * sequences. */
static size_t columns(const char *s, size_t n)
{
	size_t cols = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033') {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cols++;
	}
	return cols;
}

/* Prints a paragraph: the first line after first (already printed,
 * first_cols wide), the others indented by indent; width 0 means one
 * line whatever its length. Empties g. */
static void emit(FILE *out, para *g, size_t first_cols, size_t indent,
                 size_t width)
{
	const char *s = g->p ? g->p : "";
	size_t col = first_cols;
	int line_start = 1;
	while (*s) {
		size_t sp = strspn(s, " ");
		const char *w = s + sp;
		size_t wl = strcspn(w, " ");
		if (!wl)
			break;
		size_t wc = columns(w, wl);
		if (!line_start && width && col + 1 + wc > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
			line_start = 1;
		}
		if (!line_start) {
			fputc(' ', out);
			col++;
		}
		fwrite(w, 1, wl, out);
		col += wc;
		line_start = 0;
		s = w + wl;
	}
	fputc('\n', out);
	g->len = 0;
	if (g->p)
		g->p[0] = '\0';
}

static void list_line(FILE *out, para *g, const evs_results *res, size_t i,
                      evs_list l, const char *label, size_t max, size_t width)
{
	size_t n = evs_hit_list_count(res, i, l);
	if (!n)
		return;
	for (size_t j = 0; j < n && j < max; j++) {
		if (j)
			adds(g, ", ");
		add_safe(g, evs_hit_list_item(res, i, l, j));
	}
	if (n > max) {
		char more[48];
		snprintf(more, sizeof more, ", and %zu more", n - max);
		adds(g, more);
	}
	fprintf(out, "    %s", label);
	emit(out, g, 4 + strlen(label), 4 + strlen(label), width);
}

/* Adds " “q”" (q trimmed) to g. */
static void add_quoted(para *g, const char *q)
{
	while (*q == ' ' || *q == '\t')
		q++;
	size_t n = strlen(q);
	while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
		n--;
	adds(g, " \xE2\x80\x9C");
	char *copy = strndup(q, n);
	add_safe(g, copy);
	free(copy);
	adds(g, "\xE2\x80\x9D");
}

static void add_query(para *g, const char *q)
{
	adds(g, " for");
	add_quoted(g, q);
}

int format_text(FILE *out, const evs_results *res, const char *query, int color,
                size_t width, int occurrences, size_t facet_limit)
{
	const char *bold = color ? "\033[1m" : "";
	const char *dim = color ? "\033[2m" : "";
	const char *off = color ? "\033[0m" : "";
	size_t n = evs_results_count(res);
	uint64_t total = evs_results_total(res);
	size_t off0 = evs_results_offset(res);
	para g = {NULL, 0, 0};
	char line[160];
	if (total == 0)
		snprintf(line, sizeof line, "No events found");
	else if (evs_results_limit(res) == 0) /* asked for no hits */
		snprintf(line, sizeof line, "%llu result%s", (unsigned long long)total,
		         total == 1 ? "" : "s");
	else if (n == 0)
		snprintf(line, sizeof line,
		         "No results on this page: %llu in all (offset %zu)",
		         (unsigned long long)total, off0);
	else
		snprintf(line, sizeof line, "Showing %zu-%zu of %llu result%s",
		         off0 + 1, off0 + n, (unsigned long long)total,
		         total == 1 ? "" : "s");
	const char *fix = query ? evs_results_suggestion(res) : NULL;
	int fixed = fix && evs_results_corrected(res);
	if (fixed) {
		/* The results are those of the corrected query: say so first. */
		adds(&g, "Showing results");
		add_query(&g, fix);
		adds(&g, "; search instead");
		add_query(&g, query);
		adds(&g, " (--exact)");
		emit(out, &g, 0, 0, width);
	}
	adds(&g, line);
	if (query)
		add_query(&g, fixed ? fix : query);
	emit(out, &g, 0, 0, width);
	if (fix && !fixed) {
		adds(&g, "Did you mean");
		add_quoted(&g, fix);
		adds(&g, "?");
		emit(out, &g, 0, 0, width);
	}
	for (size_t i = 0; i < n; i++) {
		/* The next occurrence (for a one-off event, its dates), and how
		 * many more a recurring event has in the range. */
		char dates[192];
		size_t nocc = evs_hit_occurrence_count(res, i);
		size_t next = evs_hit_next_occurrence(res, i);
		if (nocc)
			format_dates(dates, sizeof dates,
			             evs_hit_occurrence_start(res, i, next),
			             evs_hit_occurrence_end(res, i, next));
		else
			format_dates(dates, sizeof dates, evs_hit_start(res, i),
			             evs_hit_end(res, i));
		if (nocc > 1) {
			size_t l = strlen(dates);
			snprintf(dates + l, sizeof dates - l, " (occurrence %zu of %zu)",
			         next + 1, nocc);
		}
		const char *status = evs_hit_status(res, i);
		if (status && strcmp(status, "cancelled") == 0) {
			size_t l = strlen(dates);
			snprintf(dates + l, sizeof dates - l, " [cancelled]");
		}
		fprintf(out, "\n%2zu. %s", off0 + i + 1, bold);
		add_safe(&g, evs_hit_title(res, i));
		adds(&g, off);
		emit(out, &g, 4, 4, width);
		adds(&g, dates);
		const char *loc = evs_hit_location(res, i);
		if (loc) {
			adds(&g, " | ");
			add_safe(&g, loc);
		}
		fputs("    ", out);
		emit(out, &g, 4, 4, width);
		if (occurrences && nocc > 1) {
			for (size_t j = 0; j < nocc; j++) {
				char d[128];
				format_dates(d, sizeof d, evs_hit_occurrence_start(res, i, j),
				             evs_hit_occurrence_end(res, i, j));
				adds(&g, j == next ? "* " : "- ");
				adds(&g, d);
				fputs("      ", out);
				emit(out, &g, 6, 8, width);
			}
		}
		list_line(out, &g, res, i, EVS_LIST_ORGANISERS, "By: ", 4, width);
		list_line(out, &g, res, i, EVS_LIST_PARTICIPANTS, "With: ", 4, width);
		char *snip = color ? evs_hit_snippet(res, i, "\033[1;33m", "\033[0m")
		                   : evs_hit_snippet(res, i, "[", "]");
		if (snip && *snip) {
			adds(&g, dim);
			adds(&g, snip);
			adds(&g, off);
			fputs("    ", out);
			emit(out, &g, 4, 4, width);
		}
		evs_free(snip);
		fprintf(out, "    %sid: ", dim);
		add_safe(&g, evs_hit_id(res, i));
		adds(&g, off);
		emit(out, &g, 8, 8, width);
	}
	/* The facets this program knows; a newer library may count more. */
	enum { N_FACETS = EVS_FACET_TOPIC + 1 };
	static const char *const labels[N_FACETS] = {"Organiser", "Year", "Month",
	                                             "Tag", "Topic"};
	static const size_t defaults[N_FACETS] = {8, 12, 12, 10, 10};
	size_t shown[N_FACETS];
	for (int f = 0; f < N_FACETS; f++)
		shown[f] = facet_limit ? facet_limit : defaults[f];
	int any = 0;
	for (int f = 0; f < N_FACETS; f++) {
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
			char count[32];
			snprintf(count, sizeof count, " (%llu)%s", (unsigned long long)c,
			         j + 1 < k && j + 1 < shown[f] ? " |" : "");
			add_safe(&g, v);
			adds(&g, count);
			adds(&g, " ");
		}
		if (k > shown[f]) {
			snprintf(line, sizeof line, "| %s+%zu more%s", dim, k - shown[f],
			         off);
			adds(&g, line);
		}
		emit(out, &g, 10, 10, width);
	}
	free(g.p);
	return ferror(out) ? -1 : 0;
}
