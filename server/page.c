/* page.c: the listing page, rendered on the server so that it works
 * without JavaScript: a search box, facet filters with counts, the
 * results of one page with their dates, places, people and snippets, and
 * paging. Every text that comes from the request or the index goes
 * through sbuf_html(); nothing else is written unescaped.
 *
 * Facets are multi-select: several values of one facet OR together, and
 * the counts of a facet with a selection come from a second search
 * without that facet's own selection, so that the other values stay
 * visible with the counts they would add.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define PAGE_SIZE 10
#define MAX_VALUES 64
#define FACET_SHOWN 10 /* values shown before "more" */

/* What the page's parameters ask for. */
typedef struct view {
	const char *q;
	const char *org[MAX_VALUES], *tag[MAX_VALUES], *topic[MAX_VALUES];
	size_t norg, ntag, ntopic;
	const char *year, *month, *when, *sort;
	int exact; /* exact=1: no spelling correction */
	size_t page;
	char today[11], yesterday[11];
} view;

static const char *const page_params[] = {"q",     "organiser", "organizer",
                                          "tag",   "topic",     "year",
                                          "month", "when",      "sort",
                                          "page",  "exact",     NULL};

static int is_digits(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789") == n;
}

/* Fills v from p; returns NULL or the message for a bad parameter. */
static const char *read_view(view *v, const params *p, char *msg, size_t n)
{
	memset(v, 0, sizeof *v);
	v->page = 1;
	v->when = "all";
	const char *unknown = params_unknown(p, page_params);
	if (unknown) {
		snprintf(msg, n, "%.60s: unknown parameter", unknown);
		return msg;
	}
	for (size_t i = 0; i < p->n; i++) {
		const char *k = p->name[i], *val = p->value[i];
		const char **list = NULL;
		size_t *count = NULL;
		if (!strcmp(k, "organiser") || !strcmp(k, "organizer"))
			list = v->org, count = &v->norg;
		else if (!strcmp(k, "tag"))
			list = v->tag, count = &v->ntag;
		else if (!strcmp(k, "topic"))
			list = v->topic, count = &v->ntopic;
		if (list && *val) {
			if (*count == MAX_VALUES) {
				snprintf(msg, n, "%s: at most %d values", k, MAX_VALUES);
				return msg;
			}
			list[(*count)++] = val;
		}
	}
	v->q = params_get(p, "q");
	v->year = params_get(p, "year");
	v->month = params_get(p, "month");
	v->sort = params_get(p, "sort");
	const char *when = params_get(p, "when"), *page = params_get(p, "page");
	if (v->year && *v->year && !is_digits(v->year, 4))
		return snprintf(msg, n, "year: \"%.20s\" is not YYYY", v->year), msg;
	if (v->month && *v->month &&
	    (strlen(v->month) != 7 || v->month[4] != '-' ||
	     strspn(v->month, "0123456789-") != 7 || atoi(v->month + 5) < 1 ||
	     atoi(v->month + 5) > 12))
		return snprintf(msg, n, "month: \"%.20s\" is not YYYY-MM", v->month),
		       msg;
	if (when && *when) {
		if (strcmp(when, "all") && strcmp(when, "upcoming") &&
		    strcmp(when, "past"))
			return snprintf(msg, n,
			                "when: \"%.20s\" is not all, upcoming or past",
			                when),
			       msg;
		v->when = when;
	}
	if (v->sort && *v->sort && strcmp(v->sort, "relevance") &&
	    strcmp(v->sort, "date") && strcmp(v->sort, "-date"))
		return snprintf(msg, n,
		                "sort: \"%.20s\" is not relevance, date or -date",
		                v->sort),
		       msg;
	if (page && *page) {
		if (strspn(page, "0123456789") != strlen(page) || strlen(page) > 6 ||
		    atoi(page) < 1 || (size_t)atoi(page) * PAGE_SIZE > 1000000)
			return snprintf(msg, n,
			                "page: \"%.20s\" is not a number from 1 to %d",
			                page, 1000000 / PAGE_SIZE),
			       msg;
		v->page = (size_t)atoi(page);
	}
	if (v->year && !*v->year)
		v->year = NULL;
	if (v->month && !*v->month)
		v->month = NULL;
	if (v->sort && !*v->sort)
		v->sort = NULL;
	const char *exact = params_get(p, "exact");
	v->exact = exact && strcmp(exact, "1") == 0;
	today_iso(v->today);
	time_t t = time(NULL) - 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(v->yesterday, sizeof v->yesterday, "%Y-%m-%d", &tm);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Searching                                                           */

/* Which selections a search leaves out, to count a facet without its
 * own selection. */
enum {
	KEEP_ALL = 0,
	DROP_ORG = 1,
	DROP_TAG = 2,
	DROP_TOPIC = 4,
	DROP_YEAR = 8,
	DROP_MONTH = 16
};

/* The query: the words typed and the topics chosen as boolean topic:
 * filters (several OR together, as docs/query-syntax.md says). */
static void make_query(sbuf *b, const view *v, int drop)
{
	if (v->q && strspn(v->q, " \t\r\n") != strlen(v->q))
		sbuf_puts(b, v->q);
	for (size_t i = 0; !(drop & DROP_TOPIC) && i < v->ntopic; i++) {
		if (strchr(v->topic[i], '"'))
			continue; /* cannot be quoted; no topic has one */
		sbuf_printf(b, "%stopic:\"%s\"", b->len ? " " : "", v->topic[i]);
	}
}

/* The date range as from..to; returns 0 when it is empty. */
static int make_range(const view *v, int drop, char lo[16], char hi[16])
{
	lo[0] = hi[0] = '\0';
	if (v->month && !(drop & DROP_MONTH)) {
		int y = atoi(v->month), m = atoi(v->month + 5);
		snprintf(lo, 16, "%04d-%02d-01", y % 10000, m);
		snprintf(hi, 16, "%04d-%02d-%02d", y % 10000, m, month_days(y, m));
	} else if (v->year && !(drop & DROP_YEAR)) {
		snprintf(lo, 16, "%s-01-01", v->year);
		snprintf(hi, 16, "%s-12-31", v->year);
	}
	if (!strcmp(v->when, "upcoming") && (!*lo || strcmp(lo, v->today) < 0))
		memcpy(lo, v->today, 11);
	if (!strcmp(v->when, "past") && (!*hi || strcmp(hi, v->yesterday) > 0))
		memcpy(hi, v->yesterday, 11);
	return !(*lo && *hi && strcmp(lo, hi) > 0);
}

static evs_sort sort_of(const view *v)
{
	if (v->sort)
		return !strcmp(v->sort, "relevance") ? EVS_SORT_RELEVANCE
		       : !strcmp(v->sort, "date")    ? EVS_SORT_DATE
		                                     : EVS_SORT_DATE_DESC;
	if (v->q && strspn(v->q, " \t\r\n") != strlen(v->q))
		return EVS_SORT_RELEVANCE;
	return !strcmp(v->when, "upcoming") ? EVS_SORT_DATE : EVS_SORT_DATE_DESC;
}

/* Runs the view's search without the selections in drop; *out is NULL
 * (and EVS_OK returned) when the date range is empty. */
static evs_status run(evs_results **out, evs_index *idx, const view *v,
                      int drop, unsigned facets)
{
	evs_search_options so = EVS_SEARCH_OPTIONS_INIT;
	char lo[16], hi[16];
	sbuf q = {0};
	*out = NULL;
	if (!make_range(v, drop, lo, hi))
		return EVS_OK;
	make_query(&q, v, drop);
	if (q.oom)
		return EVS_E_NOMEM;
	so.from = *lo ? lo : NULL;
	so.to = *hi ? hi : NULL;
	if (!(drop & DROP_ORG))
		so.organisers = v->org, so.n_organisers = v->norg;
	if (!(drop & DROP_TAG))
		so.tags = v->tag, so.n_tags = v->ntag;
	so.sort = sort_of(v);
	so.facets = facets;
	if (v->exact)
		so.flags |= EVS_SEARCH_EXACT;
	if (facets == 0) {
		so.offset = (v->page - 1) * PAGE_SIZE;
		so.limit = PAGE_SIZE;
	} else {
		so.limit = 1;
		so.flags |= EVS_SEARCH_NO_SNIPPETS;
	}
	evs_status st = evs_search(out, idx, q.len ? q.p : NULL, &so);
	sbuf_free(&q);
	return st;
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */

typedef struct when {
	int y, m, d, has_time;
	char hm[6];    /* "16:00" */
	char zone[16]; /* "+01:00" or "UTC", from the string */
} when;

static int parse_when(const char *s, when *w)
{
	memset(w, 0, sizeof *w);
	if (!s || sscanf(s, "%4d-%2d-%2d", &w->y, &w->m, &w->d) != 3)
		return -1;
	if (strlen(s) >= 16 && (s[10] == 'T' || s[10] == ' ')) {
		w->has_time = 1;
		memcpy(w->hm, s + 11, 5);
		const char *z = s + 16;
		z += strspn(z, ":0123456789.");
		if (*z == 'Z')
			snprintf(w->zone, sizeof w->zone, "UTC");
		else if (*z == '+' || *z == '-')
			snprintf(w->zone, sizeof w->zone, "UTC%.6s", z);
	}
	return 0;
}

static const char *month_name(int m)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr",
	                                    "May", "Jun", "Jul", "Aug",
	                                    "Sep", "Oct", "Nov", "Dec"};
	return m >= 1 && m <= 12 ? names[m - 1] : "?";
}

