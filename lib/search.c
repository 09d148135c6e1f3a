/* search.c: evs_search: query, filters, sort, exact totals and facets.
 *
 * Facets are counted over every match from one value slot per event that
 * lists all its facet values (EVS_SLOT_FACETS), by the shim's own match
 * spy: one value read per match. That spy runs on local databases, also
 * several searched together, but not on remote ones (xapian-tcpsrv knows
 * only Xapian's built-in spies).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "index.h"
#include "results.h"
#include "schema.h"

#define DEFAULT_LIMIT 10
#define MAX_LIMIT 10000

static char *dupn(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void hit_dispose(evs_hit *h)
{
	json_decref(h->rec);
	free(h->record);
	for (int l = 0; l < 4; l++)
		free(h->lists[l]);
}

void evs_results_free(evs_results *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nhits; i++)
		hit_dispose(&res->hits[i]);
	free(res->hits);
	for (int f = 0; f < EVS_FACET_COUNT_; f++) {
		for (size_t j = 0; j < res->nfacets[f]; j++)
			free(res->facets[f][j].value);
		free(res->facets[f]);
	}
	for (size_t i = 0; i < res->norganisers; i++)
		free(res->organisers[i]);
	for (size_t i = 0; i < res->ntags; i++)
		free(res->tags[i]);
	free(res->organisers);
	free(res->tags);
	free(res->query);
	free(res->from);
	free(res->to);
	free(res->stemmer);
	evs_highlight__dispose(&res->hl);
	free(res);
}

static const char *str_field(json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Fills a hit from its stored record. Returns 0 or -1 (out of memory or
 * not a record: the index is then damaged). */
static int load_hit(evs_hit *h, const char *data, size_t len)
{
	h->rec = json_loadb(data, len, 0, NULL);
	if (!json_is_object(h->rec))
		return -1;
	h->record = strndup(data, len);
	if (!h->record)
		return -1;
	h->id = str_field(h->rec, "id");
	h->title = str_field(h->rec, "title");
	h->start = str_field(h->rec, "start");
	h->end = str_field(h->rec, "end");
	h->location = str_field(h->rec, "location");
	h->url = str_field(h->rec, "url");
	h->timezone = str_field(h->rec, "timezone");
	static const char *const keys[4] = {"organisers", "participants", "tags",
	                                    "topics"};
	for (int l = 0; l < 4; l++) {
		json_t *a = json_object_get(h->rec, keys[l]);
		size_t n = json_is_array(a) ? json_array_size(a) : 0;
		h->lists[l] = calloc(n ? n : 1, sizeof *h->lists[l]);
		if (!h->lists[l])
			return -1;
		for (size_t j = 0; j < n; j++) {
			json_t *it = json_array_get(a, j);
			if (json_is_object(it))
				it = json_object_get(it, "name");
			if (json_is_string(it))
				h->lists[l][h->nlists[l]++] = json_string_value(it);
		}
	}
	return 0;
}

/* The counts of the spies of a facet, merged where values normalise alike
 * ("EU Cyber Direct", "EU cyber direct"): the spelling counted most is
 * shown. */
typedef struct merge_entry {
	char *key;
	char *value;
	uint64_t count;
} merge_entry;

typedef struct merge {
	merge_entry *e;
	size_t n, cap;
} merge;

/* Notes count events for value v (len bytes) of a facet; values are
 * merged by merge_finish. */
static int merge_add(merge *m, evs_normalizer *nz, evs_buf *key,
                     const char *v, size_t len, uint64_t count, int fold)
{
	if (fold) {
		if (evs_normalize__name(nz, v, len, key) < 0)
			return -1;
	} else {
		evs_buf__clear(key);
		if (evs_buf__add(key, v, len) < 0)
			return -1;
	}
	if (m->n == m->cap) {
		size_t c = m->cap ? m->cap * 2 : 16;
		merge_entry *e = realloc(m->e, c * sizeof *e);
		if (!e)
			return -1;
		m->e = e;
		m->cap = c;
	}
	merge_entry *e = &m->e[m->n];
	e->key = strdup(key->p);
	e->value = strndup(v, len);
	e->count = count;
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return -1;
	}
	m->n++;
	return 0;
}

