/* test-docdata.c: stored records packed with the index's dictionary
 * (lib/docdata.h): the round trip on real records, damaged data, the
 * dictionary's window, and a writer that holds its first records until
 * they make the dictionary.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "docdata.h"
#include "helpers.h"
#include "handle.h"

/* The records of a JSON Lines file as compact JSON, as the index stores
 * them. Returns how many (at most max). */
static size_t load_records(const char *path, char **out, size_t max)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0, n = 0;
	while (n < max && getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		if (!j)
			continue;
		out[n] = json_dumps(j, JSON_COMPACT);
		assert_non_null(out[n]);
		json_decref(j);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* Deflated alone, as Xapian would store a record without a dictionary. */
static size_t deflated(const char *s, size_t len)
{
	uLongf out = compressBound((uLong)len);
	Bytef *buf = malloc(out);
	assert_non_null(buf);
	assert_int_equal(compress2(buf, &out, (const Bytef *)s, (uLong)len, 6),
	                 Z_OK);
	free(buf);
	return (size_t)out;
}

/* Every record comes back byte for byte, and the dictionary made of the
 * first records makes the others smaller than deflate alone: on the
 * FOSDEM schedules (real listings) by at least a quarter. */
static void check_round_trip(const char *path, double most)
{
	enum { MAX = 4000 };
	char **recs = calloc(MAX, sizeof *recs);
	size_t *lens = calloc(MAX, sizeof *lens);
	assert_non_null(recs);
	assert_non_null(lens);
	size_t n = load_records(path, recs, MAX);
	size_t first = n / 2 < 40 ? n / 2 : 40;
	assert_true(first > 0);
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(recs[i]);
	evs_buf dict = EVS_BUF_INIT, packed = EVS_BUF_INIT, back = EVS_BUF_INIT;
	assert_int_equal(evs_docdata__dict((const char *const *)recs, lens, first,
	                                   &dict),
	                 0);
	evs_packer *p = evs_packer__new(dict.p, dict.len);
	assert_non_null(p);
	size_t with = 0, alone = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(evs_docdata__pack(p, recs[i], lens[i], &packed), 0);
		assert_int_equal(evs_docdata__unpack(dict.p, dict.len, packed.p,
		                                     packed.len, &back),
		                 0);
		assert_int_equal(back.len, lens[i]);
		assert_memory_equal(back.p, recs[i], lens[i]);
		if (i >= first) {
			with += packed.len;
			alone += deflated(recs[i], lens[i]);
		}
	}
	if ((double)with > most * (double)alone)
		fail_msg("%s: packed %zu bytes, deflated alone %zu", path, with, alone);
	evs_packer__free(p);
	for (size_t i = 0; i < n; i++)
		free(recs[i]);
	free(recs);
	free(lens);
	evs_buf__dispose(&dict);
	evs_buf__dispose(&packed);
	evs_buf__dispose(&back);
}

static void test_docdata__round_trip(void **state)
{
	(void)state;
	char *corpus = th_source_path("corpus/events.jsonl");
	check_round_trip(corpus, 1.0);
	free(corpus);
	char *fosdem = th_shared_path("data/events/fosdem-2025.jsonl");
	if (access(fosdem, R_OK) == 0)
		check_round_trip(fosdem, 0.75);
	else
		fprintf(stderr, "skipped: %s is absent\n", fosdem);
	free(fosdem);
}

/* Plain JSON passes through; packed data that is cut, altered or read
 * without the dictionary is an error, never a wrong record. */