/* "26 Sep 2023", "16 – 20 May 2022", "28 Feb – 11 Mar 2022". */
static void date_label(sbuf *b, const when *s, const when *e)
{
	if (!e || (e->y == s->y && e->m == s->m && e->d == s->d))
		sbuf_printf(b, "%d %s %d", s->d, month_name(s->m), s->y);
	else if (e->y == s->y && e->m == s->m)
		sbuf_printf(b, "%d – %d %s %d", s->d, e->d, month_name(s->m), s->y);
	else if (e->y == s->y)
		sbuf_printf(b, "%d %s – %d %s %d", s->d, month_name(s->m), e->d,
		            month_name(e->m), s->y);
	else
		sbuf_printf(b, "%d %s %d – %d %s %d", s->d, month_name(s->m), s->y,
		            e->d, month_name(e->m), e->y);
}

/* ------------------------------------------------------------------ */
/* Links                                                               */

static void add_param(sbuf *b, const char *k, const char *val)
{
	sbuf_puts(b, b->len && b->p[b->len - 1] != '?' ? "&amp;" : "");
	sbuf_puts(b, k);
	sbuf_puts(b, "=");
	sbuf_url(b, val);
}

/* The view's own URL (escaped for an attribute) at another page. */
static void view_url(sbuf *b, const view *v, size_t page)
{
	sbuf_puts(b, "/?");
	if (v->q && *v->q)
		add_param(b, "q", v->q);
	for (size_t i = 0; i < v->norg; i++)
		add_param(b, "organiser", v->org[i]);
	for (size_t i = 0; i < v->ntopic; i++)
		add_param(b, "topic", v->topic[i]);
	for (size_t i = 0; i < v->ntag; i++)
		add_param(b, "tag", v->tag[i]);
	if (v->year)
		add_param(b, "year", v->year);
	if (v->month)
		add_param(b, "month", v->month);
	if (strcmp(v->when, "all"))
		add_param(b, "when", v->when);
	if (v->sort)
		add_param(b, "sort", v->sort);
	if (v->exact)
		add_param(b, "exact", "1");
	if (page > 1)
		sbuf_printf(b, "%spage=%zu", b->p[b->len - 1] == '?' ? "" : "&amp;",
		            page);
}

