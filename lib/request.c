/* request.c: the JSON-in, JSON-out entry point: a search request given as
 * a JSON object whose keys mirror evsearch's options, answered with the
 * document evsearch --json prints. One call, so that scripting languages
 * can embed evsearch through a minimal FFI.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

#define MAX_VALUES 64

/* Reads a string or an array of strings into v (at most MAX_VALUES). */
static evs_status string_list(evs_index *idx, json_t *j, const char *key,
                              const char **v, size_t *n)
{
	*n = 0;
	if (!j || json_is_null(j))
		return EVS_OK;
	if (json_is_string(j)) {
		v[(*n)++] = json_string_value(j);
		return EVS_OK;
	}
	if (!json_is_array(j) || json_array_size(j) > MAX_VALUES)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "request: \"%s\": expected a string or an "
		                       "array of at most %d strings",
		                       key, MAX_VALUES);
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *s = json_array_get(j, i);
		if (!json_is_string(s))
			return evs_index__fail(idx, EVS_E_INVALID,
			                       "request: \"%s\"[%zu]: expected a string",
			                       key, i);
		v[(*n)++] = json_string_value(s);
	}
	return EVS_OK;
}

static evs_status opt_string(evs_index *idx, json_t *req, const char *key,
                             const char **out)
{
	json_t *j = json_object_get(req, key);
	*out = NULL;
	if (!j || json_is_null(j))
		return EVS_OK;
	if (!json_is_string(j))
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "request: \"%s\": expected a string", key);
	*out = json_string_value(j);
	return EVS_OK;
}

static evs_status opt_flag(evs_index *idx, json_t *req, const char *key,
                           unsigned bit, int on_when_true, unsigned *flags)
{
	json_t *j = json_object_get(req, key);
	if (!j || json_is_null(j))
		return EVS_OK;
	if (!json_is_boolean(j))
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "request: \"%s\": expected true or false", key);
	if (json_is_true(j) == on_when_true)
		*flags |= bit;
	return EVS_OK;
}

static evs_status opt_count(evs_index *idx, json_t *req, const char *key,
                            size_t max, size_t *out)
{
	json_t *j = json_object_get(req, key);
	if (!j || json_is_null(j))
		return EVS_OK;
	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    (size_t)json_integer_value(j) > max)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "request: \"%s\": expected a whole number "
		                       "from 0 to %zu",
		                       key, max);
	*out = (size_t)json_integer_value(j);
	return EVS_OK;
}

evs_status evs_search_json(char **out, evs_index *idx, const char *request)
{
	static const char *const keys[] = {"query",       "all",    "plain",
	                                   "from",        "to",     "organisers",
	                                   "tags",        "sort",   "limit",
	                                   "offset",      "facets", "cancelled",
	                                   "occurrences", NULL};
	const char *orgs[MAX_VALUES], *tags[MAX_VALUES];
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	evs_results *res = NULL;
	json_error_t jerr;
	json_t *req = NULL;
	const char *query = NULL, *sort = NULL;
	evs_status st = EVS_OK;
	*out = NULL;
	if (!idx)
		return EVS_E_INVALID;
	evs_index__reset(idx);
	if (!request)
		return evs_index__fail(idx, EVS_E_INVALID, "no request given");
	req = json_loads(request, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(req)) {
		st = evs_index__fail(idx, EVS_E_INVALID,
		                     "request: not a JSON object (%s)",
		                     req ? "another JSON value" : jerr.text);
		goto done;
	}
	const char *key;
	json_t *val;
	json_object_foreach(req, key, val)
	{
		size_t k = 0;
		while (keys[k] && strcmp(keys[k], key) != 0)
			k++;
		if (!keys[k]) {
			st = evs_index__fail(idx, EVS_E_INVALID,
			                     "request: unknown key \"%.60s\"", key);
			goto done;
		}
	}
	if ((st = opt_string(idx, req, "query", &query)) != EVS_OK ||
	    (st = opt_string(idx, req, "from", &o.from)) != EVS_OK ||
	    (st = opt_string(idx, req, "to", &o.to)) != EVS_OK ||
	    (st = opt_string(idx, req, "sort", &sort)) != EVS_OK ||
	    (st = opt_flag(idx, req, "all", EVS_SEARCH_ALL_WORDS, 1, &o.flags)) !=
	        EVS_OK ||
	    (st = opt_flag(idx, req, "plain", EVS_SEARCH_PLAIN, 1, &o.flags)) !=
	        EVS_OK ||
	    (st = opt_flag(idx, req, "facets", EVS_SEARCH_NO_FACETS, 0,
	                   &o.flags)) != EVS_OK ||
	    (st = opt_flag(idx, req, "cancelled", EVS_SEARCH_CANCELLED, 1,
	                   &o.flags)) != EVS_OK ||
	    (st = opt_flag(idx, req, "occurrences", EVS_SEARCH_OCCURRENCES, 1,
	                   &o.flags)) != EVS_OK ||
	    (st = opt_count(idx, req, "limit", 10000, &o.limit)) != EVS_OK ||
	    (st = opt_count(idx, req, "offset", 1000000, &o.offset)) != EVS_OK ||
	    (st = string_list(idx, json_object_get(req, "organisers"), "organisers",
	                      orgs, &o.n_organisers)) != EVS_OK ||
	    (st = string_list(idx, json_object_get(req, "tags"), "tags", tags,
	                      &o.n_tags)) != EVS_OK)
		goto done;
	o.organisers = orgs;
	o.tags = tags;
	if (sort) {
		if (strcmp(sort, "relevance") == 0)
			o.sort = EVS_SORT_RELEVANCE;
		else if (strcmp(sort, "date") == 0)
			o.sort = EVS_SORT_DATE;
		else if (strcmp(sort, "-date") == 0)
			o.sort = EVS_SORT_DATE_DESC;
		else {
			st = evs_index__fail(idx, EVS_E_INVALID,
			                     "request: \"sort\": \"%.40s\" is not "
			                     "relevance, date or -date",
			                     sort);
			goto done;
		}
	}
	if ((st = evs_search(&res, idx, query, &o)) != EVS_OK)
		goto done;
	*out = evs_results_json(res);
	if (!*out)
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
done:
	evs_results_free(res);
	json_decref(req);
	return st;
}