static void test_docdata__damaged(void **state)
{
	(void)state;
	const char *rec = "{\"id\":\"a\",\"title\":\"Open source summit\"}";
	const char *dict = "{\"id\":\"b\",\"title\":\"Open source days\"}\n";
	evs_buf packed = EVS_BUF_INIT, back = EVS_BUF_INIT;
	assert_int_equal(evs_docdata__unpack(NULL, 0, rec, strlen(rec), &back), 0);
	assert_string_equal(back.p, rec);
	assert_int_equal(evs_docdata__pack(NULL, rec, strlen(rec), &packed), 0);
	assert_string_equal(packed.p, rec);

	evs_packer *p = evs_packer__new(dict, strlen(dict));
	assert_non_null(p);
	assert_int_equal(evs_docdata__pack(p, rec, strlen(rec), &packed), 0);
	assert_true(packed.len < strlen(rec));
	assert_int_equal(evs_docdata__unpack(NULL, 0, packed.p, packed.len, &back),
	                 -1);
	for (size_t cut = 1; cut < packed.len; cut++)
		assert_int_equal(evs_docdata__unpack(dict, strlen(dict), packed.p, cut,
		                                     &back),
		                 -1);
	/* Any byte changed after the marker, or another dictionary. */
	evs_buf bad = EVS_BUF_INIT;
	for (size_t i = 1; i < packed.len; i++)
		for (int bit = 0; bit < 8; bit++) {
			evs_buf__clear(&bad);
			assert_int_equal(evs_buf__add(&bad, packed.p, packed.len), 0);
			bad.p[i] = (char)(bad.p[i] ^ (1 << bit));
			/* An error, or (a bit deflate does not use: the padding of
			 * its last byte) the record itself. */
			int rc =
			    evs_docdata__unpack(dict, strlen(dict), bad.p, bad.len, &back);
			if (!(rc == -1 || (rc == 0 && strcmp(back.p, rec) == 0)))
				fail_msg("byte %zu bit %d changed: read as \"%s\"", i, bit,
				         back.p);
		}
	evs_buf__dispose(&bad);
	const char *other = "{\"id\":\"c\",\"title\":\"Closed source days\"}\n";
	assert_int_equal(evs_docdata__unpack(other, strlen(other), packed.p,
	                                     packed.len, &back),
	                 -1);
	evs_buf longer = EVS_BUF_INIT;
	assert_int_equal(evs_buf__add(&longer, packed.p, packed.len), 0);
	assert_int_equal(evs_buf__add(&longer, "xyz", 3), 0);
	assert_int_equal(evs_docdata__unpack(dict, strlen(dict), longer.p,
	                                     longer.len, &back),
	                 -1);
	evs_packer__free(p);
	evs_buf__dispose(&packed);
	evs_buf__dispose(&back);
	evs_buf__dispose(&longer);
}

/* The dictionary is the last EVS_DOCDICT_BYTES of the records, one a
 * line: deflate sees no further back. */
static void test_docdata__dict_window(void **state)
{
	(void)state;
	enum { LEN = 20000 };
	char *recs[3];
	size_t lens[3];
	for (int i = 0; i < 3; i++) {
		recs[i] = malloc(LEN);
		assert_non_null(recs[i]);
		memset(recs[i], 'a' + i, LEN);
		lens[i] = LEN;
	}
	evs_buf d = EVS_BUF_INIT;
	assert_int_equal(evs_docdata__dict((const char *const *)recs, lens, 3, &d),
	                 0);
	assert_int_equal(d.len, EVS_DOCDICT_BYTES);
	assert_int_equal(d.p[d.len - 1], '\n');
	assert_int_equal(d.p[d.len - 2], 'c');
	assert_int_equal(d.p[d.len - LEN - 2], '\n');
	assert_int_equal(d.p[d.len - LEN - 3], 'b');
	assert_int_equal(d.p[0], 'b');
	/* Fewer bytes than the window: all of them. */
	assert_int_equal(evs_docdata__dict((const char *const *)recs, lens, 1, &d),
	                 0);
	assert_int_equal(d.len, LEN + 1);
	for (int i = 0; i < 3; i++)
		free(recs[i]);
	evs_buf__dispose(&d);
}

/* The dictionary in the metadata of dir's live generation ("" if none). */
static char *stored_dict(const char *dir)
{
	char *gen = NULL, err[XS_ERRLEN], *v = NULL;
	assert_true(asprintf(&gen, "%s/current", dir) > 0);
	xs_db *db = NULL;
	assert_int_equal(xs_db_open_reader(&db, gen, err), EVS_OK);
	assert_int_equal(xs_db_get_metadata(db, EVS_META_DOCDICT, &v, err), EVS_OK);
	xs_db_close(db, err);
	free(gen);
	return v;
}

static void add(evs_index *w, const char *rec)
{
	assert_int_equal(evs_index_add_json(w, rec, strlen(rec), NULL), EVS_OK);
}

static uint64_t total(evs_index *idx, const char *query)
{
	evs_results *r = th_search(idx, query, NULL);
	uint64_t n = evs_results_total(r);
	evs_results_free(r);
	return n;
}