/* <a href="/?NAME=VALUE">VALUE</a>: a link that filters by a value. */
static void filter_link(sbuf *b, const char *name, const char *value)
{
	sbuf_printf(b, "<a href=\"/?%s=", name);
	sbuf_url(b, value);
	sbuf_puts(b, "\">");
	sbuf_html(b, value);
	sbuf_puts(b, "</a>");
}

/* ------------------------------------------------------------------ */
/* Filters                                                             */

static int selected(const char *const *sel, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(sel[i], value) == 0)
			return 1;
	return 0;
}

/* "May 2022" for "2022-05", else the value itself. */
static void facet_label(sbuf *b, evs_facet f, const char *value)
{
	if (f == EVS_FACET_MONTH && strlen(value) == 7)
		sbuf_printf(b, "%s %.4s", month_name(atoi(value + 5)), value);
	else
		sbuf_html(b, value);
}

static void facet_item(sbuf *b, evs_facet f, const char *param,
                       const char *type, const char *value, uint64_t count,
                       int on)
{
	sbuf_printf(b, "<li><label><input type=\"%s\" name=\"%s\" value=\"", type,
	            param);
	sbuf_html(b, value);
	sbuf_printf(b, "\"%s> <span class=\"v\">", on ? " checked" : "");
	facet_label(b, f, value);
	sbuf_printf(b,
	            "</span> <span class=\"n\">%llu<span class=\"sr\"> "
	            "events</span></span></label></li>\n",
	            (unsigned long long)count);
}

