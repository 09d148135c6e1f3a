/* event.c: from a JSON record to a Xapian document: checking (with the
 * cuts and their warnings), then terms, values and the stored data.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "event.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "docdata.h"
#include "forms.h"
#include "schema.h"
#include "sha256.h"
#include "util.h"

void evs_record__dispose(evs_record *rec)
{
	json_decref(rec->root);
	rec->root = NULL;
	evs_buf__dispose(&rec->id);
	evs_buf__dispose(&rec->uterm);
	free(rec->occ_start);
	free(rec->occ_end);
	rec->occ_start = rec->occ_end = NULL;
	rec->nocc = 0;
	rec->cancelled = 0;
}

/* ---- checking ---- */

typedef struct checker {
	char *errmsg;
	evs_warn_fn warn;
	void *warn_ctx;
} checker;

static evs_status failf(checker *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static evs_status failf(checker *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->errmsg, XS_ERRLEN, fmt, ap);
	va_end(ap);
	return EVS_E_INVALID;
}

static void warnf(checker *c, const char *fmt, const char *key, size_t limit)
{
	if (!c->warn)
		return;
	char msg[256];
	snprintf(msg, sizeof msg, fmt, key, limit);
	c->warn(c->warn_ctx, msg);
}

/* Cuts a string value to max bytes (at a character boundary), with a
 * warning. Returns the new string (a new reference), val itself when it
 * fits, or NULL when out of memory. */
static json_t *cut_string(checker *c, json_t *val, size_t max,
                          const char *label)
{
	size_t n = json_string_length(val);
	if (n <= max)
		return json_incref(val);
	const char *s = json_string_value(val);
	max = evs_util__utf8_cut(s, n, max);
	json_t *cut = json_stringn(s, max);
	if (cut)
		warnf(c, "\"%s\": cut to %zu bytes", label, max);
	return cut;
}

/* A required or optional string field; NULL (and no error) when absent
 * and optional. */
static evs_status get_string(checker *c, json_t *root, const char *key,
                             int required, json_t **out)
{
	json_t *v = json_object_get(root, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return failf(c, "\"%s\": missing (required)", key);
		return EVS_OK;
	}
	if (!json_is_string(v))
		return failf(c, "\"%s\": expected a string", key);
	*out = v;
	return EVS_OK;
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static evs_status check_date(checker *c, json_t *v, const char *key,
                             evs_datetime *out)
{
	const char *why;
	if (evs_date__parse(out, json_string_value(v), json_string_length(v),
	                    &why) < 0)
		return failf(c, "\"%s\": %s: \"%.40s\"", key, why,
		             json_string_value(v));
	return EVS_OK;
}

/* The text of list item it (a string, or a person's name). */
static json_t *item_text(json_t *it)
{
	return json_is_object(it) ? json_object_get(it, "name") : it;
}

/* Checks a list field; cuts it to its item limit and each item to its
 * byte limit. */
static evs_status check_list(checker *c, json_t *root, const evs_field *f)
{
	json_t *v = json_object_get(root, f->key);
	if (!v || json_is_null(v))
		return EVS_OK;
	if (!json_is_array(v))
		return failf(c, "\"%s\": expected an array", f->key);
	size_t n = json_array_size(v);
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(v, i);
		if (json_is_string(it))
			continue;
		if (f->kind == EVS_FIELD_PEOPLE && json_is_object(it)) {
			if (json_is_string(json_object_get(it, "name")))
				continue;
			return failf(c, "\"%s\"[%zu]: \"name\" must be a string", f->key,
			             i);
		}
		return failf(c, "\"%s\"[%zu]: expected a string%s", f->key, i,
		             f->kind == EVS_FIELD_PEOPLE ? " or {\"name\": ...}" : "");
	}
	if (n > f->max_items) {
		warnf(c, "\"%s\": only the first %zu items are indexed", f->key,
		      f->max_items);
		while (json_array_size(v) > f->max_items)
			json_array_remove(v, json_array_size(v) - 1);
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *it = json_array_get(v, i);
		json_t *txt = item_text(it);
		json_t *cut = cut_string(c, txt, f->max_bytes, f->key);
		if (!cut)
			return EVS_E_NOMEM;
		if (cut == txt)
			json_decref(cut);
		else if (json_is_object(it))
			json_object_set_new(it, "name", cut);
		else
			json_array_set_new(v, i, cut);
	}
	return EVS_OK;
}

