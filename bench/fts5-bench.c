/* fts5-bench: SQLite FTS5, the benchmark's peer, on the same events and
 * the same query log as evs-query.
 *
 * Usage: fts5-bench build DB JSONL
 *        fts5-bench query [--reps N] [--modes LIST] DB QUERYLOG
 *
 * build: creates DB afresh and inserts every event of JSONL in one
 * transaction (the default journal and synchronous=FULL, so COMMIT
 * syncs as evindex --rebuild does), then prints
 * "build system=fts5 events=N seconds=S bytes=B".
 *
 * The schema:
 *   ev_fts  FTS5 (porter unicode61 remove_diacritics 2) over title,
 *           description, participants, organisers, location, tags, plus
 *           the event id UNINDEXED; ranked with bm25, the title weighted 3
 *           as evsearch weights it.
 *   ev      rowid -> year, start_day, end_day (local dates, YYYYMMDD, as
 *           written, as evsearch derives them): year facet and filter.
 *   ev_org  one row per event and organiser: organiser facet and filter.
 *
 * query: the modes of evs-query (see there), with the same warm-up pass
 * and the same number of timed passes:
 *   plain     MATCH, ORDER BY rank LIMIT 10, id and title read
 *   facets    plain, then GROUP BY year and GROUP BY organiser over the
 *             match set (JOINs), every row read
 *   filters   plain with JOINs to ev and ev_org (not "rowid IN (SELECT
 *             ...)", which re-runs the MATCH for each row)
 *   snippets  plain with snippet() of the description
 * Words are ORed ("a" OR "b"), a phrase is "a b".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench-common.h"

static const char schema_sql[] =
    "CREATE VIRTUAL TABLE ev_fts USING fts5(title, description, "
    "participants, organisers, location, tags, eid UNINDEXED, "
    "tokenize = 'porter unicode61 remove_diacritics 2');"
    "INSERT INTO ev_fts(ev_fts, rank) "
    "VALUES('rank', 'bm25(3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0)');"
    "CREATE TABLE ev(id INTEGER PRIMARY KEY, year INTEGER NOT NULL, "
    "start_day INTEGER NOT NULL, end_day INTEGER NOT NULL);"
    "CREATE TABLE ev_org(ev INTEGER NOT NULL, org TEXT NOT NULL, "
    "PRIMARY KEY(ev, org)) WITHOUT ROWID;"
    "CREATE INDEX ev_org_by_org ON ev_org(org, ev);";

static int sql_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "fts5-bench: %s: %s\n", what, sqlite3_errmsg(db));
	return -1;
}

/* A growable string. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
} sbuf;

static int sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *ns = realloc(b->s, nc);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

/* The items of a list field joined by newlines; participants may be
 * {"name": ...} objects. */
static int join_list(sbuf *b, json_t *arr)
{
	size_t i;
	json_t *v;
	b->n = 0;
	if (sb_add(b, "", 0) < 0)
		return -1;
	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, v)
	{
		if (json_is_object(v))
			v = json_object_get(v, "name");
		if (!json_is_string(v))
			continue;
		if ((b->n && sb_add(b, "\n", 1) < 0) ||
		    sb_add(b, json_string_value(v), json_string_length(v)) < 0)
			return -1;
	}
	return 0;
}

/* "2022-05-25..." -> 20220525; 0 when not a date. */
static long day_of(const char *s)
{
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return 0;
	long y = strtol(s, NULL, 10), m = strtol(s + 5, NULL, 10),
	     d = strtol(s + 8, NULL, 10);
	return y * 10000 + m * 100 + d;
}