/* One facet as a fieldset of checkboxes (multi) or radio buttons with
 * "Any" first: the selected values first, then the others in the
 * facet's order, those past FACET_SHOWN behind a "more" disclosure. */
static void facet_group(sbuf *b, const evs_results *res, evs_facet f,
                        const char *legend, const char *param, int multi,
                        const char *const *sel, size_t nsel)
{
	size_t n = res ? evs_facet_count(res, f) : 0;
	const char *type = multi ? "checkbox" : "radio";
	if (n == 0 && nsel == 0)
		return;
	sbuf_printf(b, "<fieldset><legend>%s</legend>\n<ul>\n", legend);
	if (!multi)
		sbuf_printf(b,
		            "<li><label><input type=\"radio\" name=\"%s\" value=\"\""
		            "%s> <span class=\"v\">Any</span></label></li>\n",
		            param, nsel ? "" : " checked");
	for (size_t i = 0; i < nsel; i++) {
		uint64_t count = 0;
		for (size_t j = 0; j < n; j++)
			if (!strcmp(evs_facet_value(res, f, j, NULL), sel[i]))
				evs_facet_value(res, f, j, &count);
		facet_item(b, f, param, type, sel[i], count, 1);
	}
	size_t shown = nsel;
	for (size_t j = 0; j < n; j++) {
		uint64_t count;
		const char *value = evs_facet_value(res, f, j, &count);
		if (selected(sel, nsel, value))
			continue;
		if (shown++ == FACET_SHOWN)
			sbuf_printf(b,
			            "</ul>\n<details><summary>%zu more</summary>"
			            "\n<ul>\n",
			            n - j);
		facet_item(b, f, param, type, value, count, 0);
	}
	sbuf_puts(b, shown > FACET_SHOWN ? "</ul></details>\n" : "</ul>\n");
	sbuf_puts(b, "</fieldset>\n");
}

static void choice(sbuf *b, const char *type, const char *name,
                   const char *value, const char *label, int on)
{
	if (!strcmp(type, "option"))
		sbuf_printf(b, "<option value=\"%s\"%s>%s</option>\n", value,
		            on ? " selected" : "", label);
	else
		sbuf_printf(b,
		            "<li><label><input type=\"%s\" name=\"%s\" value=\"%s\"%s>"
		            " <span class=\"v\">%s</span></label></li>\n",
		            type, name, value, on ? " checked" : "", label);
}

