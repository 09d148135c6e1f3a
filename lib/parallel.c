/* parallel.c: worker threads for rebuilds (see parallel.h).
 *
 * Each worker owns a queue of checked records, a normaliser, a stemmer and
 * a Xapian database opened without fsync. Queues are short, so memory
 * stays flat whatever the input size: Xapian's own buffer of pending
 * documents is what grows, and each worker commits (flushes) it every
 * PART_FLUSH documents.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "parallel.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docdata.h"
#include "schema.h"
#include "settings.h"

/* Records queued per worker. Long enough that one worker's flush does not
 * stall the reader, and through it the other workers: with flushes of
 * 4000 documents (a second or two each), 64 kept two cores 1.4 busy on
 * 100k events, 512 kept them 1.9 busy (73 s instead of 100 s). The queued
 * records cost ~10 MB. */
#define QUEUE_LEN 512
/* Documents between two flushes of one part. Xapian buffers a flush's
 * postings in std::maps (term -> docid -> wdf), and walking those trees
 * is most of its time per document: the smaller the buffer, the shallower
 * and more cache-friendly the trees, at the price of more, smaller
 * writes. Measured on the benchmark's events (two workers, each record
 * looked up by its id), wall time and CPU time (user + system): 100k events,
 * 4000: 67.6 s / 127 s, 2000: 63.2 s / 118 s, 1000: 56.4 s / 105 s, 500: 56.3 s
 * / 105 s, 250: 55.4 s / 103 s with system time rising; 300k events, 4000: 204
 * s / 377 s, 500: 172 s / 319 s. Peak RSS: 220 MB at 4000, 57 MB at 500. */
#define PART_FLUSH 500

/* A queued record; fresh: its id was not handed to the pool before. */
typedef struct queued {
	evs_record rec;
	int fresh;
} queued;

typedef struct worker {
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	queued queue[QUEUE_LEN];
	size_t head, count;
	int closing; /* no more records will come */
	int busy;    /* a record is being built */
	xs_db *db;
	xs_stem *stem;
	evs_packer *packer; /* set before the first record (evs_pool__pack) */
	evs_normalizer nz;
	unsigned since_flush;
	evs_status st; /* first failure */
	char err[XS_ERRLEN];
} worker;

struct evs_pool {
	worker *w;
	unsigned n;
};

unsigned evs_pool__default_size(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > 4 ? 4 : (unsigned)n;
}

static void *work(void *arg)
{
	worker *w = arg;
	evs_analyzer an = {&w->nz, w->stem, w->err, NULL};
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->count == 0 && !w->closing)
			pthread_cond_wait(&w->more, &w->mu);
		if (w->count == 0) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		evs_record rec = w->queue[w->head].rec;
		int fresh = w->queue[w->head].fresh;
		memset(&w->queue[w->head], 0, sizeof w->queue[w->head]);
		w->head = (w->head + 1) % QUEUE_LEN;
		w->count--;
		w->busy = 1;
		an.packer = w->packer;
		int failed = w->st != EVS_OK;
		pthread_cond_signal(&w->room);
		pthread_mutex_unlock(&w->mu);

		evs_status st = EVS_OK;
		if (!failed) {
			xs_doc *doc = NULL;
			char hash[65];
			st = evs_event__document(&doc, &an, &rec, hash);
			if (st == EVS_OK)
				st = xs_db_replace(w->db, rec.uterm.p, rec.uterm.len, doc,
				                   fresh, w->err);
			xs_doc_free(doc);
			if (st == EVS_OK && ++w->since_flush >= PART_FLUSH) {
				st = xs_db_commit(w->db, w->err);
				w->since_flush = 0;
			}
		}
		evs_record__dispose(&rec);
		pthread_mutex_lock(&w->mu);
		if (st != EVS_OK && w->st == EVS_OK)
			w->st = st;
		w->busy = 0;
		pthread_cond_signal(&w->room);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

evs_status evs_pool__start(evs_pool **out, const char *const *paths, unsigned n,
                           const char *stemmer, char *err)
{
	evs_status st = EVS_OK;
	evs_pool *p = calloc(1, sizeof *p);
	*out = NULL;
	if (!p || !(p->w = calloc(n, sizeof *p->w))) {
		free(p);
		snprintf(err, XS_ERRLEN, "out of memory");
		return EVS_E_NOMEM;
	}
	p->n = n;
	/* Every worker's locks exist before any can fail, so that freeing a
	 * half-started pool destroys only what was made. */
	for (unsigned i = 0; i < n; i++) {
		worker *w = &p->w[i];
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->more, NULL);
		pthread_cond_init(&w->room, NULL);
	}
	for (unsigned i = 0; i < n && st == EVS_OK; i++) {
		worker *w = &p->w[i];
		if (strcmp(stemmer, "none") != 0 &&
		    (st = xs_stem_new(&w->stem, stemmer, err)) != EVS_OK)
			break;
		if ((st = xs_db_open_fresh(&w->db, paths[i], 1, err)) != EVS_OK ||
		    (st = evs_settings__write(w->db, stemmer, err)) != EVS_OK)
			break;
		if (pthread_create(&w->thread, NULL, work, w) != 0) {
			snprintf(err, XS_ERRLEN, "cannot start a thread");
			st = EVS_E_NOMEM;
			break;
		}
		w->started = 1;
	}
	if (st != EVS_OK) {
		evs_pool__free(p);
		return st;
	}
	*out = p;
	return EVS_OK;
}