/* Whether end comes before start: two times compare as instants; a date
 * end means "through that day", so only its day must not come before the
 * start's. */
static int ends_before(const evs_datetime *start, const evs_datetime *end)
{
	char ks[9], ke[9];
	evs_date__local_key(start, ks);
	evs_date__local_key(end, ke);
	return start->has_time && end->has_time ? evs_date__cmp(end, start) < 0
	                                        : strcmp(ke, ks) < 0;
}

/* Checks "occurrences": an array of {"start", "end", "title"} objects,
 * cut to EVS_MAX_OCCURRENCES with a warning. */
static evs_status check_occurrences(checker *c, json_t *root, evs_record *rec)
{
	json_t *v = json_object_get(root, "occurrences");
	if (!v || json_is_null(v))
		return EVS_OK;
	if (!json_is_array(v))
		return failf(c, "\"occurrences\": expected an array");
	if (json_array_size(v) > EVS_MAX_OCCURRENCES) {
		warnf(c, "\"%s\": only the first %zu items are indexed", "occurrences",
		      EVS_MAX_OCCURRENCES);
		while (json_array_size(v) > EVS_MAX_OCCURRENCES)
			json_array_remove(v, json_array_size(v) - 1);
	}
	size_t n = json_array_size(v);
	if (n == 0)
		return EVS_OK;
	rec->occ_start = calloc(n, sizeof *rec->occ_start);
	rec->occ_end = calloc(n, sizeof *rec->occ_end);
	if (!rec->occ_start || !rec->occ_end)
		return EVS_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(v, i);
		if (!json_is_object(o))
			return failf(c,
			             "\"occurrences\"[%zu]: expected an object with "
			             "\"start\"",
			             i);
		json_t *s = json_object_get(o, "start"), *e = json_object_get(o, "end");
		json_t *t = json_object_get(o, "title");
		const char *why;
		if (!json_is_string(s))
			return failf(c,
			             "\"occurrences\"[%zu]: \"start\" must be a "
			             "string",
			             i);
		if (evs_date__parse(&rec->occ_start[i], json_string_value(s),
		                    json_string_length(s), &why) < 0)
			return failf(c, "\"occurrences\"[%zu].start: %s: \"%.40s\"", i, why,
			             json_string_value(s));
		rec->occ_end[i] = rec->occ_start[i];
		if (e && !json_is_null(e)) {
			if (!json_is_string(e))
				return failf(c,
				             "\"occurrences\"[%zu]: \"end\" must be a "
				             "string",
				             i);
			if (evs_date__parse(&rec->occ_end[i], json_string_value(e),
			                    json_string_length(e), &why) < 0)
				return failf(c, "\"occurrences\"[%zu].end: %s: \"%.40s\"", i,
				             why, json_string_value(e));
			if (ends_before(&rec->occ_start[i], &rec->occ_end[i]))
				return failf(c,
				             "\"occurrences\"[%zu]: \"end\" before "
				             "\"start\"",
				             i);
		}
		if (t && !json_is_null(t) && !json_is_string(t))
			return failf(c,
			             "\"occurrences\"[%zu]: \"title\" must be a "
			             "string",
			             i);
		if (json_is_string(t) && json_string_length(t) > 4096) {
			json_t *cut = cut_string(c, t, 4096, "occurrences");
			if (!cut || json_object_set_new(o, "title", cut) < 0)
				return EVS_E_NOMEM;
		}
	}
	rec->nocc = n;
	return EVS_OK;
}

int evs_event__known_key(const char *key, const char **alias)
{
	static const char *const plain[] = {
	    "id",       "start",  "end",        "timezone",
	    "url",      "status", "occurrences", "language"};
	/* Other spellings and near names of fields, as feeds write them. */
	static const char *const other[][2] = {
	    {"organizers", "organisers"},   {"organizer", "organisers"},
	    {"organiser", "organisers"},    {"participant", "participants"},
	    {"speakers", "participants"},   {"speaker", "participants"},
	    {"persons", "participants"},    {"attendees", "participants"},
	    {"tag", "tags"},                {"categories", "tags"},
	    {"topic", "topics"},            {"summary", "title"},
	    {"name", "title"},              {"abstract", "description"},
	    {"venue", "location"},          {"room", "location"},
	    {"place", "location"},          {"link", "url"},
	    {"lang", "language"},           {"tz", "timezone"},
	    {"time_zone", "timezone"},      {"start_date", "start"},
	    {"end_date", "end"},            {"date", "start"}};
	*alias = NULL;
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (strcmp(key, plain[i]) == 0)
			return 1;
	for (size_t i = 0; i < evs_schema__nfields; i++)
		if (strcmp(key, evs_schema__fields[i].key) == 0)
			return 1;
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		if (strcasecmp(key, other[i][0]) == 0)
			*alias = other[i][1];
	return 0;
}