static void filters(sbuf *b, const view *v, evs_results *const *by)
{
	const char *yr = v->year, *mo = v->month;
	evs_sort s = sort_of(v);
	sbuf_puts(b, "<aside class=\"filters\" id=\"filters\" "
	             "aria-labelledby=\"filters-h\">\n"
	             "<h2 id=\"filters-h\">Filters</h2>\n"
	             "<form id=\"f\" action=\"/\" method=\"get\">\n"
	             "<fieldset><legend>When</legend>\n<ul>\n");
	choice(b, "radio", "when", "all", "All events", !strcmp(v->when, "all"));
	choice(b, "radio", "when", "upcoming", "Upcoming",
	       !strcmp(v->when, "upcoming"));
	choice(b, "radio", "when", "past", "Past", !strcmp(v->when, "past"));
	sbuf_puts(b, "</ul>\n</fieldset>\n");
	facet_group(b, by[EVS_FACET_ORGANISER], EVS_FACET_ORGANISER, "Organisers",
	            "organiser", 1, v->org, v->norg);
	facet_group(b, by[EVS_FACET_YEAR], EVS_FACET_YEAR, "Year", "year", 0, &yr,
	            yr != NULL);
	facet_group(b, by[EVS_FACET_MONTH], EVS_FACET_MONTH, "Month", "month", 0,
	            &mo, mo != NULL);
	facet_group(b, by[EVS_FACET_TOPIC], EVS_FACET_TOPIC, "Themes &amp; Topics",
	            "topic", 1, v->topic, v->ntopic);
	facet_group(b, by[EVS_FACET_TAG], EVS_FACET_TAG, "Tags", "tag", 1, v->tag,
	            v->ntag);
	sbuf_puts(b, "<fieldset><legend><label for=\"sort\">Sort</label>"
	             "</legend>\n<select id=\"sort\" name=\"sort\">\n");
	choice(b, "option", "sort", "relevance", "Best match",
	       s == EVS_SORT_RELEVANCE);
	choice(b, "option", "sort", "-date", "Newest first",
	       s == EVS_SORT_DATE_DESC);
	choice(b, "option", "sort", "date", "Oldest first", s == EVS_SORT_DATE);
	sbuf_puts(b, "</select>\n</fieldset>\n"
	             "<p class=\"actions\"><button type=\"submit\">Apply "
	             "filters</button> <a href=\"/\">Clear all</a></p>\n"
	             "</form>\n</aside>\n");
}

/* ------------------------------------------------------------------ */
/* Results                                                             */

/* The snippet with the library's match marks \x01..\x02 made <mark>
 * elements and everything else escaped. The library leaves control
 * characters of the text out of a snippet, so the marks are its own. */
static void snippet_html(sbuf *b, const char *s)
{
	const char *run = s;
	for (;; s++) {
		if (*s == '\x01' || *s == '\x02' || *s == '\0') {
			char *part = strndup(run, (size_t)(s - run));
			if (!part) {
				b->oom = 1;
				return;
			}
			sbuf_html(b, part);
			free(part);
			if (!*s)
				return;
			sbuf_puts(b, *s == '\x01' ? "<mark>" : "</mark>");
			run = s + 1;
		}
	}
}

/* The hit's time zone name from its stored record, or NULL. */
static char *hit_zone(const evs_results *res, size_t i)
{
	const char *rec = evs_hit_record(res, i);
	json_t *o = rec ? json_loads(rec, 0, NULL) : NULL;
	const char *tz = json_string_value(json_object_get(o, "timezone"));
	char *out = tz && *tz ? strdup(tz) : NULL;
	json_decref(o);
	return out;
}

static void people(sbuf *b, const evs_results *res, size_t i, evs_list l,
                   const char *label, const char *filter)
{
	size_t n = evs_hit_list_count(res, i, l);
	if (!n)
		return;
	sbuf_printf(b, "<dt>%s</dt><dd>", label);
	for (size_t j = 0; j < n; j++) {
		const char *name = evs_hit_list_item(res, i, l, j);
		sbuf_puts(b, j ? ", " : "");
		if (filter)
			filter_link(b, filter, name);
		else
			sbuf_html(b, name);
	}
	sbuf_puts(b, "</dd>");
}

