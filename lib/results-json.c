/* results-json.c: the versioned JSON document of a search
 * (docs/output-format.md), built here once for the CLI and for programs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "results.h"

static const char *sort_name(evs_sort s)
{
	switch (s) {
	case EVS_SORT_DATE: return "date";
	case EVS_SORT_DATE_DESC: return "-date";
	default: return "relevance";
	}
}

/* json_string, or null for NULL. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *string_array(char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *list_array(const evs_hit *h, evs_list l)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < h->nlists[l]; i++)
		json_array_append_new(a, json_string(h->lists[l][i]));
	return a;
}

/* Sets o[key] = v (taking v); returns 0, or -1 when either failed. */
static int set(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

static json_t *hit_json(const evs_results *res, size_t i)
{
	const evs_hit *h = &res->hits[i];
	json_t *o = json_object();
	int bad = 0;
	if (!o)
		return NULL;
	char *snippet = res->flags & EVS_SEARCH_NO_SNIPPETS
	                    ? NULL
	                    : evs_snippet__make(res, i, "<mark>", "</mark>", 1);
	bad |= set(o, "rank", json_integer((json_int_t)(res->offset + i + 1)));
	bad |= set(o, "id", str_or_null(h->id));
	bad |= set(o, "score", json_real(h->score));
	bad |= set(o, "title", str_or_null(h->title));
	bad |= set(o, "start", str_or_null(h->start));
	bad |= set(o, "end", str_or_null(h->end));
	bad |= set(o, "timezone", str_or_null(h->timezone));
	bad |= set(o, "location", str_or_null(h->location));
	bad |= set(o, "organisers", list_array(h, EVS_LIST_ORGANISERS));
	bad |= set(o, "participants", list_array(h, EVS_LIST_PARTICIPANTS));
	bad |= set(o, "tags", list_array(h, EVS_LIST_TAGS));
	bad |= set(o, "topics", list_array(h, EVS_LIST_TOPICS));
	bad |= set(o, "url", str_or_null(h->url));
	bad |= set(o, "status", str_or_null(h->status));
	bad |= set(o, "occurrences_matching", json_integer((json_int_t)h->nocc));
	if (h->nocc) {
		json_t *next = json_object();
		bad |= set(next, "start", str_or_null(h->occ_start[h->next]));
		bad |= set(next, "end", str_or_null(h->occ_end[h->next]));
		bad |= set(o, "next", next);
	} else {
		bad |= set(o, "next", json_null());
	}
	if (res->flags & EVS_SEARCH_OCCURRENCES) {
		json_t *all = json_array();
		for (size_t j = 0; all && j < h->nocc; j++) {
			json_t *one = json_object();
			bad |= set(one, "start", str_or_null(h->occ_start[j]));
			bad |= set(one, "end", str_or_null(h->occ_end[j]));
			bad |= json_array_append_new(all, one) < 0;
		}
		bad |= set(o, "occurrences", all);
	}
	bad |= set(o, "snippet",
	           snippet && *snippet ? json_string(snippet) : json_null());
	/* A snippet that could not be made means memory ran out. */
	bad |= !snippet && !(res->flags & EVS_SEARCH_NO_SNIPPETS);
	free(snippet);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *evs_results_json(const evs_results *res)
{
	if (!res)
		return NULL;
	json_t *doc = json_object();
	json_t *results = json_array();
	json_t *facets = json_object();
	json_t *filters = json_object();
	char *text = NULL;
	if (!doc || !results || !facets || !filters)
		goto done;
	json_object_set_new(doc, "format_version",
	                    json_integer(EVS_FORMAT_VERSION));
	json_object_set_new(doc, "query", str_or_null(res->query));
	json_object_set_new(doc, "suggestion", str_or_null(res->hl.suggestion));
	json_object_set_new(doc, "corrected", json_boolean(res->hl.corrected));
	json_object_set_new(doc, "query_year",
	                    res->hl.year ? json_integer(res->hl.year)
	                                 : json_null());
	if (res->hl.month) /* only when a month was read ("march 2025") */
		json_object_set_new(doc, "query_month", json_integer(res->hl.month));
	json_object_set_new(filters, "from", str_or_null(res->from));
	json_object_set_new(filters, "to", str_or_null(res->to));
	json_object_set_new(filters, "organisers",
	                    string_array(res->organisers, res->norganisers));
	json_object_set_new(filters, "tags", string_array(res->tags, res->ntags));
	if (res->organisers_meant) {
		/* Only when an organiser was corrected (names.h). */
		json_t *m = json_array();
		for (size_t i = 0; m && i < res->norganisers; i++)
			json_array_append_new(m, str_or_null(res->organisers_meant[i]));
		json_object_set_new(filters, "organisers_meant", m);
	}
	json_object_set(doc, "filters", filters);
	json_object_set_new(doc, "sort", json_string(sort_name(res->sort)));
	json_object_set_new(doc, "total", json_integer((json_int_t)res->total));
	json_object_set_new(doc, "offset", json_integer((json_int_t)res->offset));
	json_object_set_new(doc, "limit", json_integer((json_int_t)res->limit));
	for (size_t i = 0; i < res->nhits; i++) {
		json_t *h = hit_json(res, i);
		if (!h)
			goto done;
		if (json_array_append_new(results, h) < 0)
			goto done;
	}
	json_object_set(doc, "results", results);
	for (int f = 0; f < EVS_N_FACETS; f++) {
		json_t *a = json_array();
		if (!a)
			goto done;
		for (size_t j = 0; j < res->nfacets[f]; j++) {
			json_t *v =
			    json_pack("{s:s, s:I}", "value", res->facets[f][j].value,
			              "count", (json_int_t)res->facets[f][j].count);
			if (!v) {
				json_decref(a);
				goto done;
			}
			json_array_append_new(a, v);
		}
		json_object_set_new(facets, evs_facet_name((evs_facet)f), a);
	}
	json_object_set(doc, "facets", facets);
	/* Only partial results of a cluster have it (docs/output-format.md). */
	if (res->nmissing)
		json_object_set_new(doc, "missing_shards",
		                    string_array(res->missing, res->nmissing));
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text) {
		size_t n = strlen(text);
		char *t = realloc(text, n + 2);
		if (!t) {
			free(text);
			text = NULL;
			goto done;
		}
		t[n] = '\n';
		t[n + 1] = '\0';
		text = t;
	}
done:
	json_decref(doc);
	json_decref(results);
	json_decref(facets);
	json_decref(filters);
	return text;
}
