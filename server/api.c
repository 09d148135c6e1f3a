/* api.c: GET /api/search, the JSON API: the parameters are evsearch's
 * long options and the answer is the document evsearch --json prints,
 * built by the library (evs_results_json), so that the two cannot drift.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define MAX_VALUES 64

void reply_json_error(reply *r, int status, const char *param,
                      const char *message)
{
	json_t *o = json_pack("{s:s, s:s?, s:i}", "error", message, "parameter",
	                      param, "status", status);
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	sbuf_free(&r->body);
	r->status = status;
	r->type = "application/json";
	r->cacheable = 0;
	if (text) {
		sbuf_puts(&r->body, text);
		sbuf_puts(&r->body, "\n");
	} else {
		r->body.oom = 1;
	}
	free(text);
	json_decref(o);
}

/* The request's options, as evsearch's main builds them from argv. */
typedef struct api_req {
	const char *query;
	evs_search_options so;
	const char *organisers[MAX_VALUES];
	const char *tags[MAX_VALUES];
} api_req;

static int bad(reply *r, const char *param, const char *fmt, const char *v)
{
	char msg[300];
	snprintf(msg, sizeof msg, fmt, param, v);
	reply_json_error(r, 400, param, msg);
	return -1;
}

/* A flag: present with no value, "1", "true", "yes" or "on" sets it; "0",
 * "false", "no" or "off" leaves it unset. */
static int flag(reply *r, const char *name, const char *v, unsigned bit,
                unsigned *flags)
{
	static const char *const on[] = {"", "1", "true", "yes", "on", NULL};
	static const char *const off[] = {"0", "false", "no", "off", NULL};
	for (size_t i = 0; on[i]; i++)
		if (strcmp(v, on[i]) == 0) {
			*flags |= bit;
			return 0;
		}
	for (size_t i = 0; off[i]; i++)
		if (strcmp(v, off[i]) == 0)
			return 0;
	return bad(r, name, "%s: \"%.60s\" is not 1, true, 0 or false", v);
}

static int count(reply *r, const char *name, const char *v, size_t min,
                 size_t max, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end || end == v || v[0] == '-' || v[0] == '+' ||
	    v[0] == ' ' || n < min || n > max) {
		char msg[300];
		snprintf(msg, sizeof msg,
		         "%s: \"%.60s\" is not a number from %zu to %zu", name, v, min,
		         max);
		reply_json_error(r, 400, name, msg);
		return -1;
	}
	*out = (size_t)n;
	return 0;
}