static void hit_when(sbuf *b, const evs_results *res, size_t i, const view *v)
{
	size_t next = evs_hit_next_occurrence(res, i);
	int occ = evs_hit_occurrence_count(res, i) > 0;
	const char *start =
	    occ ? evs_hit_occurrence_start(res, i, next) : evs_hit_start(res, i);
	const char *end =
	    occ ? evs_hit_occurrence_end(res, i, next) : evs_hit_end(res, i);
	when s, e;
	if (parse_when(start, &s) < 0) {
		sbuf_puts(b, "<p class=\"date\">Date to be announced</p>\n");
		return;
	}
	int has_end = parse_when(end, &e) == 0;
	char last[11];
	snprintf(last, sizeof last, "%.10s", has_end ? end : start);
	int past = strcmp(last, v->today) < 0;
	sbuf_puts(b, "<p class=\"date\"><time datetime=\"");
	sbuf_html(b, start);
	sbuf_puts(b, "\">");
	date_label(b, &s, has_end ? &e : NULL);
	sbuf_printf(b, "</time> <span class=\"badge %s\">%s</span></p>\n",
	            past ? "past" : "upcoming", past ? "Past" : "Upcoming");
	char *zone = hit_zone(res, i);
	const char *loc = evs_hit_location(res, i);
	if (s.has_time || loc) {
		sbuf_puts(b, "<p class=\"meta\">");
		if (s.has_time) {
			sbuf_printf(b, "<span class=\"time\">%s", s.hm);
			if (has_end && e.has_time)
				sbuf_printf(b, "–%s", e.hm);
			sbuf_puts(b, "</span> <span class=\"zone\">");
			sbuf_html(b, zone ? zone : s.zone);
			sbuf_puts(b, "</span>");
		}
		if (loc) {
			sbuf_puts(b, s.has_time ? " · " : "");
			sbuf_puts(b, "<span class=\"location\">");
			sbuf_html(b, loc);
			sbuf_puts(b, "</span>");
		}
		sbuf_puts(b, "</p>\n");
	}
	free(zone);
}

static void hit(sbuf *b, const evs_results *res, size_t i, const view *v)
{
	const char *url = evs_hit_url(res, i), *title = evs_hit_title(res, i);
	sbuf_puts(b, "<li><article class=\"event\">\n");
	hit_when(b, res, i, v);
	sbuf_puts(b, "<h2><a href=\"");
	if (url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))) {
		sbuf_html(b, url);
	} else {
		/* No web page of its own (or a scheme that is no web page):
		 * a search for its id. */
		sbuf_puts(b, "/?q=");
		sbuf_url(b, "id:");
		sbuf_url(b, evs_hit_id(res, i));
	}
	sbuf_puts(b, "\">");
	sbuf_html(b, title && *title ? title : evs_hit_id(res, i));
	sbuf_puts(b, "</a></h2>\n");
	char *snip = evs_hit_snippet(res, i, "\x01", "\x02");
	if (snip && *snip) {
		sbuf_puts(b, "<p class=\"snippet\">");
		snippet_html(b, snip);
		sbuf_puts(b, "</p>\n");
	}
	evs_free(snip);
	if (evs_hit_list_count(res, i, EVS_LIST_ORGANISERS) ||
	    evs_hit_list_count(res, i, EVS_LIST_PARTICIPANTS)) {
		sbuf_puts(b, "<dl class=\"people\">");
		people(b, res, i, EVS_LIST_ORGANISERS, "Organisers", "organiser");
		people(b, res, i, EVS_LIST_PARTICIPANTS, "Participants", NULL);
		sbuf_puts(b, "</dl>\n");
	}
	size_t ntags = evs_hit_list_count(res, i, EVS_LIST_TAGS);
	if (ntags) {
		sbuf_puts(b, "<ul class=\"chips\" aria-label=\"Tags\">");
		for (size_t j = 0; j < ntags; j++) {
			sbuf_puts(b, "<li>");
			filter_link(b, "tag", evs_hit_list_item(res, i, EVS_LIST_TAGS, j));
			sbuf_puts(b, "</li>");
		}
		sbuf_puts(b, "</ul>\n");
	}
	sbuf_puts(b, "</article></li>\n");
}