/* Adds record k of a numbered kind, ~170 bytes of JSON. */
static void add_nth(evs_index *w, const char *kind, size_t k)
{
	char rec[256];
	snprintf(rec, sizeof rec,
	         "{\"id\": \"%s%04zu\", \"title\": \"%s %zu\", \"description\": "
	         "\"a record of some length to fill the window\", \"start\": "
	         "\"2024-02-01\"}",
	         kind, k, kind, k);
	add(w, rec);
}

/* A writer of a new index holds its records until those it has seen
 * make the dictionary (32 KiB). A delete, a search or a commit through
 * the writer writes the held ones as JSON first, in order (a repeated id
 * replaces), and they still count towards the dictionary; closing makes
 * it of what there is. The dictionary never changes afterwards. A reader
 * opened on the empty index reads both kinds after a reopen. */
static void test_docdata__writer_holds_first_records(void **state)
{
	(void)state;
	char *dir = th_tmpdir();
	evs_index *w = th_open_writer(dir);
	evs_index *r = th_open(dir);
	add(w,
	    "{\"id\": \"a\", \"title\": \"alpha one\", \"start\": \"2024-01-01\"}");
	add(w, "{\"id\": \"b\", \"title\": \"beta\", \"start\": \"2024-01-02\"}");
	add(w,
	    "{\"id\": \"a\", \"title\": \"alpha two\", \"start\": \"2024-01-03\"}");
	assert_int_equal(w->nheld, 3);
	assert_int_equal(evs_index_delete(w, "b"), EVS_OK);
	assert_int_equal(w->nheld, 0);
	assert_int_equal(total(w, "alpha"), 1);
	assert_int_equal(total(w, "two"), 1);
	assert_int_equal(total(w, "one"), 0);
	assert_int_equal(evs_index_commit(w), EVS_OK);
	char *d = stored_dict(dir);
	assert_string_equal(d, ""); /* 3 records are too few to make one of */
	free(d);
	assert_true(w->docdict_pending);
	/* Held again until the window fills, then packed. */
	size_t k = 0;
	while (w->docdict_pending)
		add_nth(w, "gamma", k++);
	assert_int_equal(w->nheld, 0);
	assert_true(k > 100 && k < 300);
	for (size_t i = 0; i < 50; i++)
		add_nth(w, "epsilon", i);
	assert_int_equal(w->nheld, 0);
	assert_int_equal(evs_index_close(w), EVS_OK);
	d = stored_dict(dir);
	assert_true(strlen(d) <= EVS_DOCDICT_BYTES);
	assert_non_null(strstr(d, "gamma"));
	assert_null(strstr(d, "epsilon"));
	free(d);
	assert_int_equal(evs_index_reopen(r), EVS_OK);
	assert_int_equal(total(r, "gamma"), k);
	assert_int_equal(total(r, "epsilon"), 50);
	evs_results *res = th_search(r, "two", NULL);
	assert_int_equal(evs_results_count(res), 1);
	assert_string_equal(evs_hit_record(res, 0),
	                    "{\"id\":\"a\",\"title\":\"alpha two\","
	                    "\"start\":\"2024-01-03\"}");
	evs_results_free(res);
	evs_index_close(r);
	th_rmrf(dir);

	/* A small index: the dictionary is made at the close, of every
	 * record, and a later writer packs with it. */
	dir = th_tmpdir();
	w = th_open_writer(dir);
	for (size_t i = 0; i < 5; i++)
		add_nth(w, "delta", i);
	assert_int_equal(w->nheld, 5);
	assert_int_equal(evs_index_close(w), EVS_OK);
	d = stored_dict(dir);
	assert_non_null(strstr(d, "delta0000"));
	assert_non_null(strstr(d, "delta0004"));
	free(d);
	w = th_open_writer(dir);
	assert_false(w->docdict_pending);
	assert_non_null(w->packer);
	add_nth(w, "zeta", 0);
	assert_int_equal(evs_index_close(w), EVS_OK);
	r = th_open(dir);
	assert_int_equal(total(r, "delta"), 5);
	assert_int_equal(total(r, "zeta"), 1);
	evs_index_close(r);
	th_rmrf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docdata__round_trip),
	    cmocka_unit_test(test_docdata__damaged),
	    cmocka_unit_test(test_docdata__dict_window),
	    cmocka_unit_test(test_docdata__writer_holds_first_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