static void bind_str(sqlite3_stmt *st, int i, json_t *v)
{
	if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v),
		                  (int)json_string_length(v), SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int build(const char *path, const char *jsonl)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ins_fts = NULL, *ins_ev = NULL, *ins_org = NULL;
	FILE *in = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	sbuf parts = {0}, orgs = {0}, tags = {0};
	long events = 0, lineno = 0;
	int rc = -1;
	double t0 = bench_now_ms();

	if (unlink(path) < 0 && errno != ENOENT) {
		fprintf(stderr, "fts5-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	in = fopen(jsonl, "r");
	if (!in) {
		fprintf(stderr, "fts5-bench: %s: %s\n", jsonl, strerror(errno));
		goto done;
	}
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sql_fail(db, path);
		goto done;
	}
	if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		sql_fail(db, "schema");
		goto done;
	}
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO ev_fts(rowid, title, description, "
	                       "participants, organisers, location, tags, eid) "
	                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	                       -1, &ins_fts, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO ev(id, year, start_day, end_day) "
	                       "VALUES(?1, ?2, ?3, ?4)",
	                       -1, &ins_ev, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT OR IGNORE INTO ev_org(ev, org) "
	                       "VALUES(?1, ?2)",
	                       -1, &ins_org, NULL) != SQLITE_OK) {
		sql_fail(db, "prepare");
		goto done;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		json_error_t jerr;
		lineno++;
		if (len <= 1)
			continue;
		json_t *ev = json_loadb(line, (size_t)len, 0, &jerr);
		if (!json_is_object(ev)) {
			fprintf(stderr, "fts5-bench: %s:%ld: bad record\n", jsonl, lineno);
			json_decref(ev);
			continue;
		}
		json_t *start = json_object_get(ev, "start");
		json_t *end = json_object_get(ev, "end");
		long sd = day_of(json_string_value(start));
		long ed = json_is_string(end) ? day_of(json_string_value(end)) : sd;
		json_t *id = json_object_get(ev, "id");
		json_t *organisers = json_object_get(ev, "organisers");
		sqlite3_int64 rowid = ++events;

		if (join_list(&parts, json_object_get(ev, "participants")) < 0 ||
		    join_list(&orgs, organisers) < 0 ||
		    join_list(&tags, json_object_get(ev, "tags")) < 0) {
			json_decref(ev);
			fprintf(stderr, "fts5-bench: out of memory\n");
			goto done;
		}
		sqlite3_bind_int64(ins_fts, 1, rowid);
		bind_str(ins_fts, 2, json_object_get(ev, "title"));
		bind_str(ins_fts, 3, json_object_get(ev, "description"));
		sqlite3_bind_text(ins_fts, 4, parts.s, (int)parts.n, SQLITE_STATIC);
		sqlite3_bind_text(ins_fts, 5, orgs.s, (int)orgs.n, SQLITE_STATIC);
		bind_str(ins_fts, 6, json_object_get(ev, "location"));
		sqlite3_bind_text(ins_fts, 7, tags.s, (int)tags.n, SQLITE_STATIC);
		bind_str(ins_fts, 8, id);
		sqlite3_bind_int64(ins_ev, 1, rowid);
		sqlite3_bind_int64(ins_ev, 2, sd / 10000);
		sqlite3_bind_int64(ins_ev, 3, sd);
		sqlite3_bind_int64(ins_ev, 4, ed ? ed : sd);
		int ok = sqlite3_step(ins_fts) == SQLITE_DONE &&
		         sqlite3_step(ins_ev) == SQLITE_DONE;
		sqlite3_reset(ins_fts);
		sqlite3_reset(ins_ev);
		size_t i;
		json_t *o;
		json_array_foreach(organisers, i, o)
		{
			if (!ok || !json_is_string(o))
				continue;
			sqlite3_bind_int64(ins_org, 1, rowid);
			bind_str(ins_org, 2, o);
			ok = sqlite3_step(ins_org) == SQLITE_DONE;
			sqlite3_reset(ins_org);
		}
		json_decref(ev);
		if (!ok) {
			sql_fail(db, "insert");
			goto done;
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sql_fail(db, "commit");
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(ins_fts);
	sqlite3_finalize(ins_ev);
	sqlite3_finalize(ins_org);
	if (db && sqlite3_close(db) != SQLITE_OK)
		rc = -1;
	if (in)
		fclose(in);
	free(line);
	free(parts.s);
	free(orgs.s);
	free(tags.s);
	if (rc == 0) {
		struct stat sb;
		double t1 = bench_now_ms();
		long long bytes = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
		printf("build system=fts5 events=%ld seconds=%.3f bytes=%lld\n", events,
		       (t1 - t0) / 1e3, bytes);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */

enum mode { M_PLAIN, M_FACETS, M_FILTERS, M_SNIPPETS };
static const char *const mode_name[] = {"plain", "facets", "filters",
                                        "snippets"};

/* Statements. The filter variants: [0] none, [1] organiser, [2] year,
 * [3] both. */
typedef struct stmts {
	sqlite3_stmt *top[4];
	sqlite3_stmt *snip;
	sqlite3_stmt *facet_year;
	sqlite3_stmt *facet_org;
} stmts;

#define TOP_COLS "SELECT ev_fts.eid, ev_fts.title FROM ev_fts "
#define TOP_END " ORDER BY ev_fts.rank LIMIT 10"

static const char *const top_sql[4] = {
    TOP_COLS "WHERE ev_fts MATCH ?1" TOP_END,
    TOP_COLS "JOIN ev_org o ON o.ev = ev_fts.rowid "
             "WHERE ev_fts MATCH ?1 AND o.org = ?2" TOP_END,
    TOP_COLS "JOIN ev e ON e.id = ev_fts.rowid "
             "WHERE ev_fts MATCH ?1 AND e.start_day <= ?3 "
             "AND e.end_day >= ?4" TOP_END,
    TOP_COLS "JOIN ev_org o ON o.ev = ev_fts.rowid "
             "JOIN ev e ON e.id = ev_fts.rowid "
             "WHERE ev_fts MATCH ?1 AND o.org = ?2 AND e.start_day <= ?3 "
             "AND e.end_day >= ?4" TOP_END,
};

static int prepare_all(sqlite3 *db, stmts *s)
{
	for (int i = 0; i < 4; i++)
		if (sqlite3_prepare_v2(db, top_sql[i], -1, &s->top[i], NULL) !=
		    SQLITE_OK)
			return sql_fail(db, top_sql[i]);
	if (sqlite3_prepare_v2(db,
	                       "SELECT ev_fts.eid, ev_fts.title, "
	                       "snippet(ev_fts, 1, '[', ']', '…', 40) FROM ev_fts "
	                       "WHERE ev_fts MATCH ?1" TOP_END,
	                       -1, &s->snip, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "SELECT e.year, count(*) FROM ev_fts "
	                       "JOIN ev e ON e.id = ev_fts.rowid "
	                       "WHERE ev_fts MATCH ?1 GROUP BY e.year "
	                       "ORDER BY e.year",
	                       -1, &s->facet_year, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "SELECT o.org, count(*) AS n FROM ev_fts "
	                       "JOIN ev_org o ON o.ev = ev_fts.rowid "
	                       "WHERE ev_fts MATCH ?1 GROUP BY o.org "
	                       "ORDER BY n DESC, o.org",
	                       -1, &s->facet_org, NULL) != SQLITE_OK)
		return sql_fail(db, "prepare");
	return 0;
}

static void finalize_all(stmts *s)
{
	for (int i = 0; i < 4; i++)
		sqlite3_finalize(s->top[i]);
	sqlite3_finalize(s->snip);
	sqlite3_finalize(s->facet_year);
	sqlite3_finalize(s->facet_org);
}

/* The FTS5 query string of q: "a" OR "b", or "a b" for a phrase. */
static char *fts_query(const bench_query *q)
{
	sbuf b = {0};
	const char *p = q->text;
	int ok = sb_add(&b, "", 0) == 0;
	if (q->phrase) {
		ok = ok && sb_add(&b, "\"", 1) == 0;
		for (; ok && *p; p++)
			ok = sb_add(&b, p, 1) == 0 &&
			     (*p != '"' || sb_add(&b, "\"", 1) == 0);
		ok = ok && sb_add(&b, "\"", 1) == 0;
	} else {
		while (ok && *p) {
			size_t n = strcspn(p, " ");
			if (n) {
				if (b.n)
					ok = sb_add(&b, " OR ", 4) == 0;
				ok = ok && sb_add(&b, "\"", 1) == 0;
				for (size_t i = 0; ok && i < n; i++)
					ok = sb_add(&b, p + i, 1) == 0 &&
					     (p[i] != '"' || sb_add(&b, "\"", 1) == 0);
				ok = ok && sb_add(&b, "\"", 1) == 0;
			}
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	if (!ok) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static volatile size_t sink;

/* Steps st to the end, reading every column; returns the number of rows,
 * or -1 on failure. With sum_col >= 0, adds that integer column's values
 * to *sum. */
static long drain(sqlite3 *db, sqlite3_stmt *st, int sum_col, int64_t *sum)
{
	long rows = 0;
	int r;
	int nc = sqlite3_column_count(st);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		for (int c = 0; c < nc; c++) {
			const unsigned char *t = sqlite3_column_text(st, c);
			sink += t ? (size_t)sqlite3_column_bytes(st, c) : 0;
		}
		if (sum_col >= 0 && sum)
			*sum += sqlite3_column_int64(st, sum_col);
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE) {
		sql_fail(db, "step");
		return -1;
	}
	return rows;
}

/* Runs one query; returns a result count (facets: the exact total; else
 * the hits on the page), or -1 on failure. */
static int64_t run_one(sqlite3 *db, stmts *s, const bench_query *q,
                       const char *fq, enum mode m)
{
	sqlite3_stmt *st;
	int64_t total = 0;
	long n;

	if (m == M_SNIPPETS) {
		st = s->snip;
	} else if (m == M_FILTERS) {
		st = s->top[(q->organiser ? 1 : 0) | (q->year ? 2 : 0)];
		if (q->organiser)
			sqlite3_bind_text(st, 2, q->organiser, -1, SQLITE_STATIC);
		if (q->year) {
			long y = strtol(q->year, NULL, 10);
			sqlite3_bind_int64(st, 3, y * 10000 + 1231);
			sqlite3_bind_int64(st, 4, y * 10000 + 101);
		}
	} else {
		st = s->top[0];
	}
	sqlite3_bind_text(st, 1, fq, -1, SQLITE_STATIC);
	if ((n = drain(db, st, -1, NULL)) < 0)
		return -1;
	if (m != M_FACETS)
		return n;
	sqlite3_bind_text(s->facet_year, 1, fq, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->facet_org, 1, fq, -1, SQLITE_STATIC);
	/* The year counts add up to the exact total, as evsearch gives it. */
	if (drain(db, s->facet_year, 1, &total) < 0 ||
	    drain(db, s->facet_org, -1, NULL) < 0)
		return -1;
	return total;
}

/* What the common runner needs to run query i in one mode. */
typedef struct runner {
	sqlite3 *db;
	stmts *s;
	const bench_log *log;
	char **fq;
	enum mode m;
} runner;

static int64_t run_i(void *ctx, size_t i)
{
	runner *r = ctx;
	return run_one(r->db, r->s, &r->log->q[i], r->fq[i], r->m);
}

static int run_mode(sqlite3 *db, stmts *s, const bench_log *log, char **fq,
                    enum mode m, int reps)
{
	runner r = {db, s, log, fq, m};
	/* Only the facets mode counts every match; the others' checksum is
	 * of page sizes, not comparable with evsearch's totals. */
	return bench_run_mode("fts5", mode_name[m], log, m == M_FILTERS, reps,
	                      m == M_FACETS, run_i, &r);
}

static int query(int argc, char **argv)
{
	bench_opts o;
	bench_log log = {0};
	sqlite3 *db = NULL;
	stmts s;
	char **fq = NULL;
	int rc = 1;

	memset(&s, 0, sizeof s);
	int a = bench_opts_parse(&o, argc, argv);
	if (a < 0 || argc - a != 2) {
		fprintf(stderr, "usage: fts5-bench query [--reps N] [--modes "
		                "plain,facets,filters,snippets] DB QUERYLOG\n");
		return 2;
	}
	if (bench_log_read(&log, argv[a + 1]) < 0)
		goto done;
	fq = calloc(log.n, sizeof *fq);
	if (!fq)
		goto done;
	for (size_t i = 0; i < log.n; i++)
		if (!(fq[i] = fts_query(&log.q[i])))
			goto done;
	if (sqlite3_open_v2(argv[a], &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sql_fail(db, argv[a]);
		goto done;
	}
	if (prepare_all(db, &s) < 0)
		goto done;
	rc = 0;
	int want[4] = {o.plain, o.facets, o.filters, o.snippets};
	for (int m = M_PLAIN; m <= M_SNIPPETS; m++)
		if (want[m] && run_mode(db, &s, &log, fq, (enum mode)m, o.reps) < 0)
			rc = 1;
done:
	finalize_all(&s);
	sqlite3_close(db);
	if (fq)
		for (size_t i = 0; i < log.n; i++)
			free(fq[i]);
	free(fq);
	bench_log_free(&log);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "build"))
		return build(argv[2], argv[3]) < 0 ? 1 : 0;
	if (argc >= 2 && !strcmp(argv[1], "query"))
		return query(argc - 1, argv + 1);
	fprintf(stderr, "usage: fts5-bench build DB JSONL\n"
	                "       fts5-bench query [--reps N] [--modes LIST] "
	                "DB QUERYLOG\n");
	return 2;
}