static void pager(sbuf *b, const view *v, uint64_t total)
{
	size_t pages = (size_t)((total + PAGE_SIZE - 1) / PAGE_SIZE);
	if (pages <= 1)
		return;
	sbuf_puts(b, "<nav class=\"pager\" aria-label=\"Pages\">\n");
	if (v->page > 1) {
		sbuf_puts(b, "<a rel=\"prev\" href=\"");
		view_url(b, v, v->page - 1);
		sbuf_puts(b, "\">← Previous</a>\n");
	}
	size_t lo = v->page > 3 ? v->page - 2 : 1;
	for (size_t p = lo; p <= pages && p < lo + 5; p++) {
		if (p == v->page) {
			sbuf_printf(b, "<span aria-current=\"page\">%zu</span>\n", p);
			continue;
		}
		sbuf_puts(b, "<a href=\"");
		view_url(b, v, p);
		sbuf_printf(b, "\">%zu</a>\n", p);
	}
	if (v->page < pages) {
		sbuf_puts(b, "<a rel=\"next\" href=\"");
		view_url(b, v, v->page + 1);
		sbuf_puts(b, "\">Next →</a>\n");
	}
	sbuf_puts(b, "</nav>\n");
}

/* "Showing results for X; search instead for Y" when the words were
 * corrected, "Did you mean X?" when a correction is only offered. The
 * suggestion is of the whole query, the topics make_query() adds
 * included: the typed part is what comes before them. */
static void spelling(sbuf *b, const view *v, const evs_results *res)
{
	const char *s = res ? evs_results_suggestion(res) : NULL;
	if (!s || !v->q)
		return;
	sbuf full = {0};
	make_query(&full, v, 0);
	size_t qn = strlen(v->q), sn = strlen(s);
	size_t tail = full.len > qn ? full.len - qn : 0;
	char *fixed = NULL;
	if (!full.oom && full.len >= qn && sn > tail &&
	    memcmp(s + sn - tail, full.p + qn, tail) == 0)
		fixed = strndup(s, sn - tail);
	sbuf_free(&full);
	if (!fixed)
		return;
	view to = *v, typed = *v;
	to.q = fixed;
	to.exact = 0;
	typed.exact = 1;
	sbuf_puts(b, "<p class=\"spelling\">");
	sbuf_puts(b, evs_results_corrected(res) ? "Showing results for "
	                                         : "Did you mean ");
	sbuf_puts(b, "<a href=\"");
	view_url(b, &to, 1);
	sbuf_puts(b, "\"><strong>");
	sbuf_html(b, fixed);
	sbuf_puts(b, "</strong></a>");
	if (evs_results_corrected(res)) {
		sbuf_puts(b, "; search instead for <a href=\"");
		view_url(b, &typed, 1);
		sbuf_puts(b, "\">");
		sbuf_html(b, v->q);
		sbuf_puts(b, "</a></p>\n");
	} else {
		sbuf_puts(b, "?</p>\n");
	}
	free(fixed);
}

static void results(sbuf *b, const view *v, const evs_results *res,
                    const char *error)
{
	sbuf_puts(b, "<main id=\"results\" aria-labelledby=\"summary\">\n");
	if (error) {
		sbuf_puts(b, "<p class=\"error\" role=\"alert\" id=\"summary\">");
		sbuf_html(b, error);
		sbuf_puts(b, "</p>\n</main>\n");
		return;
	}
	uint64_t total = res ? evs_results_total(res) : 0;
	size_t n = res ? evs_results_count(res) : 0;
	size_t first = (v->page - 1) * PAGE_SIZE;
	sbuf_puts(b, "<p class=\"summary\" id=\"summary\" role=\"status\">");
	if (n)
		sbuf_printf(b, "Showing %zu-%zu of %llu result%s", first + 1, first + n,
		            (unsigned long long)total, total == 1 ? "" : "s");
	else if (total)
		sbuf_printf(b, "No results on this page: there are %llu",
		            (unsigned long long)total);
	else
		sbuf_puts(b, "No events match: try fewer words or filters");
	sbuf_puts(b, "</p>\n");
	spelling(b, v, res);
	if (n)
		sbuf_printf(b, "<ol class=\"results\" start=\"%zu\">\n", first + 1);
	for (size_t i = 0; i < n; i++)
		hit(b, res, i, v);
	if (n)
		sbuf_puts(b, "</ol>\n");
	pager(b, v, total);
	sbuf_puts(b, "</main>\n");
}

