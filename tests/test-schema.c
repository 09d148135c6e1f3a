/* test-schema.c: the one schema table (lib/schema.c) against what reads
 * it: the indexer's terms, the query parser's "field:" names, search's
 * --organiser and --tag filters, the facets, the forms prefix, and
 * docs/schema.md. Each field gets an event whose only word in that field
 * is "kw" + its key; a query of every name of every field must find
 * exactly the event of its own field and none of the others.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "schema.h"

static int is_prefix_name(const char *p)
{
	/* omega's conventions: one capital, or "X" and capitals. */
	if (!p || !*p || p[0] < 'A' || p[0] > 'Z')
		return 0;
	if (p[1] && p[0] != 'X')
		return 0;
	for (size_t i = 1; p[i]; i++)
		if (p[i] < 'A' || p[i] > 'Z')
			return 0;
	return 1;
}

static void test_schema__names_find_their_row(void **state)
{
	(void)state;
	size_t names = 0;
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		for (size_t k = 0; f->names[k]; k++) {
			const char *n = f->names[k];
			assert_ptr_equal(evs_schema__query_field(n, strlen(n)), f);
			char up[32];
			snprintf(up, sizeof up, "%s", n);
			for (char *c = up; *c; c++)
				*c = (char)(*c - 'a' + 'A');
			assert_ptr_equal(evs_schema__query_field(up, strlen(up)), f);
			names++;
		}
	}
	assert_int_equal(names, 13);
	assert_null(evs_schema__query_field("titl", 4));
	assert_null(evs_schema__query_field("description", 11));
	assert_null(evs_schema__query_field("url", 3));
}

static void test_schema__rows_agree(void **state)
{
	(void)state;
	const char *seen[2 * 16 + 8];
	size_t ns = 0;
	seen[ns++] = EVS_PREFIX_ID_HASH;
	seen[ns++] = EVS_TERM_RECURS;
	seen[ns++] = EVS_PREFIX_DAY_Y;
	seen[ns++] = EVS_PREFIX_DAY_M;
	seen[ns++] = EVS_PREFIX_DAY_D;
	seen[ns++] = EVS_PREFIX_FORMS;
	size_t ids = 0, facets = 0;
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		const char *own[2] = {f->prefix, f->exact_prefix};
		for (int k = 0; k < 2; k++) {
			if (!own[k])
				continue;
			assert_true(is_prefix_name(own[k]));
			for (size_t j = 0; j < ns; j++)
				if (strcmp(seen[j], own[k]) == 0)
					fail_msg("prefix %s twice", own[k]);
			seen[ns++] = own[k];
		}
		/* A name searches words when there are words, else values. */
		if (f->names[0]) {
			const char *qp = evs_schema__query_prefix(f);
			assert_non_null(qp);
			assert_string_equal(qp, f->prefix ? f->prefix : f->exact_prefix);
			assert_int_equal(evs_schema__whole_value(f), f->prefix == NULL);
		}
		/* Free-text words are positioned, so they have a weight. */
		assert_int_equal(f->wdf > 0, f->kind != EVS_FIELD_ID);
		if (f->facet >= 0) {
			facets++;
			assert_int_equal(f->slot, EVS_SLOT_FACETS);
			assert_int_equal(f->kind, EVS_FIELD_LIST);
			assert_non_null(f->exact_prefix);
			assert_ptr_equal(evs_schema__facet_field(f->facet), f);
		} else {
			assert_int_not_equal(f->slot, EVS_SLOT_FACETS);
		}
		if (f->kind == EVS_FIELD_ID) {
			ids++;
			assert_string_equal(f->key, "id");
			assert_string_equal(f->exact_prefix, EVS_PREFIX_ID);
			assert_int_equal(f->slot, EVS_SLOT_ID);
			assert_true(evs_schema__whole_value(f));
		}
	}
	assert_int_equal(ids, 1);
	assert_int_equal(facets, 3);
	assert_null(evs_schema__facet_field(EVS_FACET_YEAR));
	assert_null(evs_schema__facet_field(EVS_FACET_MONTH));
}

static void test_schema__forms_prefix(void **state)
{
	(void)state;
	char zp[EVS_FORMS_PREFIX_BUF];
	evs_schema__forms_prefix(zp, "");
	assert_string_equal(zp, "Z");
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const char *p = evs_schema__fields[i].prefix;
		if (!p)
			continue;
		evs_schema__forms_prefix(zp, p);
		assert_int_equal(zp[0], 'Z');
		assert_string_equal(zp + 1, p);
	}
}