static int by_key_value(const void *a, const void *b)
{
	const merge_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->value, y->value);
}

/* Merges the entries of m that normalise alike (sorted, then one pass:
 * linear in the values after the sort), keeping for each the spelling
 * counted most in all. */
static void merge_finish(merge *m)
{
	if (m->n == 0)
		return; /* m->e may be NULL, which qsort must not get */
	qsort(m->e, m->n, sizeof *m->e, by_key_value);
	size_t out = 0;
	for (size_t i = 0; i < m->n;) {
		size_t j = i;
		uint64_t total = 0, best = 0;
		size_t best_at = i;
		while (j < m->n && strcmp(m->e[j].key, m->e[i].key) == 0) {
			size_t k = j;
			uint64_t spelling = 0;
			while (k < m->n && strcmp(m->e[k].key, m->e[i].key) == 0 &&
			       strcmp(m->e[k].value, m->e[j].value) == 0)
				spelling += m->e[k++].count;
			if (spelling > best) {
				best = spelling;
				best_at = j;
			}
			total += spelling;
			j = k;
		}
		merge_entry keep = m->e[best_at];
		keep.count = total;
		for (size_t k = i; k < j; k++)
			if (k != best_at) {
				free(m->e[k].key);
				free(m->e[k].value);
			}
		m->e[out++] = keep;
		i = j;
	}
	m->n = out;
}