evs_status evs_event__check(evs_record *rec, const char *json, size_t len,
                            char *errmsg, evs_warn_fn warn, void *ctx)
{
	checker c = {errmsg, warn, ctx};
	json_error_t jerr;
	evs_status st;
	evs_record__dispose(rec);
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	rec->root = root;
	if (!root)
		return failf(&c, "invalid JSON at column %d: %s", jerr.column,
		             jerr.text);
	if (!json_is_object(root))
		return failf(&c, "a record must be a JSON object");

	/* The id: a string, or an integer written as one. */
	json_t *jid = json_object_get(root, "id");
	if (json_is_integer(jid)) {
		char num[32];
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		         json_integer_value(jid));
		if (json_object_set_new(root, "id", json_string(num)) < 0)
			return EVS_E_NOMEM;
	}
	if ((st = get_string(&c, root, "id", 1, &jid)) != EVS_OK)
		return st;
	if (json_string_length(jid) == 0)
		return failf(&c, "\"id\": empty");

	json_t *title, *start, *end;
	if ((st = get_string(&c, root, "title", 1, &title)) != EVS_OK)
		return st;
	if (blank(json_string_value(title)))
		return failf(&c, "\"title\": empty");
	if ((st = get_string(&c, root, "start", 1, &start)) != EVS_OK ||
	    (st = check_date(&c, start, "start", &rec->start)) != EVS_OK)
		return st;
	rec->end = rec->start;
	if ((st = get_string(&c, root, "end", 0, &end)) != EVS_OK)
		return st;
	if (end) {
		if ((st = check_date(&c, end, "end", &rec->end)) != EVS_OK)
			return st;
		if (ends_before(&rec->start, &rec->end))
			return failf(&c, "\"end\": before \"start\"");
	}
	static const char *const strings[] = {"description", "timezone", "location",
	                                      "url",         "language", "status"};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		json_t *v;
		if ((st = get_string(&c, root, strings[i], 0, &v)) != EVS_OK)
			return st;
	}
	json_t *status = json_object_get(root, "status");
	rec->cancelled = json_is_string(status) &&
	                 (strcasecmp(json_string_value(status), "cancelled") == 0 ||
	                  strcasecmp(json_string_value(status), "canceled") == 0);
	if ((st = check_occurrences(&c, root, rec)) != EVS_OK)
		return st;
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		if (f->kind == EVS_FIELD_ID)
			continue; /* checked above */
		if (f->kind != EVS_FIELD_TEXT) {
			if ((st = check_list(&c, root, f)) != EVS_OK)
				return st;
			continue;
		}
		json_t *v = json_object_get(root, f->key);
		if (!json_is_string(v))
			continue;
		json_t *cut = cut_string(&c, v, f->max_bytes, f->key);
		if (!cut)
			return EVS_E_NOMEM;
		if (cut == v)
			json_decref(cut);
		else if (json_object_set_new(root, f->key, cut) < 0)
			return EVS_E_NOMEM;
	}
	jid = json_object_get(root, "id");
	const char *ids = json_string_value(jid);
	size_t idl = json_string_length(jid);
	if (evs_buf__add(&rec->id, ids, idl) < 0 ||
	    evs_schema__id_term(ids, idl, &rec->uterm) < 0)
		return EVS_E_NOMEM;
	return EVS_OK;
}

/* ---- building ---- */

/* State while one document is built. */
typedef struct builder {
	const evs_analyzer *an;
	xs_doc *doc;
	const evs_field *field;
	unsigned pos;     /* last position used */
	evs_forms *forms; /* the words' forms, by stem */
	evs_status st;    /* first failure of a callback */
} builder;

/* Adds a term built of prefix and word to the document, as a posting at
 * pos when pos != 0. */