static void test_schema__id_term_and_hash(void **state)
{
	(void)state;
	evs_buf t = EVS_BUF_INIT;
	assert_int_equal(evs_schema__id_term("a b", 3, &t), 0);
	assert_int_equal(t.len, 4);
	assert_memory_equal(t.p, "Qa b", 4);
	char id[EVS_MAX_ID_TERM];
	memset(id, 'x', sizeof id);
	/* 239 bytes fit with "Q"; 240 are hashed. */
	assert_int_equal(evs_schema__id_term(id, EVS_MAX_ID_TERM - 1, &t), 0);
	assert_int_equal(t.len, EVS_MAX_ID_TERM);
	assert_int_equal(evs_schema__id_term(id, EVS_MAX_ID_TERM, &t), 0);
	assert_int_equal(t.len, 3 + 64);
	assert_memory_equal(t.p, "XQH", 3);
	evs_buf__dispose(&t);
	/* FNV-1a of "a", from an offset basis that lacks the standard one's
	 * last digit (1469598103934665603): any spread does, and changing it
	 * would move ids between rebuild workers. */
	assert_true(evs_schema__id_hash("a", 1) == 0x44bd8ad473cd9906ull);
	assert_true(evs_schema__id_hash("", 0) != 0);
}

/* ---- the table against a real index ---- */

typedef struct fixture {
	char *dir;
	evs_index *idx;
} fixture;

static int field_has_event(const evs_field *f)
{
	return f->kind != EVS_FIELD_ID;
}

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	fx->dir = th_tmpdir();
	char *file = NULL;
	assert_true(asprintf(&file, "%s/fields.jsonl", fx->dir) > 0);
	FILE *out = fopen(file, "w");
	assert_non_null(out);
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		if (!field_has_event(f))
			continue;
		/* Every event has a title; only the title's event has kw... */
		fprintf(out, "{\"id\": \"rec-%s\", \"start\": \"2024-01-%02zu\"",
		        f->key, i + 1);
		if (strcmp(f->key, "title") != 0)
			fprintf(out, ", \"title\": \"Event\"");
		if (f->kind == EVS_FIELD_TEXT)
			fprintf(out, ", \"%s\": \"kw%s\"}\n", f->key, f->key);
		else
			fprintf(out, ", \"%s\": [\"kw%s\"]}\n", f->key, f->key);
	}
	assert_int_equal(fclose(out), 0);
	char *idx_dir = NULL;
	assert_true(asprintf(&idx_dir, "%s/idx", fx->dir) > 0);
	const char *files[] = {file, NULL};
	evs_add_stats stats = {0};
	th_build_index(idx_dir, files, &stats);
	assert_int_equal(stats.added, evs_schema__nfields - 1);
	fx->idx = th_open(idx_dir);
	free(idx_dir);
	free(file);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	evs_index_close(fx->idx);
	th_rmrf(fx->dir);
	free(fx);
	return 0;
}

/* The ids a query finds, space-separated, in id order. */
static char *found(evs_index *idx, const char *q, const evs_search_options *o)
{
	evs_search_options opts = EVS_SEARCH_OPTIONS_INIT;
	if (o)
		opts = *o;
	opts.sort = EVS_SORT_DATE;
	opts.limit = 100;
	evs_results *r = th_search(idx, q, &opts);
	char *s = calloc(1, 1024);
	for (size_t i = 0; i < evs_results_count(r); i++) {
		strcat(s, i ? " " : "");
		strcat(s, evs_hit_id(r, i));
	}
	evs_results_free(r);
	return s;
}

static void test_schema__every_name_finds_its_field(void **state)
{
	fixture *fx = *state;
	size_t checked = 0;
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		for (size_t k = 0; f->names[k]; k++) {
			for (size_t j = 0; j < evs_schema__nfields; j++) {
				const evs_field *g = &evs_schema__fields[j];
				if (!field_has_event(g))
					continue;
				char q[128], want[64];
				if (f->kind == EVS_FIELD_ID)
					snprintf(q, sizeof q, "%s:rec-%s", f->names[k], g->key);
				else
					snprintf(q, sizeof q, "%s:kw%s", f->names[k], g->key);
				/* The id field finds every event by its id; the others
				 * find their own word only. */
				snprintf(want, sizeof want, "rec-%s", g->key);
				char *got = found(fx->idx, q, NULL);
				if (f->kind == EVS_FIELD_ID || f == g)
					assert_string_equal(got, want);
				else if (*got)
					fail_msg("%s found %s", q, got);
				free(got);
				checked++;
			}
		}
	}
	assert_int_equal(checked, 13 * 7);
}

static void test_schema__free_text_and_facets(void **state)
{
	fixture *fx = *state;
	evs_search_options all = EVS_SEARCH_OPTIONS_INIT;
	all.limit = 100;
	evs_results *r = th_search(fx->idx, NULL, &all);
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		if (!field_has_event(f))
			continue;
		char q[64], want[64];
		snprintf(q, sizeof q, "kw%s", f->key);
		snprintf(want, sizeof want, "rec-%s", f->key);
		char *got = found(fx->idx, q, NULL);
		assert_string_equal(got, f->wdf ? want : "");
		free(got);
		for (int facet = 0; facet < 5; facet++)
			assert_int_equal(th_facet(r, (evs_facet)facet, q),
			                 f->facet == facet);
	}
	evs_results_free(r);
}