static int by_count(const void *a, const void *b)
{
	const facet_entry *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

static int by_value(const void *a, const void *b)
{
	const facet_entry *x = a, *y = b;
	return strcmp(x->value, y->value);
}

/* Turns the counts of the facet list into the facets of res; the years
 * are the months' counts summed. */
static int collect_facets(evs_results *res, const xs_mset *ms, int years,
                          int months)
{
	evs_normalizer nz = {0};
	evs_buf key = EVS_BUF_INIT;
	merge m[EVS_FACET_COUNT_];
	int rc = 0;
	memset(m, 0, sizeof m);
	for (int f = 0; f < EVS_FACET_COUNT_ && rc == 0; f++) {
		int fold = f == EVS_FACET_ORGANISER || f == EVS_FACET_TAG ||
		           f == EVS_FACET_TOPIC;
		const char *v;
		size_t len;
		uint64_t count;
		for (size_t j = 0; (v = xs_mset_count_value(ms, (unsigned)f, j, &len,
		                                            &count)) != NULL;
		     j++) {
			if (f == EVS_FACET_MONTH && years && len >= 4 &&
			    merge_add(&m[EVS_FACET_YEAR], &nz, &key, v, 4, count, 0) < 0)
				rc = -1;
			if ((f != EVS_FACET_MONTH || months) &&
			    merge_add(&m[f], &nz, &key, v, len, count, fold) < 0)
				rc = -1;
			if (rc < 0)
				break;
		}
	}
	for (int f = 0; f < EVS_FACET_COUNT_; f++) {
		if (rc == 0)
			merge_finish(&m[f]);
		if (rc == 0 && m[f].n) {
			res->facets[f] = calloc(m[f].n, sizeof *res->facets[f]);
			if (!res->facets[f])
				rc = -1;
		}
		for (size_t i = 0; i < m[f].n; i++) {
			free(m[f].e[i].key);
			if (rc == 0) {
				res->facets[f][i].value = m[f].e[i].value;
				res->facets[f][i].count = m[f].e[i].count;
			} else {
				free(m[f].e[i].value);
			}
		}
		if (rc == 0 && m[f].n) {
			res->nfacets[f] = m[f].n;
			int chrono = f == EVS_FACET_YEAR || f == EVS_FACET_MONTH;
			qsort(res->facets[f], m[f].n, sizeof *res->facets[f],
			      chrono ? by_value : by_count);
		}
		free(m[f].e);
	}
	evs_normalize__dispose(&nz);
	evs_buf__dispose(&key);
	return rc;
}

/* The filters of opts as one query (NULL: none). */
static evs_status build_filters(evs_index *idx, const evs_search_options *o,
                                xs_query **out)
{
	xs_query *parts[4] = {NULL};
	size_t np = 0;
	evs_status st = EVS_OK;
	evs_buf name = EVS_BUF_INIT;
	char lo[9] = "", hi[9] = "";
	*out = NULL;
	if (o->from && evs_date__filter_bound(o->from, 0, lo) < 0) {
		st = evs_index__fail(idx, EVS_E_INVALID,
		                     "from date \"%s\": expected YYYY, YYYY-MM, "
		                     "YYYY-MM-DD or today",
		                     o->from);
		goto done;
	}
	if (o->to && evs_date__filter_bound(o->to, 1, hi) < 0) {
		st = evs_index__fail(idx, EVS_E_INVALID,
		                     "to date \"%s\": expected YYYY, YYYY-MM, "
		                     "YYYY-MM-DD or today",
		                     o->to);
		goto done;
	}
	if (*lo && *hi && strcmp(lo, hi) > 0) {
		st = evs_index__fail(idx, EVS_E_INVALID,
		                     "the from date (%s) is after the to date (%s)",
		                     o->from, o->to);
		goto done;
	}
	/* An event overlaps [lo, hi] when it starts on or before hi and ends on
	 * or after lo. */
	if (*lo && (st = xs_query_value_cmp(&parts[np++], EVS_SLOT_END_DATE, 1,
	                                    lo, idx->errmsg)) != EVS_OK)
		goto done;
	if (*hi && (st = xs_query_value_cmp(&parts[np++], EVS_SLOT_START_DATE, 0,
	                                    hi, idx->errmsg)) != EVS_OK)
		goto done;
	const char *const *lists[2] = {o->organisers, o->tags};
	size_t counts[2] = {o->n_organisers, o->n_tags};
	const char *prefixes[2] = {"XOE", "K"};
	for (int k = 0; k < 2; k++) {
		if (!counts[k])
			continue;
		xs_query **alts = calloc(counts[k], sizeof *alts);
		if (!alts) {
			st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			goto done;
		}
		for (size_t i = 0; i < counts[k]; i++) {
			const char *v = lists[k][i] ? lists[k][i] : "";
			char term[EVS_MAX_ID_TERM + 1];
			if (evs_normalize__name(&idx->nz, v, strlen(v), &name) < 0) {
				st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			} else {
				size_t tl = evs_schema__exact_term(term, prefixes[k], name.p,
				                                   name.len);
				st = xs_query_term(&alts[i], term, tl, 0, idx->errmsg);
			}
			if (st != EVS_OK) {
				for (size_t j = 0; j < i; j++)
					xs_query_free(alts[j]);
				free(alts);
				goto done;
			}
		}
		st = xs_query_combine(&parts[np++], XS_OP_OR, alts, counts[k],
		                      idx->errmsg);
		free(alts);
		if (st != EVS_OK)
			goto done;
	}
	if (np == 1) {
		*out = parts[0];
		parts[0] = NULL;
	} else if (np > 1) {
		st = xs_query_combine(out, XS_OP_AND, parts, np, idx->errmsg);
		memset(parts, 0, sizeof parts);
	}
done:
	for (size_t i = 0; i < 4; i++)
		xs_query_free(parts[i]);
	evs_buf__dispose(&name);
	return st;
}

static char **dup_list(const char *const *v, size_t n)
{
	char **d = calloc(n ? n : 1, sizeof *d);
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		d[i] = strdup(v[i] ? v[i] : "");
		if (!d[i]) {
			while (i--)
				free(d[i]);
			free(d);
			return NULL;
		}
	}
	return d;
}

static int has_text(const char *q)
{
	for (; q && *q; q++)
		if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
			return 1;
	return 0;
}

