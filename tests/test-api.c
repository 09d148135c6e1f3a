/* test-api.c: the API for embedding: the JSON-in, JSON-out call, and
 * handles used from several threads while another process rebuilds.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

typedef th_corpus fixture;

static void test_api__search_json_equals_search(void **state)
{
	fixture *f = *state;
	char *doc = NULL;
	assert_int_equal(
	    evs_search_json(&doc, f->idx,
	                    "{\"query\": \"cybercrime\", \"organisers\": "
	                    "[\"EU Cyber Direct\", \"OSCE\"], \"sort\": \"date\", "
	                    "\"limit\": 2, \"offset\": 1, \"from\": \"2021\"}"),
	    EVS_OK);
	const char *orgs[] = {"EU Cyber Direct", "OSCE"};
	evs_search_options o = EVS_SEARCH_OPTIONS_INIT;
	o.organisers = orgs;
	o.n_organisers = 2;
	o.sort = EVS_SORT_DATE;
	o.limit = 2;
	o.offset = 1;
	o.from = "2021";
	evs_results *r = th_search(f->idx, "cybercrime", &o);
	char *want = evs_results_json(r);
	assert_string_equal(doc, want);
	assert_int_equal(evs_results_total(r), 3);
	evs_free(want);
	evs_free(doc);
	evs_results_free(r);
}

static void test_api__search_json_facets_off_and_one_string(void **state)
{
	fixture *f = *state;
	char *doc = NULL;
	assert_int_equal(evs_search_json(&doc, f->idx,
	                                 "{\"tags\": \"cybercrime\", "
	                                 "\"facets\": false}"),
	                 EVS_OK);
	assert_non_null(strstr(doc, "\"total\": 1,"));
	assert_non_null(strstr(doc, "\"organiser\": []"));
	evs_free(doc);
}

static void expect_invalid(evs_index *idx, const char *req, const char *msg)
{
	char *doc = (char *)"untouched";
	evs_status st = evs_search_json(&doc, idx, req);
	if (st != EVS_E_INVALID && st != EVS_E_QUERY_SYNTAX)
		fail_msg("request %s: status %s", req, evs_status_str(st));
	assert_null(doc);
	if (!strstr(evs_errmsg(idx), msg))
		fail_msg("request %s: message \"%s\" lacks \"%s\"", req,
		         evs_errmsg(idx), msg);
}

static void test_api__search_json_refuses_bad_requests(void **state)
{
	fixture *f = *state;
	expect_invalid(f->idx, "{\"qeury\": \"x\"}", "unknown key \"qeury\"");
	expect_invalid(f->idx, "[1]", "not a JSON object");
	expect_invalid(f->idx, "{\"query\": ", "not a JSON object");
	expect_invalid(f->idx, "{\"limit\": -1}", "\"limit\"");
	expect_invalid(f->idx, "{\"limit\": 20000}", "\"limit\"");
	expect_invalid(f->idx, "{\"all\": \"yes\"}", "\"all\": expected true");
	expect_invalid(f->idx, "{\"sort\": \"size\"}", "\"sort\"");
	expect_invalid(f->idx, "{\"tags\": [1]}", "\"tags\"[0]");
	expect_invalid(f->idx, "{\"from\": \"2022-13\"}", "from date");
	expect_invalid(f->idx, "{\"query\": \"(cyber\"}", "never closed");
	expect_invalid(f->idx, "{\"query\": 1, \"query\": 2}", "not a JSON object");
}

/* Several threads, each with its own handle, search while another
 * process rebuilds the index over and over. */
typedef struct reader_arg {
	const char *dir;
	atomic_int *stop;
	unsigned long answers, bad;
} reader_arg;

static void *reader(void *p)
{
	reader_arg *a = p;
	evs_index *idx = NULL;
	if (evs_index_open(&idx, a->dir, NULL, NULL) != EVS_OK) {
		a->bad++;
		return NULL;
	}
	while (!atomic_load(a->stop)) {
		evs_results *r = NULL;
		char *doc = NULL;
		if (evs_index_reopen(idx) != EVS_OK ||
		    evs_search(&r, idx, "cybercrime treaty", NULL) != EVS_OK ||
		    evs_results_total(r) != 6 ||
		    evs_search_json(&doc, idx, "{\"query\": \"hakmeh\"}") != EVS_OK ||
		    !strstr(doc, "\"total\": 2,"))
			a->bad++;
		a->answers++;
		evs_results_free(r);
		evs_free(doc);
	}
	evs_index_close(idx);
	return NULL;
}

static void
test_api__threads_search_while_another_process_rebuilds(void **state)
{
	fixture *f = *state;
	char *dir;
	assert_true(asprintf(&dir, "%s/threads", f->dir) > 0);
	char *corpus = th_source_path("corpus/events.jsonl");
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_REBUILD | EVS_OPEN_CREATE;
	evs_index *w = NULL;
	assert_int_equal(evs_index_open(&w, dir, &oo, NULL), EVS_OK);
	int fd = open(corpus, O_RDONLY);
	assert_int_equal(evs_index_add_stream(w, fd, "corpus", NULL, NULL), EVS_OK);
	close(fd);
	assert_int_equal(evs_index_switch(w, NULL, NULL), EVS_OK);
	assert_int_equal(evs_index_close(w), EVS_OK);

	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		/* Rebuild the same events until killed. */
		for (;;) {
			evs_index *x = NULL;
			if (evs_index_open(&x, dir, &oo, NULL) != EVS_OK)
				_exit(1);
			int in = open(corpus, O_RDONLY);
			evs_index_add_stream(x, in, "corpus", NULL, NULL);
			close(in);
			if (evs_index_switch(x, NULL, NULL) != EVS_OK)
				_exit(2);
			evs_index_close(x);
		}
	}
	atomic_int stop = 0;
	reader_arg args[3];
	pthread_t t[3];
	for (int i = 0; i < 3; i++) {
		args[i] = (reader_arg){dir, &stop, 0, 0};
		assert_int_equal(pthread_create(&t[i], NULL, reader, &args[i]), 0);
	}
	usleep(1500 * 1000);
	atomic_store(&stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(args[i].bad, 0);
		assert_true(args[i].answers > 0);
	}
	free(corpus);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_api__search_json_equals_search),
	    cmocka_unit_test(test_api__search_json_facets_off_and_one_string),
	    cmocka_unit_test(test_api__search_json_refuses_bad_requests),
	    cmocka_unit_test(
	        test_api__threads_search_while_another_process_rebuilds),
	};
	return cmocka_run_group_tests(tests, th_corpus_setup, th_corpus_teardown);
}
