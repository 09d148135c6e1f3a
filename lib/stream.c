/* stream.c: adding a stream of records, JSON Lines or iCalendar, with
 * messages, progress, cancelling and commits along the way.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "add.h"
#include "ics/ics.h"
#include "ics/read.h"
#include "reader.h"

#define DEFAULT_COMMIT_EVERY 10000
/* Unknown keys and time zones of one file it remembers, to warn once. */
#define MAX_NOTED 256

/* One stream being added. */
typedef struct stream_ctx {
	evs_index *idx;
	const evs_add_options *opts;
	const char *source;
	uint64_t line; /* of the record being added */
	evs_add_stats *stats;
	unsigned every; /* commit after this many records */
	int replacing;  /* the record is a newer version of one of its file */
	/* What the file was warned about once: unknown keys ("k" + key) and
	 * time zones ("z" + name, the known ones too, to look each up once). */
	char *noted[MAX_NOTED];
	size_t nnoted;
	/* The counts as of the last commit, which a failed write goes back
	 * to (writing in place: the index holds that commit). */
	evs_add_stats committed;
	int write_failed;
} stream_ctx;

/* Whether what (kind 'k' or 'z', then the name) was noted for this file;
 * notes it when not. -1: out of memory. When the list is full, 1. */
static int noted(stream_ctx *sc, char kind, const char *name)
{
	for (size_t i = 0; i < sc->nnoted; i++)
		if (sc->noted[i][0] == kind && strcmp(sc->noted[i] + 1, name) == 0)
			return 1;
	if (sc->nnoted == MAX_NOTED)
		return 1;
	char *n = malloc(strlen(name) + 2);
	if (!n)
		return -1;
	n[0] = kind;
	strcpy(n + 1, name);
	sc->noted[sc->nnoted++] = n;
	return 0;
}

static void report(stream_ctx *sc, evs_severity sev, uint64_t line,
                   const char *msg)
{
	if (sev == EVS_WARNING)
		sc->stats->warnings++;
	if (!sc->opts->report)
		return;
	evs_diag d = {sev, sc->source, line, msg};
	sc->opts->report(sc->opts->ctx, &d);
}

static void on_warning(void *ctx, const char *msg)
{
	stream_ctx *sc = ctx;
	report(sc, EVS_WARNING, sc->line, msg);
}

/* Warns, once per file, about a key that is no field of a record, and
 * about a "timezone" that is no known time zone. */
static evs_status check_fields(void *ctx, const evs_record *rec)
{
	stream_ctx *sc = ctx;
	const char *key;
	json_t *v;
	char msg[400];
	json_object_foreach(rec->root, key, v) {
		const char *alias;
		if (evs_event__known_key(key, &alias))
			continue;
		int n = noted(sc, 'k', key);
		if (n < 0)
			return EVS_E_NOMEM;
		if (n)
			continue;
		if (alias)
			snprintf(msg, sizeof msg,
			         "\"%.100s\": not a field (did you mean \"%s\"?); it is "
			         "ignored in this file",
			         key, alias);
		else
			snprintf(msg, sizeof msg,
			         "\"%.100s\": not a field (docs/schema.md); it is "
			         "ignored in this file",
			         key);
		report(sc, EVS_WARNING, sc->line, msg);
	}
	const char *tz = json_string_value(json_object_get(rec->root, "timezone"));
	if (tz && *tz) {
		int n = noted(sc, 'z', tz);
		if (n < 0)
			return EVS_E_NOMEM;
		if (!n && !evs_ics__known_zone(tz)) {
			snprintf(msg, sizeof msg,
			         "\"timezone\": \"%.100s\" is not a known time zone "
			         "(an IANA name such as Europe/Brussels); it is kept "
			         "as given (warned once per file)",
			         tz);
			report(sc, EVS_WARNING, sc->line, msg);
		}
	}
	return EVS_OK;
}

/* A record that could not be read at all (a line over the cap, a broken
 * VEVENT): counted as read and skipped. */
static void lost_record(stream_ctx *sc, uint64_t line, const char *msg)
{
	sc->stats->read++;
	sc->stats->skipped++;
	sc->idx->skipped++;
	report(sc, EVS_ERROR, line, msg);
	if (sc->opts->progress)
		sc->opts->progress(sc->opts->ctx, sc->stats->read);
}