evs_status evs_pool__pack(evs_pool *p, const char *dict, size_t len, char *err)
{
	evs_status st = EVS_OK;
	for (unsigned i = 0; i < p->n && st == EVS_OK; i++) {
		worker *w = &p->w[i];
		pthread_mutex_lock(&w->mu);
		/* No record was handed over yet: the worker waits for one and
		 * leaves its database alone. */
		/* The dictionary is in the metadata before a record is packed
		 * with it. */
		st = xs_db_set_metadata(w->db, EVS_META_DOCDICT, dict, err);
		if (st == EVS_OK && !w->packer &&
		    !(w->packer = evs_packer__new(dict, len))) {
			snprintf(err, XS_ERRLEN, "out of memory");
			st = EVS_E_NOMEM;
		}
		pthread_mutex_unlock(&w->mu);
	}
	return st;
}

/* The first failure of any worker, copied to err. */
static evs_status failure(evs_pool *p, char *err)
{
	for (unsigned i = 0; i < p->n; i++) {
		worker *w = &p->w[i];
		pthread_mutex_lock(&w->mu);
		evs_status st = w->st;
		if (st != EVS_OK)
			snprintf(err, XS_ERRLEN, "%s", w->err);
		pthread_mutex_unlock(&w->mu);
		if (st != EVS_OK)
			return st;
	}
	return EVS_OK;
}

evs_status evs_pool__add(evs_pool *p, evs_record *rec, int fresh, char *err)
{
	worker *w = &p->w[evs_schema__id_hash(rec->id.p, rec->id.len) % p->n];
	pthread_mutex_lock(&w->mu);
	while (w->count == QUEUE_LEN && w->st == EVS_OK)
		pthread_cond_wait(&w->room, &w->mu);
	evs_status st = w->st;
	if (st == EVS_OK) {
		queued *q = &w->queue[(w->head + w->count) % QUEUE_LEN];
		q->rec = *rec;
		q->fresh = fresh;
		memset(rec, 0, sizeof *rec);
		w->count++;
		pthread_cond_signal(&w->more);
	}
	pthread_mutex_unlock(&w->mu);
	if (st != EVS_OK)
		return failure(p, err);
	return EVS_OK;
}

/* Tells the workers that nothing more comes and waits for them. */
static void join_all(evs_pool *p)
{
	for (unsigned i = 0; i < p->n; i++) {
		worker *w = &p->w[i];
		if (!w->started)
			continue;
		pthread_mutex_lock(&w->mu);
		w->closing = 1;
		pthread_cond_signal(&w->more);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		w->started = 0;
	}
}

evs_status evs_pool__finish(evs_pool *p, char *err)
{
	join_all(p);
	evs_status st = failure(p, err);
	for (unsigned i = 0; i < p->n && st == EVS_OK; i++) {
		worker *w = &p->w[i];
		st = xs_db_close(w->db, err);
		w->db = NULL;
	}
	return st;
}

void evs_pool__free(evs_pool *p)
{
	if (!p)
		return;
	/* Workers that are still running drop what is queued. */
	for (unsigned i = 0; i < p->n; i++) {
		worker *w = &p->w[i];
		if (!w->started)
			continue;
		pthread_mutex_lock(&w->mu);
		if (w->st == EVS_OK)
			w->st = EVS_E_CANCELLED;
		pthread_mutex_unlock(&w->mu);
	}
	join_all(p);
	for (unsigned i = 0; i < p->n; i++) {
		worker *w = &p->w[i];
		char ignore[XS_ERRLEN];
		for (size_t k = 0; k < QUEUE_LEN; k++)
			evs_record__dispose(&w->queue[k].rec);
		if (w->db)
			xs_db_close(w->db, ignore);
		xs_stem_free(w->stem);
		evs_packer__free(w->packer);
		evs_normalize__dispose(&w->nz);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->more);
		pthread_cond_destroy(&w->room);
	}
	free(p->w);
	free(p);
}