static int add_term(builder *b, const char *prefix, const char *word,
                    size_t len, unsigned pos, unsigned wdf)
{
	char term[EVS_TERM_BUF];
	size_t tl = evs_schema__term(term, prefix, word, len);
	evs_status st =
	    pos ? xs_doc_posting(b->doc, term, tl, pos, wdf, b->an->errmsg)
	        : xs_doc_term(b->doc, term, tl, wdf, b->an->errmsg);
	if (st != EVS_OK) {
		b->st = st;
		return -1;
	}
	return 0;
}

/* Tokeniser callback: the terms of one word of the current field. */
static int on_token(void *ctx, const evs_token *t)
{
	builder *b = ctx;
	const evs_field *f = b->field;
	unsigned pos;
	if (t->back == 0)
		pos = ++b->pos;
	else
		pos = b->pos - t->back;
	char stem[EVS_MAX_WORD * 2 + 8];
	size_t sl = 0;
	if (b->an->stem)
		sl = xs_stem_word(b->an->stem, t->term, t->len, stem, sizeof stem);
	/* A word's position is kept once: in its field's own terms when the
	 * field has a prefix, else in the plain term (a free-text phrase looks
	 * in both, see phrase_of() in query.c). Positions are the biggest
	 * table of the index. */
	if (f->wdf &&
	    add_term(b, "", t->term, t->len, f->prefix ? 0 : pos, f->wdf) < 0)
		return -1;
	if (f->prefix && add_term(b, f->prefix, t->term, t->len, pos, 1) < 0)
		return -1;
	/* No term for the stem: forms.h says what stands for it. */
	if (b->an->stem &&
	    ((f->wdf &&
	      evs_forms__add(b->forms, "", stem, sl, t->term, t->len) < 0) ||
	     (f->prefix && evs_forms__add(b->forms, f->prefix, stem, sl, t->term,
	                                  t->len) < 0))) {
		b->st = EVS_E_NOMEM;
		return -1;
	}
	return 0;
}

/* Indexes one piece of text of the current field. */
static int index_text(builder *b, const char *s, size_t n)
{
	int rc = evs_tokenize__text(b->an->nz, s, n, on_token, b);
	if (rc == -1 && b->st == EVS_OK)
		b->st = EVS_E_NOMEM;
	b->pos += EVS_FIELD_GAP;
	return rc ? -1 : 0;
}

/* Whether an item before item i of list normalises to the name in
 * scratch. Lists are short (EVS_MAX_MULTI items where this matters). */
static int seen_before(json_t *list, size_t i, const evs_buf *name,
                       evs_normalizer *nz)
{
	evs_buf other = EVS_BUF_INIT;
	int found = 0;
	for (size_t k = 0; k < i && !found; k++) {
		json_t *t = item_text(json_array_get(list, k));
		if (!json_is_string(t) ||
		    evs_normalize__name(nz, json_string_value(t), json_string_length(t),
		                        &other) < 0)
			continue;
		found =
		    other.len == name->len && memcmp(other.p, name->p, name->len) == 0;
	}
	evs_buf__dispose(&other);
	return found;
}

static evs_status index_list(builder *b, json_t *list, evs_buf *scratch)
{
	const evs_field *f = b->field;
	size_t n = json_array_size(list);
	for (size_t i = 0; i < n; i++) {
		json_t *txt = item_text(json_array_get(list, i));
		const char *s = json_string_value(txt);
		size_t len = json_string_length(txt);
		if (index_text(b, s, len) < 0)
			return b->st;
		if (f->exact_prefix || f->facet >= 0) {
			if (evs_normalize__name(b->an->nz, s, len, scratch) < 0)
				return EVS_E_NOMEM;
			if (scratch->len == 0)
				continue; /* no words: nothing to match or count */
		}
		/* A value given twice (or spelt twice alike) counts once. */
		if ((f->exact_prefix || f->facet >= 0) &&
		    seen_before(list, i, scratch, b->an->nz))
			continue;
		if (f->exact_prefix) {
			char term[EVS_MAX_ID_TERM + 1];
			size_t tl = evs_schema__exact_term(term, f->exact_prefix,
			                                   scratch->p, scratch->len);
			evs_status st = xs_doc_term(b->doc, term, tl, 0, b->an->errmsg);
			if (st != EVS_OK)
				return st;
		}
		if (f->facet >= 0) {
			evs_status st =
			    xs_doc_list_add(b->doc, EVS_SLOT_FACETS, (unsigned)f->facet, s,
			                    len, b->an->errmsg);
			if (st != EVS_OK)
				return st;
		}
	}
	return EVS_OK;
}