/* Adds one record of a stream, or reports it and skips it when it is bad;
 * commits every sc->every records. Fails only for what stops the stream. */
static evs_status stream_record(stream_ctx *sc, const char *json, size_t len,
                                uint64_t line)
{
	evs_index *idx = sc->idx;
	evs_add_stats *stats = sc->stats;
	evs_outcome o;
	int dup;
	sc->line = line;
	stats->read++;
	evs_status st = evs_index__add_record(idx, json, len, &o, &dup, on_warning,
	                                      check_fields, sc);
	if (st == EVS_E_INVALID) {
		stats->skipped++;
		report(sc, EVS_ERROR, line, idx->errmsg);
		evs_index__reset(idx);
		st = EVS_OK;
	} else if (st != EVS_OK) {
		sc->write_failed = 1;
		return st;
	} else {
		if (o == EVS_ADDED)
			stats->added++;
		else if (o == EVS_UNCHANGED)
			stats->unchanged++;
		else
			stats->replaced++;
		if (dup && !sc->replacing)
			report(sc, EVS_WARNING, line,
			       "duplicate id: this record replaces an earlier one "
			       "with the same id");
	}
	if (sc->opts->progress)
		sc->opts->progress(sc->opts->ctx, stats->read);
	if (idx->uncommitted >= sc->every) {
		if ((st = evs_index_commit(idx)) == EVS_OK)
			sc->committed = *stats;
		else
			sc->write_failed = 1;
	}
	return st;
}

/* After a failed write in place, the counts of what was written say what
 * the index holds: those of its last commit. (A new generation that
 * fails is thrown away whole; its caller says so.) */
static void uncount_lost(stream_ctx *sc)
{
	if (sc->idx->mode != EVS_MODE_WRITE || !sc->write_failed)
		return;
	sc->stats->added = sc->committed.added;
	sc->stats->replaced = sc->committed.replaced;
	sc->stats->unchanged = sc->committed.unchanged;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' &&
		    s[i] != '\v')
			return 0;
	return 1;
}

static evs_status read_jsonl(stream_ctx *sc, evs_line_reader *rd)
{
	evs_index *idx = sc->idx;
	const evs_add_options *opts = sc->opts;
	for (;;) {
		if (opts->cancel && opts->cancel(opts->ctx))
			return EVS_E_CANCELLED;
		int r = evs_reader__next(rd);
		if (r == EVS_LINE_EOF)
			return EVS_OK;
		if (r == EVS_LINE_CANCELLED)
			return EVS_E_CANCELLED;
		if (r == EVS_LINE_ERROR)
			return evs_index__fail(idx, EVS_E_IO, "%s: cannot read: %s",
			                       sc->source, strerror(errno));
		sc->line = rd->lineno;
		if (r == EVS_LINE_TOO_LONG) {
			char msg[96];
			snprintf(msg, sizeof msg, "line longer than %zu MiB",
			         EVS_MAX_LINE >> 20);
			lost_record(sc, rd->lineno, msg);
			continue;
		}
		if (is_blank(rd->line.p, rd->line.len))
			continue;
		evs_status st = stream_record(sc, rd->line.p, rd->line.len, rd->lineno);
		if (st != EVS_OK)
			return st;
	}
}

/* The iCalendar reader's sink. */
static evs_status ics_record(void *ctx, const char *json, size_t len,
                             uint64_t line)
{
	return stream_record(ctx, json, len, line);
}

static evs_status ics_replace(void *ctx, const char *json, size_t len,
                              uint64_t line)
{
	stream_ctx *sc = ctx;
	sc->replacing = 1;
	evs_status st = stream_record(sc, json, len, line);
	sc->replacing = 0;
	return st;
}

static void ics_diag(void *ctx, evs_severity sev, uint64_t line,
                     const char *msg, int skipped)
{
	stream_ctx *sc = ctx;
	if (skipped)
		lost_record(sc, line, msg);
	else
		report(sc, sev, line, msg);
}

static int ics_cancel(void *ctx)
{
	stream_ctx *sc = ctx;
	return sc->opts->cancel && sc->opts->cancel(sc->opts->ctx);
}