/* --organiser and --tag search the whole values of the facet fields. */
static void test_schema__filters(void **state)
{
	fixture *fx = *state;
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	const char *org[] = {"KWorganisers"}, *tag[] = {"kwtags"};
	o.organisers = org;
	o.n_organisers = 1;
	char *got = found(fx->idx, NULL, &o);
	assert_string_equal(got, "rec-organisers");
	free(got);
	o.n_organisers = 0;
	o.tags = tag;
	o.n_tags = 1;
	got = found(fx->idx, NULL, &o);
	assert_string_equal(got, "rec-tags");
	free(got);
	o.tags = org; /* an organiser is not a tag */
	got = found(fx->idx, NULL, &o);
	assert_string_equal(got, "");
	free(got);
}

/* The message for an unknown field names the first name of each row. */
static void test_schema__unknown_field_message(void **state)
{
	fixture *fx = *state;
	evs_results *r = NULL;
	assert_int_equal(evs_search(&r, fx->idx, "speakr:x", NULL),
	                 EVS_E_QUERY_SYNTAX);
	const char *msg = evs_errmsg(fx->idx);
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const char *n = evs_schema__fields[i].names[0];
		if (n && !strstr(msg, n))
			fail_msg("\"%s\" does not name %s", msg, n);
	}
}

/* ---- the table against docs/schema.md ---- */

static char *read_doc(void)
{
	char *path = th_source_path("docs/schema.md");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *s = calloc(1, 1 << 20);
	size_t n = fread(s, 1, (1 << 20) - 1, f);
	assert_true(n > 0);
	fclose(f);
	free(path);
	return s;
}

/* The line of the Terms table whose first cell begins with `prefix`*. */
static char *term_row(const char *doc, const char *prefix)
{
	char head[32];
	snprintf(head, sizeof head, "\n| `%s`*", prefix);
	const char *p = strstr(doc, head);
	if (!p)
		fail_msg("docs/schema.md: no row for `%s`", prefix);
	p++;
	return strndup(p, strcspn(p, "\n"));
}

static void test_schema__docs_agree(void **state)
{
	(void)state;
	char *doc = read_doc();
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		const char *own[2] = {f->prefix, f->exact_prefix};
		for (int k = 0; k < 2; k++) {
			if (!own[k])
				continue;
			char *row = term_row(doc, own[k]);
			/* The names are listed in the row of the terms they search. */
			if (f->names[0] &&
			    strcmp(own[k], evs_schema__query_prefix(f)) == 0) {
				for (size_t n = 0; f->names[n]; n++) {
					char want[32];
					snprintf(want, sizeof want, "`%s:`", f->names[n]);
					if (!strstr(row, want))
						fail_msg("docs/schema.md: %s lacks %s", row, want);
				}
			}
			free(row);
		}
		if (f->slot >= 0) {
			char want[16];
			snprintf(want, sizeof want, "\n| %d |", f->slot);
			assert_non_null(strstr(doc, want));
		}
	}
	/* The order of positions. */
	char order[256] = "The fields are positioned in schema order: ";
	for (size_t i = 0, n = 0; i < evs_schema__nfields; i++) {
		if (evs_schema__fields[i].kind == EVS_FIELD_ID)
			continue;
		strcat(order, n++ ? ", " : "");
		strcat(order, evs_schema__fields[i].key);
	}
	/* The doc wraps lines: a line end and the indent are one space. */
	char *w = doc;
	for (const char *c = doc; *c; c++) {
		if (*c == '\n' && c[1] == ' ') {
			*w++ = ' ';
			while (c[1] == ' ')
				c++;
		} else {
			*w++ = *c;
		}
	}
	*w = '\0';
	if (!strstr(doc, order))
		fail_msg("docs/schema.md does not say \"%s\"", order);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest table[] = {
	    cmocka_unit_test(test_schema__names_find_their_row),
	    cmocka_unit_test(test_schema__rows_agree),
	    cmocka_unit_test(test_schema__forms_prefix),
	    cmocka_unit_test(test_schema__id_term_and_hash),
	    cmocka_unit_test(test_schema__docs_agree),
	};
	const struct CMUnitTest index[] = {
	    cmocka_unit_test(test_schema__every_name_finds_its_field),
	    cmocka_unit_test(test_schema__free_text_and_facets),
	    cmocka_unit_test(test_schema__filters),
	    cmocka_unit_test(test_schema__unknown_field_message),
	};
	int failed = cmocka_run_group_tests_name("schema table", table, NULL, NULL);
	return failed + cmocka_run_group_tests_name("schema and index", index,
	                                            setup, teardown);
}