static evs_status set_value(builder *b, unsigned slot, const char *v, size_t n)
{
	return xs_doc_value(b->doc, slot, v, n, b->an->errmsg);
}

static evs_status bool_term(builder *b, const char *term)
{
	return xs_doc_term(b->doc, term, strlen(term), 0, b->an->errmsg);
}

/* The year, month and day terms of every day from s to e (local dates),
 * at most EVS_MAX_OCCURRENCE_DAYS of them. */
static evs_status add_days(builder *b, const evs_datetime *s,
                           const evs_datetime *e)
{
	char ke[9];
	evs_date__last_day_key(s, e, ke);
	int y = s->year, m = s->month, d = s->day;
	char last_m[7] = "";
	for (int i = 0; i < EVS_MAX_OCCURRENCE_DAYS; i++) {
		char term[16];
		snprintf(term, sizeof term, "%04u%02u%02u", (unsigned)y % 10000u,
		         (unsigned)m % 100u, (unsigned)d % 100u);
		if (strcmp(term, ke) > 0)
			break;
		char t[24];
		evs_status st;
		if (strncmp(term, last_m, 6) != 0) {
			memcpy(last_m, term, 6);
			snprintf(t, sizeof t, "%s%.4s", EVS_PREFIX_DAY_Y, term);
			if ((st = bool_term(b, t)) != EVS_OK)
				return st;
			snprintf(t, sizeof t, "%s%.6s", EVS_PREFIX_DAY_M, term);
			if ((st = bool_term(b, t)) != EVS_OK)
				return st;
		}
		snprintf(t, sizeof t, "%s%s", EVS_PREFIX_DAY_D, term);
		if ((st = bool_term(b, t)) != EVS_OK)
			return st;
		if (++d > evs_date__days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				if (++y > 9999)
					break;
			}
		}
	}
	return EVS_OK;
}

/* A record with occurrences: its date terms, the titles of occurrences
 * that have their own, and the first start and last day over all of them
 * (into lo and kh), for the date values. */
static evs_status index_occurrences(builder *b, const evs_record *rec,
                                    evs_datetime *lo, char kh[9])
{
	evs_status st;
	char k[9], kl[9];
	*lo = rec->start;
	evs_date__last_day_key(&rec->start, &rec->end, kh);
	if (rec->nocc == 0)
		return EVS_OK;
	if ((st = bool_term(b, EVS_TERM_RECURS)) != EVS_OK ||
	    (st = add_days(b, &rec->start, &rec->end)) != EVS_OK)
		return st;
	for (size_t i = 0; i < rec->nocc; i++) {
		if ((st = add_days(b, &rec->occ_start[i], &rec->occ_end[i])) != EVS_OK)
			return st;
		evs_date__local_key(lo, kl);
		evs_date__local_key(&rec->occ_start[i], k);
		if (strcmp(k, kl) < 0)
			*lo = rec->occ_start[i];
		evs_date__last_day_key(&rec->occ_start[i], &rec->occ_end[i], k);
		if (strcmp(k, kh) > 0)
			memcpy(kh, k, 9);
	}
	/* An occurrence's own title is searched as a title. */
	json_t *occ = json_object_get(rec->root, "occurrences");
	for (size_t f = 0; f < evs_schema__nfields; f++) {
		if (strcmp(evs_schema__fields[f].key, "title") != 0)
			continue;
		b->field = &evs_schema__fields[f];
		for (size_t i = 0; i < json_array_size(occ); i++) {
			json_t *t = json_object_get(json_array_get(occ, i), "title");
			if (json_is_string(t) &&
			    index_text(b, json_string_value(t), json_string_length(t)) < 0)
				return b->st;
		}
	}
	return EVS_OK;
}