static evs_status read_ics(stream_ctx *sc, evs_line_reader *rd)
{
	evs_index *idx = sc->idx;
	const evs_add_options *opts = sc->opts;
	evs_ics_window win;
	char why[EVS_ERRLEN];
	if (evs_ics__window(&win, opts->expand_from, opts->expand_to, time(NULL),
	                    why) < 0)
		return evs_index__fail(idx, EVS_E_INVALID, "%s", why);
	evs_ics_sink sink = {ics_record, ics_diag, ics_cancel, sc, ics_replace};
	char msg[EVS_ERRLEN] = "";
	evs_status st = evs_ics__read(rd, sc->source, &win, &sink, msg);
	if (st == EVS_E_IO && *msg)
		evs_index__fail(idx, st, "%s", msg);
	else if (st == EVS_E_NOMEM)
		evs_index__fail(idx, st, "out of memory");
	return st;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The format of a stream: as given, else by its name, else by its first
 * bytes. */
static evs_format stream_format(const evs_add_options *opts, const char *source,
                                evs_line_reader *rd)
{
	if (opts->format != EVS_FORMAT_AUTO)
		return opts->format;
	if (has_suffix(source, ".ics") || has_suffix(source, ".ical") ||
	    has_suffix(source, ".icalendar") || has_suffix(source, ".ifb"))
		return EVS_FORMAT_ICS;
	if (has_suffix(source, ".jsonl") || has_suffix(source, ".json") ||
	    has_suffix(source, ".ndjson"))
		return EVS_FORMAT_JSONL;
	const char *p;
	size_t n;
	if (evs_reader__peek(rd, &p, &n) < 0)
		return EVS_FORMAT_JSONL; /* the read fails again, and says so */
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		n--;
	}
	return n >= 15 && strncasecmp(p, "BEGIN:VCALENDAR", 15) == 0
	           ? EVS_FORMAT_ICS
	           : EVS_FORMAT_JSONL;
}

evs_status evs_index_add_stream(evs_index *idx, int fd, const char *source,
                                const evs_add_options *opts,
                                evs_add_stats *stats)
{
	evs_add_options def = EVS_ADD_OPTIONS_INIT;
	evs_add_stats ignored = {0};
	evs_line_reader rd;
	evs_status st = EVS_OK;
	evs_index__reset(idx);
	if (!opts)
		opts = &def;
	if (opts->version < 1 || opts->version > EVS_ADD_OPTIONS_VERSION)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "evs_add_options version %d is not known",
		                       opts->version);
	if (opts->version < 2) {
		/* The fields a version 1 caller does not have. */
		def.report = opts->report;
		def.cancel = opts->cancel;
		def.progress = opts->progress;
		def.ctx = opts->ctx;
		def.commit_every = opts->commit_every;
		opts = &def;
	}
	if (!stats)
		stats = &ignored;
	if (!source)
		source = "-";
	if (!idx->writable)
		return evs_index__fail(idx, EVS_E_READONLY,
		                       "the index is open read-only");
	if (opts->format > EVS_FORMAT_ICS)
		return evs_index__fail(idx, EVS_E_INVALID, "unknown format %d",
		                       (int)opts->format);
	if (evs_reader__init(&rd, fd) < 0)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	rd.cancel = opts->cancel;
	rd.cancel_ctx = opts->ctx;
	stream_ctx sc =
	    {idx,
	     opts,
	     source,
	     0,
	     stats,
	     opts->commit_every ? opts->commit_every : DEFAULT_COMMIT_EVERY,
	     0,
	     {NULL},
	     0,
	     *stats,
	     0};
	if (stream_format(opts, source, &rd) == EVS_FORMAT_ICS)
		st = read_ics(&sc, &rd);
	else
		st = read_jsonl(&sc, &rd);
	evs_reader__dispose(&rd);
	for (size_t i = 0; i < sc.nnoted; i++)
		free(sc.noted[i]);
	/* Commit what was added, also when cancelled; after a failure the index
	 * keeps its last commit. */
	if (st == EVS_OK || st == EVS_E_CANCELLED) {
		evs_status cst = evs_index_commit(idx);
		if (cst != EVS_OK) {
			sc.write_failed = 1;
			uncount_lost(&sc);
			return cst;
		}
		if (st == EVS_E_CANCELLED)
			evs_index__fail(idx, st, "%s: stopped at line %llu", source,
			                (unsigned long long)sc.line);
	} else {
		uncount_lost(&sc);
	}
	return st;
}
