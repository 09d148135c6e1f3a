/* uid.c: VEVENTs of one file that share a UID.
 *
 * A UID names one event, but feeds on the web reuse one UID for many
 * events (a conference export that gives every talk the schedule's UID).
 * Taking the UID as the id would let each such talk replace the one
 * before and keep a few of many. Within one file, the VEVENTs of a UID
 * (without RECURRENCE-ID) are sorted as they come:
 *   - same DTSTART and SUMMARY as one seen: a repeat; it counts once, and
 *     replaces it only when its SEQUENCE is higher;
 *   - another SEQUENCE than one seen with the same DTSTART or SUMMARY, or
 *     than the only one seen: a version of that event; the highest
 *     SEQUENCE is kept, with that event's id;
 *   - else: a different event. The first of a UID keeps the UID as its
 *     id; each different one after it gets UID#DTSTART-HHHHHHHH (DTSTART
 *     as written, H the first hex digits of the SHA-256 of its SUMMARY),
 *     which is the same in every run over the same feed.
 * One warning per UID at the end of the file says how many there were.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "uid.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sha256.h"
#include "util.h"

/* One event of a UID: what it was recognised by, and its id (NULL: the
 * UID itself). */
struct evs_ics_uev {
	uint64_t start, summary;
	int seq;
	char *id;
	size_t next; /* index + 1 of the next event of the same UID, 0: none */
};

/* One UID of the file. */
struct evs_ics_uid {
	uint64_t hash; /* 0: an empty slot */
	size_t first;  /* index + 1 of its first event */
	size_t distinct, repeats;
	uint64_t line; /* of its first VEVENT */
	char *uid;
};

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t text_hash(const char *s)
{
	uint64_t h = fnv(1469598103934665603ull, s);
	return h ? h : 1;
}

/* The UID's slot in the table (empty when new); NULL when out of
 * memory. */
static struct evs_ics_uid *uid_slot(evs_ics_file *f, const char *uid)
{
	if (f->nuids * 2 >= f->ucap) {
		size_t cap = f->ucap ? f->ucap * 2 : 64;
		struct evs_ics_uid *t = calloc(cap, sizeof *t);
		if (!t)
			return NULL;
		for (size_t i = 0; i < f->ucap; i++) {
			if (!f->uids[i].hash)
				continue;
			size_t j = f->uids[i].hash & (cap - 1);
			while (t[j].hash)
				j = (j + 1) & (cap - 1);
			t[j] = f->uids[i];
		}
		free(f->uids);
		f->uids = t;
		f->ucap = cap;
	}
	uint64_t h = text_hash(uid);
	size_t j = h & (f->ucap - 1);
	while (f->uids[j].hash &&
	       (f->uids[j].hash != h || strcmp(f->uids[j].uid, uid) != 0))
		j = (j + 1) & (f->ucap - 1);
	return &f->uids[j];
}

/* Appends an event; returns its index + 1, or 0 when out of memory. */
static size_t add_event(evs_ics_file *f, uint64_t start, uint64_t summary,
                        int seq, char *id)
{
	if (f->nuev == f->uevcap) {
		struct evs_ics_uev *v =
		    evs_util__grow(f->uev, &f->uevcap, f->nuev + 1, sizeof *v, 64);
		if (!v)
			return 0;
		f->uev = v;
	}
	f->uev[f->nuev] = (struct evs_ics_uev){start, summary, seq, id, 0};
	return ++f->nuev;
}

/* UID#DTSTART-HHHHHHHH (see above); NULL when out of memory. */
static char *derive(const char *uid, const char *dtstart, const char *summary)
{
	char hex[65];
	evs_sha256__hex(summary ? summary : "", summary ? strlen(summary) : 0, hex);
	evs_buf b = EVS_BUF_INIT;
	if (evs_buf__adds(&b, uid) < 0 || evs_buf__addc(&b, '#') < 0 ||
	    evs_buf__adds(&b, dtstart ? dtstart : "") < 0 ||
	    evs_buf__addc(&b, '-') < 0 || evs_buf__add(&b, hex, 8) < 0) {
		evs_buf__dispose(&b);
		return NULL;
	}
	return b.p;
}