static int by_month(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The month and year facet values of a record: those of its start, and
 * for a record with occurrences those of each occurrence, each once. */
static evs_status add_months(builder *b, const evs_record *rec)
{
	size_t n = rec->nocc + 1;
	char(*months)[8] = calloc(n, sizeof *months);
	size_t nm = 0;
	evs_status st = EVS_OK;
	if (!months)
		return EVS_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const evs_datetime *d = i == 0 ? &rec->start : &rec->occ_start[i - 1];
		char key[9], m[8];
		evs_date__local_key(d, key);
		snprintf(m, sizeof m, "%.4s-%.2s", key, key + 4);
		size_t k = 0;
		while (k < nm && strcmp(months[k], m) != 0)
			k++;
		if (k == nm)
			memcpy(months[nm++], m, sizeof m);
	}
	/* In order, so that each year is given once, with its first month. */
	qsort(months, nm, sizeof *months, by_month);
	for (size_t k = 0; k < nm && st == EVS_OK; k++) {
		st = xs_doc_list_add(b->doc, EVS_SLOT_FACETS, EVS_FACET_MONTH,
		                     months[k], 7, b->an->errmsg);
		if (st == EVS_OK && (k == 0 || strncmp(months[k], months[k - 1], 4)))
			st = xs_doc_list_add(b->doc, EVS_SLOT_FACETS, EVS_FACET_YEAR,
			                     months[k], 4, b->an->errmsg);
	}
	free(months);
	return st;
}

evs_status evs_event__document(xs_doc **out, const evs_analyzer *an,
                               const evs_record *rec, char hash[65])
{
	evs_status st = EVS_OK;
	char *data = NULL;
	evs_buf scratch = EVS_BUF_INIT;
	evs_forms forms = EVS_FORMS_INIT;
	evs_buf packed = EVS_BUF_INIT;
	builder b = {an, NULL, NULL, 0, &forms, EVS_OK};
	json_t *root = rec->root;
	*out = NULL;

	if ((st = xs_doc_new(&b.doc, an->errmsg)) != EVS_OK)
		goto done;
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		json_t *v = json_object_get(root, f->key);
		b.field = f;
		if (f->kind == EVS_FIELD_ID)
			continue; /* its term and value come last */
		if (f->kind == EVS_FIELD_TEXT) {
			if (json_is_string(v) && index_text(&b, json_string_value(v),
			                                    json_string_length(v)) < 0) {
				st = b.st;
				goto done;
			}
		} else if (json_is_array(v) &&
		           (st = index_list(&b, v, &scratch)) != EVS_OK) {
			goto done;
		}
	}

	/* Values: dates for filters, sorting and facets; the id. */
	evs_datetime first;
	char last[9];
	if ((st = index_occurrences(&b, rec, &first, last)) != EVS_OK)
		goto done;
	/* After the last text (occurrence titles are text too). */
	if ((st = evs_forms__finish(&forms, b.doc, an->errmsg)) != EVS_OK)
		goto done;
	if (rec->cancelled && (st = bool_term(&b, EVS_TERM_CANCELLED)) != EVS_OK)
		goto done;
	char key[16];
	evs_date__utc_key(&rec->start, key);
	if ((st = set_value(&b, EVS_SLOT_SORT, key, 14)) != EVS_OK)
		goto done;
	if ((st = add_months(&b, rec)) != EVS_OK)
		goto done;
	evs_date__local_key(&first, key);
	if ((st = set_value(&b, EVS_SLOT_START_DATE, key, 8)) != EVS_OK)
		goto done;
	if ((st = set_value(&b, EVS_SLOT_END_DATE, last, 8)) != EVS_OK ||
	    (st = set_value(&b, EVS_SLOT_ID, rec->id.p, rec->id.len)) != EVS_OK ||
	    (st = xs_doc_term(b.doc, rec->uterm.p, rec->uterm.len, 0,
	                      an->errmsg)) != EVS_OK)
		goto done;

	data = json_dumps(root, JSON_COMPACT);
	if (!data) {
		st = EVS_E_NOMEM;
		goto done;
	}
	size_t dl = strlen(data);
	evs_sha256__hex(data, dl, hash);
	if (evs_docdata__pack(an->packer, data, dl, &packed) < 0) {
		st = EVS_E_NOMEM;
		goto done;
	}
	if ((st = xs_doc_data(b.doc, packed.p, packed.len, an->errmsg)) != EVS_OK ||
	    (st = set_value(&b, EVS_SLOT_HASH, hash, 64)) != EVS_OK)
		goto done;
	*out = b.doc;
	b.doc = NULL;
done:
	if (st == EVS_E_NOMEM)
		snprintf(an->errmsg, XS_ERRLEN, "out of memory");
	xs_doc_free(b.doc);
	free(data);
	evs_buf__dispose(&scratch);
	evs_forms__dispose(&forms);
	evs_buf__dispose(&packed);
	return st;
}