evs_status evs_search(evs_results **out, evs_index *idx, const char *query,
                      const evs_search_options *opts)
{
	evs_search_options def = EVS_SEARCH_OPTIONS_INIT;
	evs_results *res = NULL;
	xs_query *q = NULL, *filter = NULL;
	xs_mset *ms = NULL;
	evs_status st = EVS_OK;
	*out = NULL;
	if (!idx)
		return EVS_E_INVALID;
	evs_index__reset(idx);
	if (!opts)
		opts = &def;
	if (opts->version < 1 || opts->version > EVS_SEARCH_OPTIONS_VERSION)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "evs_search_options version %d unknown",
		                       opts->version);
	if (opts->sort > EVS_SORT_DATE_DESC)
		return evs_index__fail(idx, EVS_E_INVALID, "unknown sort order");
	if ((opts->n_organisers && !opts->organisers) ||
	    (opts->n_tags && !opts->tags))
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "a count of organisers or tags without the "
		                       "list");
	if (opts->offset > 4000000000u)
		return evs_index__fail(idx, EVS_E_INVALID, "offset %zu is too large",
		                       opts->offset);
	if (!idx->db)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "the new generation is being built; search "
		                       "the index after the switch");
	res = calloc(1, sizeof *res);
	if (!res)
		goto nomem;
	res->flags = opts->flags;
	res->offset = opts->offset;
	res->limit = opts->limit ? opts->limit : DEFAULT_LIMIT;
	if (res->limit > MAX_LIMIT) {
		st = evs_index__fail(idx, EVS_E_INVALID, "limit %zu is over %d",
		                     res->limit, MAX_LIMIT);
		goto done;
	}
	int text = has_text(query);
	if ((text && !(res->query = strdup(query))) ||
	    (opts->from && !(res->from = dupn(opts->from))) ||
	    (opts->to && !(res->to = dupn(opts->to))) ||
	    (opts->n_organisers &&
	     !(res->organisers = dup_list(opts->organisers, opts->n_organisers))) ||
	    (opts->n_tags && !(res->tags = dup_list(opts->tags, opts->n_tags))) ||
	    !(res->stemmer = strdup(idx->stemmer)))
		goto nomem;
	res->norganisers = opts->organisers ? opts->n_organisers : 0;
	res->ntags = opts->tags ? opts->n_tags : 0;

	/* Options are checked first, so that a bad date is reported whatever
	 * the query. */
	if ((st = build_filters(idx, opts, &filter)) != EVS_OK)
		goto done;
	if (text) {
		if ((st = evs_query__parse(idx, query, opts->flags, &q, &res->hl)) !=
		    EVS_OK)
			goto done;
		if (!q) {
			/* Text with no words ("!!!") matches nothing. */
			res->sort = opts->sort ? opts->sort : EVS_SORT_RELEVANCE;
			*out = res;
			res = NULL;
			goto done;
		}
	} else if ((st = xs_query_match_all(&q, idx->errmsg)) != EVS_OK) {
		goto done;
	}
	if (filter) {
		xs_query *v[2] = {q, filter};
		q = filter = NULL;
		if ((st = xs_query_combine(&q, XS_OP_FILTER, v, 2, idx->errmsg)) !=
		    EVS_OK)
			goto done;
	}
	/* Without words every event is as relevant as any other: a listing is
	 * newest first. */
	res->sort = opts->sort != EVS_SORT_DEFAULT ? opts->sort
	                                           : EVS_SORT_RELEVANCE;
	if (!text && res->sort == EVS_SORT_RELEVANCE)
		res->sort = EVS_SORT_DATE_DESC;

	/* Every facet is counted from one list slot, one value read per
	 * match; the year facet is summed from the months. */
	unsigned want = opts->facets ? opts->facets : ~0u;
	if (opts->flags & EVS_SEARCH_NO_FACETS)
		want = 0;
	unsigned groups = want & (EVS_FACET_BIT(EVS_FACET_ORGANISER) |
	                          EVS_FACET_BIT(EVS_FACET_TAG) |
	                          EVS_FACET_BIT(EVS_FACET_TOPIC));
	if (want & (EVS_FACET_BIT(EVS_FACET_YEAR) | EVS_FACET_BIT(EVS_FACET_MONTH)))
		groups |= EVS_FACET_BIT(EVS_FACET_MONTH);
	xs_search_params sp;
	memset(&sp, 0, sizeof sp);
	sp.sort = res->sort != EVS_SORT_RELEVANCE;
	sp.sort_reverse = res->sort == EVS_SORT_DATE_DESC;
	sp.sort_slot = EVS_SLOT_SORT;
	sp.tiebreak_slot = EVS_SLOT_ID;
	sp.offset = res->offset;
	sp.limit = res->limit;
	sp.bm25_k1 = EVS_BM25_K1;
	sp.bm25_b = EVS_BM25_B;
	sp.count_slot = EVS_SLOT_FACETS;
	sp.count_groups = groups;
	if ((st = xs_search(&ms, idx->db, q, &sp, idx->errmsg)) != EVS_OK) {
		if (st == EVS_E_CORRUPT) {
			char detail[EVS_ERRLEN];
			snprintf(detail, sizeof detail, "%s", idx->errmsg);
			evs_index__fail(idx, st,
			                "%s: the index is damaged (%s): rebuild it "
			                "(evindex --rebuild)",
			                idx->dir, detail);
		}
		goto done;
	}
	res->total = xs_mset_total(ms);
	size_t n = xs_mset_size(ms);
	res->hits = calloc(n ? n : 1, sizeof *res->hits);
	if (!res->hits)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *data = xs_mset_data(ms, i, &len);
		res->nhits++;
		res->hits[i].score = xs_mset_weight(ms, i);
		if (load_hit(&res->hits[i], data, len) < 0) {
			st = evs_index__fail(idx, EVS_E_CORRUPT,
			                     "%s: a stored record is damaged",
			                     idx->dir);
			goto done;
		}
	}
	if (collect_facets(res, ms, want & EVS_FACET_BIT(EVS_FACET_YEAR),
	                   want & EVS_FACET_BIT(EVS_FACET_MONTH)) < 0)
		goto nomem;
	*out = res;
	res = NULL;
	goto done;