int evs_ics__uid_place(evs_ics_file *f, icalcomponent *ev, const char *uid,
                       uint64_t line, const char **id)
{
	icalproperty *dp =
	    icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	const char *ds = dp ? icalproperty_get_value_as_string(dp) : NULL;
	icalparameter *tz =
	    dp ? icalproperty_get_first_parameter(dp, ICAL_TZID_PARAMETER) : NULL;
	const char *summary = icalcomponent_get_summary(ev);
	uint64_t sh = text_hash(ds), mh = text_hash(summary);
	if (tz)
		sh = fnv(sh, icalparameter_get_tzid(tz));
	int seq = icalcomponent_get_sequence(ev);
	*id = uid;

	struct evs_ics_uid *g = uid_slot(f, uid);
	if (!g)
		return -1;
	if (!g->hash) {
		char *copy = strdup(uid);
		size_t k = copy ? add_event(f, sh, mh, seq, NULL) : 0;
		if (!k) {
			free(copy);
			return -1;
		}
		*g = (struct evs_ics_uid){text_hash(uid), k, 1, 0, line, copy};
		f->nuids++;
		return EVS_ICS_NEW;
	}
	/* A repeat or a version of an event seen: the one it matches best. */
	struct evs_ics_uev *same = NULL, *version = NULL, *last = NULL;
	for (size_t k = g->first; k; k = f->uev[k - 1].next) {
		struct evs_ics_uev *e = &f->uev[k - 1];
		last = e;
		if (e->start == sh && e->summary == mh && !same)
			same = e;
		else if (e->seq != seq && (e->start == sh || e->summary == mh) &&
		         !version)
			version = e;
	}
	if (!same && !version && g->distinct == 1 && last->seq != seq)
		version = last;
	struct evs_ics_uev *e = same ? same : version;
	if (e) {
		g->repeats++;
		if (seq <= e->seq)
			return EVS_ICS_SKIP; /* as new as the one kept, or older */
		e->start = sh;
		e->summary = mh;
		e->seq = seq;
		*id = e->id ? e->id : uid;
		return EVS_ICS_REPLACE;
	}
	char *d = derive(uid, ds, summary);
	size_t k = d ? add_event(f, sh, mh, seq, d) : 0;
	if (!k) {
		free(d);
		return -1;
	}
	last = NULL;
	for (size_t j = g->first; j; j = f->uev[j - 1].next)
		last = &f->uev[j - 1];
	last->next = k;
	g->distinct++;
	*id = f->uev[k - 1].id;
	return EVS_ICS_NEW;
}

void evs_ics__uid_report(evs_ics_file *f)
{
	for (size_t i = 0; i < f->ucap; i++) {
		const struct evs_ics_uid *g = &f->uids[i];
		if (!g->hash)
			continue;
		if (g->distinct > 1)
			evs_ics__diag(f, EVS_WARNING, g->line, 0,
			              "UID \"%.200s\" is given to %zu different events "
			              "(another DTSTART or SUMMARY): all are kept, each "
			              "after the first with the id UID#DTSTART-HASH "
			              "(docs/schema.md)",
			              g->uid, g->distinct);
		if (g->repeats)
			evs_ics__diag(f, EVS_WARNING, g->line, 0,
			              "UID \"%.200s\": %zu more VEVENT%s repeat%s an "
			              "event of this UID (same DTSTART and SUMMARY, or "
			              "another SEQUENCE); the one of the highest "
			              "SEQUENCE is kept",
			              g->uid, g->repeats, g->repeats == 1 ? "" : "s",
			              g->repeats == 1 ? "s" : "");
	}
}

void evs_ics__uid_free(evs_ics_file *f)
{
	for (size_t i = 0; i < f->ucap; i++)
		free(f->uids[i].uid);
	for (size_t i = 0; i < f->nuev; i++)
		free(f->uev[i].id);
	free(f->uids);
	free(f->uev);
	f->uids = NULL;
	f->uev = NULL;
	f->nuids = f->ucap = f->nuev = f->uevcap = 0;
}
