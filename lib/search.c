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

#include "cluster.h"
#include "date.h"
#include "docdata.h"
#include "handle.h"
#include "held.h"
#include "names.h"
#include "ranking.h"
#include "results.h"
#include "schema.h"
#include "util.h"

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
	free(h->occ_start);
	free(h->occ_end);
}

void evs_results_free(evs_results *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nhits; i++)
		hit_dispose(&res->hits[i]);
	free(res->hits);
	for (int f = 0; f < EVS_N_FACETS; f++) {
		for (size_t j = 0; j < res->nfacets[f]; j++)
			free(res->facets[f][j].value);
		free(res->facets[f]);
	}
	for (size_t i = 0; res->organisers_meant && i < res->norganisers; i++)
		free(res->organisers_meant[i]);
	free(res->organisers_meant);
	free(res->organisers_use);
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
	for (size_t i = 0; i < res->nmissing; i++)
		free(res->missing[i]);
	free(res->missing);
	evs_highlight__dispose(&res->hl);
	free(res);
}

static const char *str_field(json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "YYYYMMDD" of an ISO 8601 date or date-time as records hold them. */
static void iso_key(const char *iso, char out[9])
{
	if (!iso || strlen(iso) < 10) {
		out[0] = '\0';
		return;
	}
	memcpy(out, iso, 4);
	memcpy(out + 4, iso + 5, 2);
	memcpy(out + 6, iso + 8, 2);
	out[8] = '\0';
}

/* The occurrences of a hit that match the date range of res, and which
 * of them is next. */
static int load_occurrences(evs_hit *h, const evs_results *res)
{
	json_t *occ = json_object_get(h->rec, "occurrences");
	size_t n = json_is_array(occ) ? json_array_size(occ) : 0;
	h->recurs = n > 0;
	if (n == 0)
		n = 1; /* the event itself */
	h->occ_start = calloc(n, sizeof *h->occ_start);
	h->occ_end = calloc(n, sizeof *h->occ_end);
	if (!h->occ_start || !h->occ_end)
		return -1;
	for (size_t j = 0; j < n; j++) {
		const char *s = h->start, *e = h->end;
		if (h->recurs) {
			s = str_field(json_array_get(occ, j), "start");
			e = str_field(json_array_get(occ, j), "end");
		}
		char ks[9], ke[9];
		iso_key(s, ks);
		evs_date__last_day_key_iso(s, e, ke);
		if (!*ks || (*res->hi && strcmp(ks, res->hi) > 0) ||
		    (*res->lo && strcmp(ke, res->lo) < 0))
			continue;
		h->occ_start[h->nocc] = s;
		h->occ_end[h->nocc] = e;
		h->nocc++;
	}
	if (h->nocc == 0 && !h->recurs) {
		/* A one-off event always shows its dates. */
		h->occ_start[0] = h->start;
		h->occ_end[0] = h->end;
		h->nocc = 1;
	}
	h->next = h->nocc ? h->nocc - 1 : 0;
	for (size_t j = 0; j < h->nocc; j++) {
		char ke[9];
		evs_date__last_day_key_iso(h->occ_start[j], h->occ_end[j], ke);
		if (strcmp(ke, res->ref) >= 0) {
			h->next = j;
			break;
		}
	}
	return 0;
}

/* Fills a hit from its stored record. Returns 0 or -1 (out of memory or
 * not a record: the index is then damaged). */
static int load_hit(evs_hit *h, const char *data, size_t len,
                    const evs_results *res)
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
	h->status = str_field(h->rec, "status");
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
	return load_occurrences(h, res);
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
static int merge_add(merge *m, evs_normalizer *nz, evs_buf *key, const char *v,
                     size_t len, uint64_t count, int fold)
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
		merge_entry *e = evs_util__grow(m->e, &m->cap, m->n + 1, sizeof *e, 16);
		if (!e)
			return -1;
		m->e = e;
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

/* Turns the counts of the facet list into the facets of res. */
static int collect_facets(evs_results *res, const xs_mset *ms)
{
	evs_normalizer nz = {0};
	evs_buf key = EVS_BUF_INIT;
	merge m[EVS_N_FACETS];
	int rc = 0;
	memset(m, 0, sizeof m);
	for (int f = 0; f < EVS_N_FACETS && rc == 0; f++) {
		int fold = f == EVS_FACET_ORGANISER || f == EVS_FACET_TAG ||
		           f == EVS_FACET_TOPIC;
		const char *v;
		size_t len;
		uint64_t count;
		for (size_t j = 0; (v = xs_mset_count_value(ms, (unsigned)f, j, &len,
		                                            &count)) != NULL;
		     j++) {
			if (merge_add(&m[f], &nz, &key, v, len, count, fold) < 0)
				rc = -1;
			if (rc < 0)
				break;
		}
	}
	for (int f = 0; f < EVS_N_FACETS; f++) {
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

/* Years that have date terms (events with occurrences), for the
 * decomposition of a date range. */
typedef struct years {
	int y[10000];
	size_t n;
} years;

static int on_year(void *ctx, const char *term, size_t len)
{
	years *ys = ctx;
	size_t pl = strlen(EVS_PREFIX_DAY_Y);
	if (len == pl + 4 && ys->n < 10000)
		ys->y[ys->n++] = atoi(term + pl);
	return 0;
}

static evs_status add_term_query(evs_index *idx, xs_query ***v, size_t *n,
                                 size_t *cap, const char *prefix,
                                 const char *digits, size_t nd)
{
	if (*n == *cap) {
		xs_query **nv = evs_util__grow(*v, cap, *n + 1, sizeof *nv, 32);
		if (!nv)
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		*v = nv;
	}
	char term[24];
	int tl = snprintf(term, sizeof term, "%s%.*s", prefix, (int)nd, digits);
	evs_status st = xs_query_term(&(*v)[*n], term, (size_t)tl, 0, idx->errmsg);
	if (st == EVS_OK)
		(*n)++;
	return st;
}

/* Events with occurrences that have one within lo..hi ("" when open): the
 * OR of the year, month and day terms that cover the range exactly (at
 * most 2 x (11 + 31) terms and one per year in between). *out is NULL
 * when no term can match. */
static evs_status occurrence_filter(evs_index *idx, const char *lo,
                                    const char *hi, xs_query **out)
{
	years *ys = malloc(sizeof *ys);
	xs_query **v = NULL;
	size_t n = 0, cap = 0;
	evs_status st;
	*out = NULL;
	if (!ys)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	ys->n = 0;
	st = xs_db_each_term(idx->db, EVS_PREFIX_DAY_Y, on_year, ys, idx->errmsg);
	const char *a = *lo ? lo : "00010101", *b = *hi ? hi : "99991231";
	int ya = atoi(a) / 10000, yb = atoi(b) / 10000;
	for (size_t i = 0; i < ys->n && st == EVS_OK; i++) {
		int y = ys->y[i];
		if (y < ya || y > yb)
			continue;
		/* The part of the range in year y: months ma..mb, from day da of
		 * ma to day db of mb. */
		int ma = y == ya ? atoi(a) / 100 % 100 : 1;
		int da = y == ya ? atoi(a) % 100 : 1;
		int mb = y == yb ? atoi(b) / 100 % 100 : 12;
		int db = y == yb ? atoi(b) % 100 : 31;
		char d[32];
		if (ma == 1 && da == 1 && mb == 12 && db == 31) {
			snprintf(d, sizeof d, "%04d", y);
			st = add_term_query(idx, &v, &n, &cap, EVS_PREFIX_DAY_Y, d, 4);
			continue;
		}
		for (int m = ma; m <= mb && st == EVS_OK; m++) {
			int last = evs_date__days_in_month(y, m);
			int d0 = m == ma ? da : 1, d1 = m == mb ? db : last;
			if (d1 > last)
				d1 = last;
			if (d0 == 1 && d1 == last) {
				snprintf(d, sizeof d, "%04d%02d", y, m);
				st = add_term_query(idx, &v, &n, &cap, EVS_PREFIX_DAY_M, d, 6);
				continue;
			}
			for (int day = d0; day <= d1 && st == EVS_OK; day++) {
				snprintf(d, sizeof d, "%04d%02d%02d", y, m, day);
				st = add_term_query(idx, &v, &n, &cap, EVS_PREFIX_DAY_D, d, 8);
			}
		}
	}
	if (st == EVS_OK && n > 0) {
		st = xs_query_combine(out, XS_OP_OR, v, n, idx->errmsg);
		n = 0;
	}
	for (size_t i = 0; i < n; i++)
		xs_query_free(v[i]);
	free(v);
	free(ys);
	return st;
}

/* The date part of the filters: start..end overlaps lo..hi, and for an
 * event with occurrences, one of them does as well. */
static evs_status date_filter(evs_index *idx, const char *lo, const char *hi,
                              xs_query **out)
{
	xs_query *p[2] = {NULL, NULL}, *range = NULL, *recurs = NULL, *occ = NULL;
	size_t np = 0;
	uint64_t freq = 0;
	evs_status st = EVS_OK;
	*out = NULL;
	/* An event overlaps [lo, hi] when it starts on or before hi and ends on
	 * or after lo; for an event with occurrences these are its first and
	 * last. */
	if (*lo && (st = xs_query_value_cmp(&p[np++], EVS_SLOT_END_DATE, 1, lo,
	                                    idx->errmsg)) != EVS_OK)
		goto done;
	if (*hi && (st = xs_query_value_cmp(&p[np++], EVS_SLOT_START_DATE, 0, hi,
	                                    idx->errmsg)) != EVS_OK)
		goto done;
	if (np == 0)
		goto done;
	if (np == 1) {
		range = p[0];
	} else if ((st = xs_query_combine(&range, XS_OP_AND, p, 2, idx->errmsg)) !=
	           EVS_OK) {
		p[0] = p[1] = NULL;
		goto done;
	}
	p[0] = p[1] = NULL;
	if ((st = xs_db_termfreq(idx->db, EVS_TERM_RECURS, strlen(EVS_TERM_RECURS),
	                         &freq, idx->errmsg)) != EVS_OK)
		goto done;
	if (freq == 0) {
		*out = range;
		range = NULL;
		goto done;
	}
	/* range AND NOT (recurring AND NOT an occurrence in lo..hi). */
	if ((st = xs_query_term(&recurs, EVS_TERM_RECURS, strlen(EVS_TERM_RECURS),
	                        0, idx->errmsg)) != EVS_OK ||
	    (st = occurrence_filter(idx, lo, hi, &occ)) != EVS_OK)
		goto done;
	if (occ) {
		xs_query *v[2] = {recurs, occ};
		recurs = occ = NULL;
		if ((st = xs_query_combine(&recurs, XS_OP_AND_NOT, v, 2,
		                           idx->errmsg)) != EVS_OK)
			goto done;
	}
	xs_query *v[2] = {range, recurs};
	range = recurs = NULL;
	st = xs_query_combine(out, XS_OP_AND_NOT, v, 2, idx->errmsg);
done:
	xs_query_free(p[0]);
	xs_query_free(p[1]);
	xs_query_free(range);
	xs_query_free(recurs);
	xs_query_free(occ);
	return st;
}

/* The filters of opts as one query (NULL: none); the date range as local
 * dates into lo and hi ("" when open). */
static evs_status build_filters(evs_index *idx, const evs_search_options *o,
                                xs_query **out, char lo[9], char hi[9])
{
	xs_query *parts[4] = {NULL};
	size_t np = 0;
	evs_status st = EVS_OK;
	evs_buf name = EVS_BUF_INIT;
	*lo = *hi = '\0';
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
	if ((st = date_filter(idx, lo, hi, &parts[np])) != EVS_OK)
		goto done;
	np += parts[np] != NULL;
	const char *const *lists[2] = {o->organisers, o->tags};
	size_t counts[2] = {o->n_organisers, o->n_tags};
	const char *prefixes[2] =
	    {evs_schema__facet_field(EVS_FACET_ORGANISER)->exact_prefix,
	     evs_schema__facet_field(EVS_FACET_TAG)->exact_prefix};
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
				size_t tl =
				    evs_schema__exact_term(term, prefixes[k], name.p, name.len);
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

/* Organisers that match no event, as words are corrected (names.h):
 * unless EVS_SEARCH_EXACT, the filter of o becomes the closest name. */
static evs_status correct_organisers(evs_index *idx, evs_results *res,
                                     evs_search_options *o)
{
	size_t n = res->norganisers, fixed = 0;
	if (!n || (o->flags & EVS_SEARCH_EXACT))
		return EVS_OK;
	char **meant = calloc(n, sizeof *meant);
	const char **use = calloc(n, sizeof *use);
	evs_status st = meant && use ? evs_names__correct(idx, "XOE", "organiser",
	                                                  res->organisers, n, meant)
	                             : evs_index__fail(idx, EVS_E_NOMEM,
	                                               "out of memory");
	for (size_t i = 0; st == EVS_OK && i < n; i++) {
		use[i] = meant[i] ? meant[i] : res->organisers[i];
		fixed += meant[i] != NULL;
	}
	if (st == EVS_OK && fixed) {
		res->organisers_meant = meant;
		res->organisers_use = use;
		o->organisers = use;
		return EVS_OK;
	}
	for (size_t i = 0; meant && i < n; i++)
		free(meant[i]);
	free(meant);
	free(use);
	return st;
}

static int has_text(const char *q)
{
	for (; q && *q; q++)
		if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
			return 1;
	return 0;
}

/* The options that need no index read. */
static evs_status check_options(evs_index *idx, const evs_search_options *opts)
{
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
	return EVS_OK;
}

/* New results holding their own copy of what was asked: they outlive
 * the caller's strings. */
static evs_status new_results(evs_results **out, evs_index *idx,
                              const char *query, int text,
                              const evs_search_options *opts)
{
	evs_results *res = calloc(1, sizeof *res);
	*out = NULL;
	if (!res)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	res->flags = opts->flags;
	res->offset = opts->offset;
	res->limit = opts->flags & EVS_SEARCH_NO_HITS ? 0
	             : opts->limit                    ? opts->limit
	                                              : DEFAULT_LIMIT;
	if (res->limit > MAX_LIMIT) {
		size_t limit = res->limit;
		evs_results_free(res);
		return evs_index__fail(idx, EVS_E_INVALID, "limit %zu is over %d",
		                       limit, MAX_LIMIT);
	}
	if ((text && !(res->query = strdup(query))) ||
	    (opts->from && !(res->from = dupn(opts->from))) ||
	    (opts->to && !(res->to = dupn(opts->to))) ||
	    (opts->n_organisers &&
	     !(res->organisers = dup_list(opts->organisers, opts->n_organisers))) ||
	    (opts->n_tags && !(res->tags = dup_list(opts->tags, opts->n_tags))) ||
	    !(res->stemmer = strdup(idx->stemmer))) {
		evs_results_free(res);
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	}
	res->norganisers = opts->organisers ? opts->n_organisers : 0;
	res->ntags = opts->tags ? opts->n_tags : 0;
	*out = res;
	return EVS_OK;
}

/* The query to run: the words of query (text 0: every event) within the
 * filters of opts, without cancelled events unless asked for; the dates
 * of the filters go to res. *out is NULL when the text has no words
 * ("!!!"), which matches nothing. */
static evs_status build_query(xs_query **out, evs_index *idx, const char *query,
                              int text, const evs_search_options *opts,
                              evs_results *res)
{
	xs_query *q = NULL, *filter = NULL;
	evs_status st;
	*out = NULL;
	/* Options are checked first, so that a bad date is reported whatever
	 * the query. */
	if ((st = build_filters(idx, opts, &filter, res->lo, res->hi)) != EVS_OK)
		goto done;
	if (*res->lo)
		memcpy(res->ref, res->lo, sizeof res->ref);
	else if (evs_date__filter_bound("today", 0, res->ref) < 0)
		memcpy(res->ref, "00010101", sizeof res->ref);
	if (text) {
		if ((st = evs_query__parse(idx, query, opts->flags, &q, &res->hl)) !=
		    EVS_OK)
			goto done;
		if (!q)
			goto done;
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
	/* Cancelled events are left out unless asked for (and where there are
	 * any: the test costs nothing then). */
	uint64_t cancelled = 0;
	if (!(opts->flags & EVS_SEARCH_CANCELLED) &&
	    (st = xs_db_termfreq(idx->db, EVS_TERM_CANCELLED,
	                         strlen(EVS_TERM_CANCELLED), &cancelled,
	                         idx->errmsg)) != EVS_OK)
		goto done;
	if (cancelled) {
		xs_query *v[2] = {q, NULL};
		q = NULL;
		if ((st = xs_query_term(&v[1], EVS_TERM_CANCELLED,
		                        strlen(EVS_TERM_CANCELLED), 0, idx->errmsg)) !=
		    EVS_OK) {
			xs_query_free(v[0]);
			goto done;
		}
		if ((st = xs_query_combine(&q, XS_OP_AND_NOT, v, 2, idx->errmsg)) !=
		    EVS_OK)
			goto done;
	}
	*out = q;
	q = NULL;
done:
	xs_query_free(q);
	xs_query_free(filter);
	return st;
}


/* The words of a query that feedback counts: its positive stems that are
 * not stopwords. */
static size_t content_words(const evs_highlight *hl)
{
	size_t n = 0;
	for (size_t i = 0; i < hl->nstems; i++)
		n += !evs_ranking__stopword(hl->stems[i], strlen(hl->stems[i]));
	return n;
}
/* Runs q: the page of hits, their records and the facets into res.
 * attempts: the searches of this call so far (a shard lost mid-search is
 * left out and the search run again, at most three times). */
static evs_status run_query(evs_index *idx, const evs_search_options *opts,
                            xs_query *q, int text, evs_results *res,
                            int attempts)
{
	xs_mset *ms = NULL;
	evs_buf record = EVS_BUF_INIT;
	evs_status st;
	/* Without words every event is as relevant as any other: a listing is
	 * newest first. */
	res->sort =
	    opts->sort != EVS_SORT_DEFAULT ? opts->sort : EVS_SORT_RELEVANCE;
	if (!text && res->sort == EVS_SORT_RELEVANCE)
		res->sort = EVS_SORT_DATE_DESC;

	/* Every facet is counted from one list slot, one value read per
	 * match. An event with occurrences has the months and years of all of
	 * them, each once. */
	unsigned want = opts->facets ? opts->facets : ~0u;
	if (opts->flags & EVS_SEARCH_NO_FACETS)
		want = 0;
	unsigned groups = want & ((1u << EVS_N_FACETS) - 1);
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
	evs_ranking rtmp;
	const evs_ranking *rk = evs_ranking__of(idx, &rtmp);
	evs_ranking__params(rk, &sp);
	if (!(opts->flags & EVS_SEARCH_NO_EXPAND) && !sp.sort && text &&
	    content_words(&res->hl) >= EVS_FB_MIN_WORDS)
		evs_ranking__feedback(rk, &sp);
	sp.count_slot = EVS_SLOT_FACETS;
	sp.count_groups = groups;
	const char *dict = NULL;
	size_t dlen = 0;
	if ((st = evs_index__docdict(idx, &dict, &dlen)) != EVS_OK)
		goto done;
	if ((st = xs_search(&ms, idx->db, q, &sp, idx->errmsg)) != EVS_OK) {
		/* A shard that stopped answering: named, or left out. */
		if (st == EVS_E_UNAVAILABLE && idx->cluster && attempts < 3 &&
		    (st = evs_cluster__lost(idx)) == EVS_OK) {
			st = EVS_E_MODIFIED; /* again, on the shards that answer */
			goto done;
		}
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
		/* Each shard packs its records with its own dictionary. */
		if (idx->cluster && (st = evs_cluster__docdict(idx, xs_mset_part(ms, i),
		                                               &dict, &dlen)) != EVS_OK)
			goto done;
		int rc = evs_docdata__unpack(dict, dlen, data, len, &record);
		if (rc == -1 && !dict) {
			/* xs_search reopened the handle on a revision that has the
			 * dictionary its records were packed with. */
			idx->docdict_read = 0;
			if ((st = evs_index__docdict(idx, &dict, &dlen)) != EVS_OK)
				goto done;
			rc = evs_docdata__unpack(dict, dlen, data, len, &record);
		}
		if (rc == -2)
			goto nomem;
		if (rc < 0 || load_hit(&res->hits[i], record.p, record.len, res) < 0) {
			st = evs_index__fail(idx, EVS_E_CORRUPT,
			                     "%s: a stored record is damaged", idx->dir);
			goto done;
		}
	}
	if (collect_facets(res, ms) < 0 ||
	    (idx->cluster &&
	     evs_cluster__missing(idx->cluster, &res->missing, &res->nmissing) < 0))
		goto nomem;
	goto done;
nomem:
	st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
done:
	evs_buf__dispose(&record);
	xs_mset_free(ms);
	return st;
}

evs_status evs_search(evs_results **out, evs_index *idx, const char *query,
                      const evs_search_options *opts)
{
	evs_search_options def = EVS_SEARCH_OPTIONS_INIT;
	evs_results *res = NULL;
	evs_status st;
	*out = NULL;
	if (!idx)
		return EVS_E_INVALID;
	evs_index__reset(idx);
	if (!opts)
		opts = &def;
	if ((st = check_options(idx, opts)) != EVS_OK)
		return st;
	/* A writer's held records go in first, so that it finds them. */
	if ((st = evs_index__release_held(idx, 0)) != EVS_OK)
		return st;
	int text = has_text(query);
	if ((st = new_results(&res, idx, query, text, opts)) != EVS_OK)
		return st;
	/* An organiser that matches no event may be a misspelt one. */
	evs_search_options fo = *opts;
	if ((st = correct_organisers(idx, res, &fo)) != EVS_OK) {
		evs_results_free(res);
		return st;
	}
	opts = &fo;
	/* From here on the index is read (the query's forms, the filters'
	 * years): a reader left behind by a writer's commits (Xapian's
	 * DatabaseModifiedError) reopens and starts again, up to three times,
	 * so that the whole search reads one revision. */
	for (int attempts = 0;; attempts++) {
		xs_query *q = NULL;
		st = build_query(&q, idx, query, text, opts, res);
		if (st == EVS_OK && !q) {
			/* Text with no words matches nothing. */
			res->sort = opts->sort ? opts->sort : EVS_SORT_RELEVANCE;
			break;
		}
		if (st == EVS_OK)
			st = run_query(idx, opts, q, text, res, attempts);
		xs_query_free(q);
		if (st != EVS_E_MODIFIED || res->hits || attempts == 3 ||
		    xs_db_reopen(idx->db, idx->errmsg) != EVS_OK)
			break;
		evs_highlight__dispose(&res->hl);
		memset(&res->hl, 0, sizeof res->hl);
	}
	if (st == EVS_OK) {
		*out = res;
		res = NULL;
	}
	evs_results_free(res);
	return st;
}

uint64_t evs_results_total(const evs_results *res)
{
	return res ? res->total : 0;
}

const char *evs_results_missing(const evs_results *res, size_t i)
{
	return res && i < res->nmissing ? res->missing[i] : NULL;
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

const char *evs_results_organiser_meant(const evs_results *res, size_t i)
{
	return res && res->organisers_meant && i < res->norganisers
	           ? res->organisers_meant[i]
	           : NULL;
}

const char *evs_results_suggestion(const evs_results *res)
{
	return res ? res->hl.suggestion : NULL;
}

int evs_results_corrected(const evs_results *res)
{
	return res ? res->hl.corrected : 0;
}

static const evs_hit *hit(const evs_results *res, size_t i)
{
	return res && i < res->nhits ? &res->hits[i] : NULL;
}

#define HIT_FIELD(name)                                                        \
	const char *evs_hit_##name(const evs_results *res, size_t i)               \
	{                                                                          \
		const evs_hit *h = hit(res, i);                                        \
		return h ? h->name : NULL;                                             \
	}

HIT_FIELD(id)
HIT_FIELD(title)
HIT_FIELD(start)
HIT_FIELD(end)
HIT_FIELD(location)
HIT_FIELD(url)

HIT_FIELD(status)

size_t evs_hit_occurrence_count(const evs_results *res, size_t i)
{
	const evs_hit *h = hit(res, i);
	return h ? h->nocc : 0;
}

const char *evs_hit_occurrence_start(const evs_results *res, size_t i, size_t j)
{
	const evs_hit *h = hit(res, i);
	return h && j < h->nocc ? h->occ_start[j] : NULL;
}

const char *evs_hit_occurrence_end(const evs_results *res, size_t i, size_t j)
{
	const evs_hit *h = hit(res, i);
	return h && j < h->nocc ? h->occ_end[j] : NULL;
}

size_t evs_hit_next_occurrence(const evs_results *res, size_t i)
{
	const evs_hit *h = hit(res, i);
	return h ? h->next : 0;
}

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

const char *evs_hit_list_item(const evs_results *res, size_t i, evs_list list,
                              size_t j)
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
	static const char *const names[EVS_N_FACETS] = {"organiser", "year",
	                                                "month", "tag", "topic"};
	return (unsigned)facet < EVS_N_FACETS ? names[facet] : NULL;
}

size_t evs_facet_count(const evs_results *res, evs_facet facet)
{
	return res && (unsigned)facet < EVS_N_FACETS ? res->nfacets[facet] : 0;
}

const char *evs_facet_value(const evs_results *res, evs_facet facet, size_t j,
                            uint64_t *count)
{
	if (!res || (unsigned)facet >= EVS_N_FACETS || j >= res->nfacets[facet])
		return NULL;
	if (count)
		*count = res->facets[facet][j].count;
	return res->facets[facet][j].value;
}