static void head(sbuf *b, const view *v)
{
	sbuf_puts(b, "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	             "<meta charset=\"utf-8\">\n"
	             "<meta name=\"viewport\" content=\"width=device-width, "
	             "initial-scale=1\">\n<title>");
	if (v && v->q && *v->q) {
		sbuf_html(b, v->q);
		sbuf_puts(b, " – ");
	}
	sbuf_puts(b, "Events</title>\n"
	             "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
	             "<script src=\"/static/app.js\" defer></script>\n"
	             "</head>\n<body>\n<header class=\"top\">\n"
	             "<h1><a href=\"/\">Events</a></h1>\n"
	             "<div class=\"searchbar\" role=\"search\">\n"
	             "<label for=\"q\">Search events</label>\n<div class=\"row\">"
	             "<input id=\"q\" type=\"search\" name=\"q\" form=\"f\" "
	             "autocomplete=\"off\" placeholder=\"e.g. cybercrime treaty\" "
	             "value=\"");
	if (v)
		sbuf_html(b, v->q);
	sbuf_puts(b, "\"><button type=\"submit\" form=\"f\">Search</button>"
	             "</div>\n</div>\n</header>\n<div class=\"page\">\n");
}

static void foot(sbuf *b)
{
	sbuf_printf(b,
	            "</div>\n<footer>evsearch %s · <a href=\"/api/search\">"
	            "JSON API</a></footer>\n</body>\n</html>\n",
	            evs_version());
}

/* How many facets evs_facet has. */
enum { N_FACETS = EVS_FACET_TOPIC + 1 };

evs_status page_listing(reply *r, evs_index *idx, const params *p)
{
	view v;
	char msg[300];
	evs_results *res = NULL, *by[N_FACETS] = {NULL};
	evs_results *extra[N_FACETS] = {NULL};
	const char *error = read_view(&v, p, msg, sizeof msg);
	evs_status st = error ? EVS_E_INVALID : run(&res, idx, &v, KEEP_ALL, 0);
	if (st == EVS_E_QUERY_SYNTAX || (st == EVS_E_INVALID && !error)) {
		snprintf(msg, sizeof msg, "%s%s",
		         st == EVS_E_QUERY_SYNTAX ? "Query syntax: " : "",
		         evs_errmsg(idx));
		error = msg;
	}
	if (st != EVS_OK && !error)
		return st;
	/* Each facet with a selection is counted without it. */
	static const struct {
		evs_facet f;
		int drop;
	} own[] = {{EVS_FACET_ORGANISER, DROP_ORG},
	           {EVS_FACET_TAG, DROP_TAG},
	           {EVS_FACET_TOPIC, DROP_TOPIC},
	           {EVS_FACET_YEAR, DROP_YEAR | DROP_MONTH},
	           {EVS_FACET_MONTH, DROP_MONTH}};
	int chosen[N_FACETS] = {0};
	chosen[EVS_FACET_ORGANISER] = v.norg > 0;
	chosen[EVS_FACET_TAG] = v.ntag > 0;
	chosen[EVS_FACET_TOPIC] = v.ntopic > 0;
	chosen[EVS_FACET_YEAR] = v.year || v.month;
	chosen[EVS_FACET_MONTH] = v.month != NULL;
	for (size_t k = 0; !error && k < sizeof own / sizeof own[0]; k++) {
		evs_facet f = own[k].f;
		by[f] = res;
		if (!chosen[f])
			continue;
		st = run(&extra[f], idx, &v, own[k].drop, EVS_FACET_BIT(f));
		if (st != EVS_OK)
			goto done;
		by[f] = extra[f];
	}
	r->status = error ? 400 : 200;
	r->type = "text/html; charset=utf-8";
	r->cacheable = !error;
	head(&r->body, error && !v.today[0] ? NULL : &v);
	if (!error || v.today[0])
		filters(&r->body, &v, by);
	results(&r->body, &v, res, error);
	foot(&r->body);
	st = error ? EVS_E_INVALID : EVS_OK;
done:
	evs_results_free(res);
	for (int f = 0; f < N_FACETS; f++)
		evs_results_free(extra[f]);
	return st;
}