static int one(reply *r, api_req *a, const char *name, const char *v)
{
	evs_search_options *so = &a->so;
	if (strcmp(name, "q") == 0) {
		a->query = v;
	} else if (strcmp(name, "all") == 0) {
		return flag(r, name, v, EVS_SEARCH_ALL_WORDS, &so->flags);
	} else if (strcmp(name, "plain") == 0) {
		return flag(r, name, v, EVS_SEARCH_PLAIN, &so->flags);
	} else if (strcmp(name, "expand") == 0) {
		/* On by default: expand=0 turns feedback off. */
		unsigned on = 0;
		if (flag(r, name, v, 1u, &on) != 0)
			return -1;
		so->flags = on ? so->flags & ~EVS_SEARCH_NO_EXPAND
		               : so->flags | EVS_SEARCH_NO_EXPAND;
		return 0;
	} else if (strcmp(name, "exact") == 0) {
		return flag(r, name, v, EVS_SEARCH_EXACT, &so->flags);
	} else if (strcmp(name, "prefix") == 0) {
		return flag(r, name, v, EVS_SEARCH_PREFIX, &so->flags);
	} else if (strcmp(name, "no-facets") == 0) {
		return flag(r, name, v, EVS_SEARCH_NO_FACETS, &so->flags);
	} else if (strcmp(name, "cancelled") == 0) {
		return flag(r, name, v, EVS_SEARCH_CANCELLED, &so->flags);
	} else if (strcmp(name, "occurrences") == 0) {
		return flag(r, name, v, EVS_SEARCH_OCCURRENCES, &so->flags);
	} else if (strcmp(name, "from") == 0) {
		so->from = v;
	} else if (strcmp(name, "to") == 0) {
		so->to = v;
	} else if (strcmp(name, "organiser") == 0 ||
	           strcmp(name, "organizer") == 0) {
		if (so->n_organisers == MAX_VALUES)
			return bad(r, name, "%s: at most 64 values%s", "");
		a->organisers[so->n_organisers++] = v;
	} else if (strcmp(name, "tag") == 0) {
		if (so->n_tags == MAX_VALUES)
			return bad(r, name, "%s: at most 64 values%s", "");
		a->tags[so->n_tags++] = v;
	} else if (strcmp(name, "sort") == 0) {
		if (strcmp(v, "relevance") == 0)
			so->sort = EVS_SORT_RELEVANCE;
		else if (strcmp(v, "date") == 0)
			so->sort = EVS_SORT_DATE;
		else if (strcmp(v, "-date") == 0)
			so->sort = EVS_SORT_DATE_DESC;
		else
			return bad(r, name, "%s: \"%.60s\" is not relevance, date or -date",
			           v);
	} else if (strcmp(name, "limit") == 0) {
		/* As evsearch -n 0: the total and the facets only. */
		if (count(r, name, v, 0, 10000, &so->limit) < 0)
			return -1;
		if (so->limit == 0)
			so->flags |= EVS_SEARCH_NO_HITS;
		else
			so->flags &= ~EVS_SEARCH_NO_HITS;
	} else if (strcmp(name, "offset") == 0) {
		return count(r, name, v, 0, 1000000, &so->offset);
	} else {
		return bad(r, name,
		           "%.60s: unknown parameter%s (see /api/search in "
		           "evsearchd(1))",
		           "");
	}
	return 0;
}

/* The parameter a library message is about: its dates name themselves;
 * anything else comes from the query. */
static const char *param_of(const char *msg)
{
	if (strncmp(msg, "from date", 9) == 0 ||
	    strncmp(msg, "the from date", 13) == 0)
		return "from";
	if (strncmp(msg, "to date", 7) == 0)
		return "to";
	if (strncmp(msg, "limit", 5) == 0)
		return "limit";
	if (strncmp(msg, "offset", 6) == 0)
		return "offset";
	return "q";
}

evs_status api_search(reply *r, evs_index *idx, const params *p)
{
	api_req a;
	evs_search_options init = EVS_SEARCH_OPTIONS_INIT;
	evs_results *res = NULL;
	memset(&a, 0, sizeof a);
	a.so = init;
	for (size_t i = 0; i < p->n; i++)
		if (one(r, &a, p->name[i], p->value[i]) < 0)
			return EVS_E_INVALID;
	a.so.organisers = a.organisers;
	a.so.tags = a.tags;
	/* Blanks are a listing, as evsearch's QUERY of blanks is. */
	if (a.query && strspn(a.query, " \t\n") == strlen(a.query))
		a.query = NULL;
	evs_status st = evs_search(&res, idx, a.query, &a.so);
	if (st == EVS_E_QUERY_SYNTAX || st == EVS_E_INVALID) {
		const char *msg = evs_errmsg(idx);
		char text[600];
		snprintf(text, sizeof text, "%s%s",
		         st == EVS_E_QUERY_SYNTAX ? "query syntax: " : "", msg);
		reply_json_error(r, 400, st == EVS_E_QUERY_SYNTAX ? "q" : param_of(msg),
		                 text);
		return st;
	}
	if (st != EVS_OK)
		return st;
	char *doc = evs_results_json(res);
	evs_results_free(res);
	if (!doc)
		return EVS_E_NOMEM;
	r->status = 200;
	r->type = "application/json";
	r->cacheable = 1;
	sbuf_puts(&r->body, doc);
	evs_free(doc);
	return EVS_OK;
}