nomem:
	st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
done:
	xs_query_free(q);
	xs_query_free(filter);
	xs_mset_free(ms);
	evs_results_free(res);
	return st;
}

uint64_t evs_results_total(const evs_results *res)
{
	return res ? res->total : 0;
}

size_t evs_results_count(const evs_results *res)
{
	return res ? res->nhits : 0;
}

size_t evs_results_offset(const evs_results *res)
{
	return res ? res->offset : 0;
}

size_t evs_results_limit(const evs_results *res)
{
	return res ? res->limit : 0;
}

static const evs_hit *hit(const evs_results *res, size_t i)
{
	return res && i < res->nhits ? &res->hits[i] : NULL;
}

#define HIT_FIELD(name)                                        \
	const char *evs_hit_##name(const evs_results *res, size_t i) \
	{                                                          \
		const evs_hit *h = hit(res, i);                        \
		return h ? h->name : NULL;                             \
	}

HIT_FIELD(id)
HIT_FIELD(title)
HIT_FIELD(start)
HIT_FIELD(end)
HIT_FIELD(location)
HIT_FIELD(url)

double evs_hit_score(const evs_results *res, size_t i)
{
	const evs_hit *h = hit(res, i);
	return h ? h->score : 0.0;
}

const char *evs_hit_record(const evs_results *res, size_t i)
{
	const evs_hit *h = hit(res, i);
	return h ? h->record : NULL;
}

size_t evs_hit_list_count(const evs_results *res, size_t i, evs_list list)
{
	const evs_hit *h = hit(res, i);
	return h && (unsigned)list < 4 ? h->nlists[list] : 0;
}

const char *evs_hit_list_item(const evs_results *res, size_t i,
                              evs_list list, size_t j)
{
	const evs_hit *h = hit(res, i);
	if (!h || (unsigned)list >= 4 || j >= h->nlists[list])
		return NULL;
	return h->lists[list][j];
}

char *evs_hit_snippet(const evs_results *res, size_t i, const char *open,
                      const char *close)
{
	if (!hit(res, i) || !open || !close)
		return NULL;
	return evs_snippet__make(res, i, open, close, 0);
}

const char *evs_facet_name(evs_facet facet)
{
	static const char *const names[EVS_FACET_COUNT_] = {
	    "organiser", "year", "month", "tag", "topic"};
	return (unsigned)facet < EVS_FACET_COUNT_ ? names[facet] : NULL;
}

size_t evs_facet_count(const evs_results *res, evs_facet facet)
{
	return res && (unsigned)facet < EVS_FACET_COUNT_ ? res->nfacets[facet]
	                                                 : 0;
}

const char *evs_facet_value(const evs_results *res, evs_facet facet,
                            size_t j, uint64_t *count)
{
	if (!res || (unsigned)facet >= EVS_FACET_COUNT_ ||
	    j >= res->nfacets[facet])
		return NULL;
	if (count)
		*count = res->facets[facet][j].count;
	return res->facets[facet][j].value;
}
