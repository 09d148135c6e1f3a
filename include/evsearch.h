/* evsearch.h: the public API of libevsearch, a full-text search engine for
 * event listings built on Xapian.
 *
 * Copyright (C) 2026 the evsearch authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conventions, for every function below:
 * - Fallible calls return an evs_status; EVS_OK is 0. The status says what
 *   the caller should do; evs_errmsg() on the handle says what happened.
 * - Out-parameters come first and are named out.
 * - Strings are UTF-8 and NUL-terminated unless a length is passed.
 * - Every _free and _close accepts NULL.
 * - Thread safety: a handle (evs_index, evs_results) must not be used by
 *   two threads at once. Different handles may be used from different
 *   threads concurrently, also on the same index directory.
 * - Callbacks (evs_add_options' report, cancel and progress) run on the
 *   thread that called the function they were given to, during that call,
 *   one at a time: never on the library's own worker threads (those of
 *   a rebuild), and never after the call returns.
 * - Option structs: initialise them with their EVS_*_OPTIONS_INIT macro,
 *   or, from languages without C macros, with their evs_*_options_init()
 *   function; then set the fields wanted.
 */
#ifndef EVSEARCH_H
#define EVSEARCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(EVS_BUILDING_LIBRARY) && defined(__GNUC__)
#define EVS_API __attribute__((visibility("default")))
#else
#define EVS_API
#endif

/* EVSEARCH_VERSION_MAJOR, _MINOR, _PATCH and EVSEARCH_VERSION_STRING: the
 * version of this header, generated from the build's project version and
 * installed beside it. */
#include "evsearch-version.h"

/* The version of the JSON document that evs_results_json() builds
 * (docs/output-format.md). */
#define EVS_FORMAT_VERSION 1

/* Returns the library's version string, "MAJOR.MINOR.PATCH", which may
 * differ from EVSEARCH_VERSION_STRING when the program was built against
 * another header. Never NULL; static storage. */
EVS_API const char *evs_version(void);

/* What a fallible call reports. Branch on these, not on messages. */
typedef enum evs_status {
	EVS_OK = 0,
	EVS_E_INVALID,      /* bad argument or bad input record: fix and retry */
	EVS_E_NOTFOUND,     /* no index (or no event) where one was expected */
	EVS_E_QUERY_SYNTAX, /* the query cannot be parsed: show the message */
	EVS_E_LOCKED,       /* another process is writing the index */
	EVS_E_MODIFIED,     /* the index changed under a reader: reopen, retry */
	EVS_E_CORRUPT,      /* the index is damaged: rebuild it */
	EVS_E_VERSION,      /* index built with other schema or settings:
	                       rebuild it with this version */
	EVS_E_NOMEM,        /* out of memory */
	EVS_E_IO,           /* the operating system refused (disk full,
	                       permission denied, ...) */
	EVS_E_READONLY,     /* a write was asked of a handle opened read-only */
	EVS_E_CANCELLED,    /* the caller's cancel callback asked to stop */
	EVS_E_BACKEND,      /* an unexpected error inside Xapian */
	EVS_E_REJECTED,     /* a new generation failed its checks; the live
	                       index is unchanged (evs_index_switch) */
	EVS_E_UNAVAILABLE   /* a shard of a cluster could not be reached or
	                       did not answer in time: retry later, or search
	                       with EVS_OPEN_ALLOW_PARTIAL */
} evs_status;

/* Returns a short constant English name for a status ("locked", ...).
 * Never NULL. */
EVS_API const char *evs_status_str(evs_status status);

/* Frees memory the library returned with "free with evs_free". NULL is
 * ignored. */
EVS_API void evs_free(void *ptr);

/* ------------------------------------------------------------------ */
/* Index handles                                                       */

typedef struct evs_index evs_index;

#define EVS_OPEN_READ 0     /* search only */
#define EVS_OPEN_WRITE 1    /* add and delete the live generation's events;
                               takes the index directory's writer lock */
#define EVS_OPEN_CREATE 2   /* with a write mode: create when missing */
/* Write a complete new generation beside the live one, which readers go
 * on using; evs_index_switch() checks it and makes it live at once.
 * Closing the handle without switching removes it. Takes the lock. */
#define EVS_OPEN_REBUILD 4
/* Like EVS_OPEN_REBUILD, but the new generation starts as a copy of the
 * live one; records that are unchanged are left alone, and at the switch
 * events that were not added again are deleted: the index then holds
 * exactly the events given, as a rebuild would. */
#define EVS_OPEN_SYNC 8
/* Like EVS_OPEN_SYNC, but events that were not added again stay: a
 * large batch of records written as a new generation, on several
 * threads, merged and compacted at evs_index_switch(), instead of into
 * the live one (the speed and size of a rebuild; readers see the batch
 * whole or not at all). Closing without switching throws it away. */
#define EVS_OPEN_BATCH 16
/* Reading a cluster (a cluster file, or an index built with shards: see
 * docs/scaling.md): search the shards that answer when some do not,
 * instead of failing with EVS_E_UNAVAILABLE; evs_results_missing()
 * names the others. */
#define EVS_OPEN_ALLOW_PARTIAL 32

typedef struct evs_open_options {
	int version;          /* EVS_OPEN_OPTIONS_VERSION */
	int flags;            /* EVS_OPEN_* bits */
	/* Stemming language for a new index ("english", "french", "none",
	 * any of Xapian's Snowball stemmers). NULL means "english" for a new
	 * index, and the live generation's for a rebuild. An existing index
	 * keeps its own; asking for another one fails with EVS_E_VERSION,
	 * except in a rebuild, which may change it. */
	const char *stemmer;
	/* When another process holds the writer lock: 0 fails at once with
	 * EVS_E_LOCKED, N > 0 waits up to N seconds, -1 waits for ever. */
	int wait_seconds;
	/* EVS_OPEN_REBUILD, _SYNC and _BATCH: threads that build documents
	 * (0: one per processor, at most 4). EVS_OPEN_WRITE writes on the
	 * caller's thread. */
	int threads;
	/* Version 2. Remote shards (tcp://HOST:PORT in a cluster file): the
	 * milliseconds a connection may take, and an answer (0: the
	 * defaults, 10000 and 10000; -1: no limit). A shard past its time
	 * is EVS_E_UNAVAILABLE. */
	int connect_timeout_ms;
	int timeout_ms;
	/* Version 2. EVS_OPEN_REBUILD: build the new generation as this many
	 * shards (2 to 16; 0 or 1: one database), DIR/gen-N/shard-K, each
	 * event in the shard its id's hash gives. Readers search them as
	 * one index; other writers refuse such an index (docs/scaling.md). */
	int shards;
} evs_open_options;

#define EVS_OPEN_OPTIONS_VERSION 2
#define EVS_OPEN_OPTIONS_INIT \
	{EVS_OPEN_OPTIONS_VERSION, EVS_OPEN_READ, NULL, 0, 0, 0, 0, 0}

/* Sets *opts to EVS_OPEN_OPTIONS_INIT as of version (pass
 * EVS_OPEN_OPTIONS_VERSION: the struct as this header declares it, which
 * may be older than the library's). The same holds for the other
 * evs_*_options_init() functions. Statuses: EVS_E_INVALID (opts is NULL,
 * or a version this library does not know; *opts is then unchanged). */
EVS_API evs_status evs_open_options_init(evs_open_options *opts,
                                         int version);

/* Opens the evsearch index directory at path (see docs/schema.md for its
 * layout). opts may be NULL: read-only, default settings.
 * On success *out is a handle to close with evs_index_close().
 * On failure *out is NULL and, when errmsg_out is not NULL, *errmsg_out
 * is a message to free with evs_free() (or NULL when out of memory).
 * Statuses: EVS_E_NOTFOUND (no index there), EVS_E_LOCKED (another
 * writer), EVS_E_VERSION (other schema or settings), EVS_E_CORRUPT,
 * EVS_E_IO, EVS_E_INVALID (path is not an evsearch index). */
EVS_API evs_status evs_index_open(evs_index **out, const char *path,
                                  const evs_open_options *opts,
                                  char **errmsg_out);

/* Commits pending changes (writers), releases the lock and frees the
 * handle. The handle is gone even when this fails; the index then holds
 * its last successful commit. NULL returns EVS_OK. */
EVS_API evs_status evs_index_close(evs_index *idx);

/* The message of the last failed call on idx. Never NULL; valid until
 * the next call on idx. An empty string when nothing failed. */
EVS_API const char *evs_errmsg(const evs_index *idx);

/* Makes everything added or deleted so far durable and visible to new
 * readers. Statuses: EVS_E_IO, EVS_E_READONLY. */
EVS_API evs_status evs_index_commit(evs_index *idx);

/* Brings a reader to the latest committed state of the index, and to the
 * new generation when a rebuild has switched since it was opened (Xapian's
 * own reopen does not follow the switch; this does). Readers are not
 * reopened automatically: a search on a handle opened before a switch
 * answers from the old generation, complete, until this is called. */
EVS_API evs_status evs_index_reopen(evs_index *idx);

/* Turns off the built-in synonyms (evs_index_set_synonyms()). */
#define EVS_SYNONYMS_NO_DEFAULTS 1u

/* Sets the synonym rules of idx's queries (format: docs/query-syntax.md,
 * "Synonyms"): the built-in ones unless flags has
 * EVS_SYNONYMS_NO_DEFAULTS, and those of the file at path, in place of
 * the file "synonyms" in the index directory, which is read otherwise
 * (when it exists) at the first search and again after
 * evs_index_reopen(). path may be NULL: the index directory's file. The
 * rules are read at once; on failure idx keeps no rules of the file and
 * its searches fail the same way until this is called again. Queries
 * with EVS_SEARCH_EXACT use no synonyms. Statuses: EVS_E_INVALID (a bad
 * rule: the message says "file:line: what is wrong"), EVS_E_IO (path
 * cannot be read), EVS_E_NOMEM. */
EVS_API evs_status evs_index_set_synonyms(evs_index *idx, const char *path,
                                          unsigned flags);

/* Facts about an open index, for "evindex --info". Strings are owned by
 * idx and valid until it is closed or reopened. */
typedef struct evs_index_info {
	int version;             /* set by the caller: EVS_INDEX_INFO_VERSION */
	uint64_t events;         /* number of events */
	uint64_t bytes;          /* size of the live generation on disk */
	int schema_version;      /* EVS schema version the index was built with */
	const char *stemmer;     /* "english", ... */
	const char *normalisation; /* the text normalisation's name */
	const char *generation;  /* the live generation's directory name */
	const char *path;        /* the live generation's full path */
} evs_index_info;

#define EVS_INDEX_INFO_VERSION 1

/* Fills *out (whose version the caller sets). */
EVS_API evs_status evs_index_info_get(evs_index *idx, evs_index_info *out);

/* ------------------------------------------------------------------ */
/* Adding and deleting events                                          */

/* What happened to one record. */
typedef enum evs_outcome {
	EVS_ADDED = 0,    /* a new id */
	EVS_REPLACED,     /* an id the index already had */
	EVS_SKIPPED,      /* a bad record: nothing changed */
	EVS_UNCHANGED     /* sync: the index has this very record already */
} evs_outcome;

/* Adds one event given as a JSON object (docs/schema.md; the format of
 * corpus/events.jsonl) of len bytes, replacing any event with the same id.
 * outcome may be NULL. Statuses: EVS_E_INVALID (bad record; evs_errmsg()
 * says which field and why, nothing changed), EVS_E_READONLY, EVS_E_IO,
 * EVS_E_NOMEM. Warnings (a field cut at its limit) are not failures: see
 * evs_index_add_stream() for how to receive them. */
EVS_API evs_status evs_index_add_json(evs_index *idx, const char *json,
                                      size_t len, evs_outcome *outcome);

/* Deletes the event with this id. EVS_E_NOTFOUND when there is none.
 * Through a sync or batch handle, an id whose record it wrote fails with
 * EVS_E_INVALID (its workers' parts delete nothing). */
EVS_API evs_status evs_index_delete(evs_index *idx, const char *id);

/* The formats of a stream of events. */
typedef enum evs_format {
	EVS_FORMAT_AUTO = 0,
	EVS_FORMAT_JSONL,   /* JSON Lines: one record per line */
	EVS_FORMAT_ICS      /* iCalendar (RFC 5545): one record per VEVENT */
} evs_format;

/* A message about one record of a stream. */
typedef enum evs_severity { EVS_WARNING = 0, EVS_ERROR } evs_severity;

typedef struct evs_diag {
	evs_severity severity;
	const char *source;   /* the name given to evs_index_add_stream() */
	uint64_t line;        /* 1-based line of the record, 0 if unknown */
	const char *message;  /* "\"start\": not an ISO 8601 date" */
} evs_diag;

typedef struct evs_add_options {
	int version;  /* EVS_ADD_OPTIONS_VERSION */
	/* Called for every warning and error; may be NULL. The diag and its
	 * strings live only during the call. */
	void (*report)(void *ctx, const evs_diag *diag);
	/* Called between records; returning non-zero stops the stream with
	 * EVS_E_CANCELLED after committing what was added. May be NULL. */
	int (*cancel)(void *ctx);
	/* Called after every record with the number of records read so far.
	 * May be NULL. */
	void (*progress)(void *ctx, uint64_t records);
	void *ctx;
	/* Commit after this many records; 0 means the default, 10000. */
	unsigned commit_every;
	/* Version 2 and later: */
	/* What the stream holds: EVS_FORMAT_AUTO decides by the source name
	 * (".ics" is iCalendar, ".jsonl" JSON Lines), else by the content
	 * (iCalendar begins with BEGIN:VCALENDAR). */
	evs_format format;
	/* iCalendar: recurring events are expanded into their occurrences
	 * from..to (each "YYYY-MM-DD", "YYYY-MM", "YYYY" or "today"); NULL
	 * means a year before today, and two years after it. */
	const char *expand_from;
	const char *expand_to;
} evs_add_options;

#define EVS_ADD_OPTIONS_VERSION 2
#define EVS_ADD_OPTIONS_INIT \
	{EVS_ADD_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, EVS_FORMAT_AUTO, \
	 NULL, NULL}

/* Sets *opts to EVS_ADD_OPTIONS_INIT as of version (1 fills the fields up
 * to commit_every only). See evs_open_options_init(). */
EVS_API evs_status evs_add_options_init(evs_add_options *opts, int version);

/* Counts for one or more streams; the caller zeroes it once and may pass
 * it to several calls to total them. */
typedef struct evs_add_stats {
	uint64_t read;      /* records (non-blank lines) read */
	/* After a failed write in place (EVS_OPEN_WRITE), added, replaced
	 * and unchanged count what the index holds: its last commit. */
	uint64_t added;
	uint64_t replaced;
	uint64_t skipped;   /* bad records, each reported as an EVS_ERROR */
	uint64_t warnings;
	uint64_t unchanged; /* sync: records the index had already */
} evs_add_stats;

/* Reads events from fd (a file descriptor the caller keeps open and
 * closes), named source in messages, and adds every good record: JSON
 * Lines or iCalendar, as opts->format says (docs/schema.md). A UTF-8 BOM
 * and CRLF line ends are accepted, blank lines skipped. A bad record (or
 * VEVENT) is reported and skipped; the others are still added. A
 * recurring VEVENT is one event, with its occurrences in the expansion
 * window. Changes are committed in batches and at the end.
 * Statuses: EVS_OK (even when records were skipped: see stats->skipped),
 * EVS_E_CANCELLED, EVS_E_IO (reading fd or writing the index failed; the
 * index holds its last commit), EVS_E_READONLY, EVS_E_NOMEM. */
EVS_API evs_status evs_index_add_stream(evs_index *idx, int fd,
                                        const char *source,
                                        const evs_add_options *opts,
                                        evs_add_stats *stats);

/* ------------------------------------------------------------------ */
/* Generations: rebuild, sync, switch, rollback                        */

typedef struct evs_switch_options {
	int version;            /* EVS_SWITCH_OPTIONS_VERSION */
	uint64_t min_events;    /* the new generation holds at least this
	                           many events (default 1) */
	/* It may hold at most this many percent fewer events than the live
	 * one; a negative value disables the check (default 20). */
	double max_shrink_percent;
	/* At most this many records were skipped as bad (default 10); a
	 * negative value disables the check. */
	int64_t max_errors;
} evs_switch_options;

#define EVS_SWITCH_OPTIONS_VERSION 1
#define EVS_SWITCH_OPTIONS_INIT {EVS_SWITCH_OPTIONS_VERSION, 1, 20.0, 10}

/* Sets *opts to EVS_SWITCH_OPTIONS_INIT as of version. See
 * evs_open_options_init(). */
EVS_API evs_status evs_switch_options_init(evs_switch_options *opts,
                                           int version);

/* What evs_index_switch() did. Strings are owned by the handle. */
typedef struct evs_switch_report {
	int version;              /* set by the caller */
	uint64_t live_events;     /* events of the generation replaced (0 for
	                             a new index) */
	uint64_t new_events;      /* events of the new generation */
	uint64_t skipped;         /* bad records skipped while building it */
	uint64_t unchanged;       /* sync: records found identical */
	uint64_t deleted;         /* sync: events not given again, deleted */
	uint64_t dropped;         /* rebuild: live events not in the sources,
	                             gone with the switch */
	const char *old_generation; /* NULL for a new index */
	const char *new_generation;
	uint64_t bytes;           /* size of the new generation */
} evs_switch_report;

#define EVS_SWITCH_REPORT_VERSION 1

/* Checks the generation that a handle opened with EVS_OPEN_REBUILD or
 * EVS_OPEN_SYNC has built (it opens, holds the expected events, passes
 * opts: NULL means EVS_SWITCH_OPTIONS_INIT), makes it durable, and makes
 * it live in one atomic step: readers that open the index from then on
 * get it whole. The replaced generation is kept for evs_index_rollback();
 * older ones are removed. report may be NULL. The handle must still be
 * closed. Statuses: EVS_E_REJECTED (a check failed: evs_errmsg() says
 * which; the new generation is removed, the live one untouched), EVS_E_IO,
 * EVS_E_INVALID (not a rebuild handle). */
EVS_API evs_status evs_index_switch(evs_index *idx,
                                    const evs_switch_options *opts,
                                    evs_switch_report *report);

/* Makes the previous generation live again (and the current one the
 * previous, so that a second rollback undoes the first). opts: as for
 * evs_index_open (wait_seconds is used). Statuses: EVS_E_NOTFOUND (no
 * previous generation), EVS_E_LOCKED, EVS_E_IO. */
EVS_API evs_status evs_index_rollback(const char *path,
                                      const evs_open_options *opts,
                                      char **errmsg_out);

/* ------------------------------------------------------------------ */
/* Searching                                                           */

typedef enum evs_sort {
	EVS_SORT_DEFAULT = 0, /* relevance with a query, else newest first */
	EVS_SORT_RELEVANCE,
	EVS_SORT_DATE,        /* oldest first */
	EVS_SORT_DATE_DESC    /* newest first */
} evs_sort;

/* Bits for evs_search_options.flags. */
#define EVS_SEARCH_ALL_WORDS 1u /* every word required (default: any) */
#define EVS_SEARCH_PLAIN 2u     /* the query is plain words: no operators,
                                   phrases, prefixes or wildcards */
#define EVS_SEARCH_NO_FACETS 4u /* skip facet counting (faster) */
#define EVS_SEARCH_NO_SNIPPETS 8u /* evs_results_json() gives null
                                   snippets */
#define EVS_SEARCH_CANCELLED 16u  /* also events whose status is
                                     "cancelled" (left out by default) */
#define EVS_SEARCH_OCCURRENCES 32u /* evs_results_json() lists every
                                      matching occurrence of each hit */
#define EVS_SEARCH_NO_HITS 64u /* no page of hits (limit is then 0): the
                                  total and the facets only */
#define EVS_SEARCH_EXPAND 128u /* feedback, now the default (see
                                  EVS_SEARCH_NO_EXPAND): changes nothing */
#define EVS_SEARCH_EXACT 256u /* no spelling correction or suggestion,
                                 no synonyms */
#define EVS_SEARCH_PREFIX 512u /* the last word, when nothing follows it,
                                  is a prefix (search as you type) */
#define EVS_SEARCH_NO_EXPAND 1024u /* no pseudo-relevance feedback. By
                                      default the best words of the top
                                      matches reorder the matches (none
                                      is added; docs/ranking.md) */

typedef struct evs_search_options {
	int version;   /* EVS_SEARCH_OPTIONS_VERSION */
	unsigned flags;
	/* Date range, each "YYYY", "YYYY-MM", "YYYY-MM-DD" or "today", or
	 * NULL for open-ended. An event matches when its start..end (local
	 * dates) overlaps from..to, both inclusive; an event with
	 * occurrences (a recurring VEVENT) when one of them does. */
	const char *from;
	const char *to;
	/* Exact organiser names and tags (compared after normalisation).
	 * Values of one kind OR together, different kinds AND. */
	const char *const *organisers;
	size_t n_organisers;
	const char *const *tags;
	size_t n_tags;
	evs_sort sort;
	size_t offset;
	size_t limit;   /* 0 means 10 */
	/* The facets to count, as EVS_FACET_BIT(f) bits; 0 means all. Each
	 * costs time on every match: a program that shows two asks for two. */
	unsigned facets;
} evs_search_options;

#define EVS_SEARCH_OPTIONS_VERSION 1
#define EVS_SEARCH_OPTIONS_INIT \
	{EVS_SEARCH_OPTIONS_VERSION, 0u, NULL, NULL, NULL, 0, NULL, 0, \
	 EVS_SORT_DEFAULT, 0, 0, 0u}

/* Sets *opts to EVS_SEARCH_OPTIONS_INIT as of version. See
 * evs_open_options_init(). */
EVS_API evs_status evs_search_options_init(evs_search_options *opts,
                                           int version);

typedef struct evs_results evs_results;

/* Searches idx for query (NULL or "" lists every event that passes the
 * filters). opts may be NULL for defaults. On success *out holds the
 * page of hits, the exact total and the facets; free it with
 * evs_results_free(). It does not refer to idx after this call.
 * Statuses: EVS_E_QUERY_SYNTAX and EVS_E_INVALID (bad option: a date)
 * with a message for the user, EVS_E_CORRUPT, EVS_E_IO, EVS_E_NOMEM. A
 * concurrent writer never makes this fail: the search is retried on the
 * newest committed state. */
EVS_API evs_status evs_search(evs_results **out, evs_index *idx,
                              const char *query,
                              const evs_search_options *opts);

EVS_API void evs_results_free(evs_results *res);

/* Exact number of matching events. */
EVS_API uint64_t evs_results_total(const evs_results *res);
/* Number of hits on this page (at most limit). */
EVS_API size_t evs_results_count(const evs_results *res);
EVS_API size_t evs_results_offset(const evs_results *res);
EVS_API size_t evs_results_limit(const evs_results *res);

/* The shards of a cluster that were left out of these results (opened
 * with EVS_OPEN_ALLOW_PARTIAL; see docs/scaling.md): the i-th of them, as
 * its cluster file names it ("tcp://10.0.0.2:7001", a path), valid until
 * res is freed; NULL past the last. Totals and facets then count the
 * other shards only. */
EVS_API const char *evs_results_missing(const evs_results *res, size_t i);

/* The query with its misspelt words corrected from the index's own words
 * (docs/query-syntax.md, "Spelling"), or NULL when no word needed it or
 * EVS_SEARCH_EXACT was given. Owned by res, valid until
 * evs_results_free(). */
EVS_API const char *evs_results_suggestion(const evs_results *res);
/* 1 when the results are those of evs_results_suggestion() (a corrected
 * word had no or far fewer matches as typed), 0 when the suggestion is
 * only offered or there is none. */
EVS_API int evs_results_corrected(const evs_results *res);

/* The organiser the i-th organiser filter of the search was read as
 * (normalised, as "eu cyber direct"), when that filter matched no event
 * and one organiser's name was closer to it than any other's (one or
 * two letters off); NULL when it was used as given, or with
 * EVS_SEARCH_EXACT. When several names are equally close, evs_search()
 * fails with EVS_E_INVALID and its message lists them. Owned by res,
 * valid until evs_results_free(). */
EVS_API const char *evs_results_organiser_meant(const evs_results *res,
                                                size_t i);

/* Fields of hit i (0 <= i < evs_results_count()). Strings are owned by
 * res and valid until evs_results_free(); a missing field is NULL. Dates
 * are returned as the record gave them (ISO 8601). */
EVS_API const char *evs_hit_id(const evs_results *res, size_t i);
EVS_API double evs_hit_score(const evs_results *res, size_t i);
EVS_API const char *evs_hit_title(const evs_results *res, size_t i);
EVS_API const char *evs_hit_start(const evs_results *res, size_t i);
EVS_API const char *evs_hit_end(const evs_results *res, size_t i);
EVS_API const char *evs_hit_location(const evs_results *res, size_t i);
EVS_API const char *evs_hit_url(const evs_results *res, size_t i);

/* The list fields of a hit. */
typedef enum evs_list {
	EVS_LIST_ORGANISERS = 0,
	EVS_LIST_PARTICIPANTS, /* names only */
	EVS_LIST_TAGS,
	EVS_LIST_TOPICS
} evs_list;

EVS_API size_t evs_hit_list_count(const evs_results *res, size_t i,
                                  evs_list list);
EVS_API const char *evs_hit_list_item(const evs_results *res, size_t i,
                                      evs_list list, size_t j);

/* The status of hit i as its record gives it ("confirmed", "tentative",
 * "cancelled"), or NULL. */
EVS_API const char *evs_hit_status(const evs_results *res, size_t i);

/* Occurrences: every event has at least one (its start and end); a
 * recurring event has those of its expansion window. These are the ones
 * that match the search's date range (all of them without one), in
 * chronological order: their number, and the start and end of
 * occurrence j (end NULL when it has none). Strings are owned by res. */
EVS_API size_t evs_hit_occurrence_count(const evs_results *res, size_t i);
EVS_API const char *evs_hit_occurrence_start(const evs_results *res,
                                             size_t i, size_t j);
EVS_API const char *evs_hit_occurrence_end(const evs_results *res, size_t i,
                                           size_t j);
/* The index j of hit i's next occurrence: the first matching one that
 * ends on or after the search's from date (today when there is none);
 * the last one when all are earlier. */
EVS_API size_t evs_hit_next_occurrence(const evs_results *res, size_t i);

/* The whole stored record of hit i as compact JSON. */
EVS_API const char *evs_hit_record(const evs_results *res, size_t i);

/* A snippet of hit i's description around the matched words ("" when it
 * has no description),
 * each match wrapped in open and close (neither may be NULL), at most
 * about 240 bytes of text, "…" (U+2026) where cut. Returns NULL when out of
 * memory; free with evs_free(). */
EVS_API char *evs_hit_snippet(const evs_results *res, size_t i,
                              const char *open, const char *close);

/* Facets: exact counts over every matching event. Later versions may add
 * facets after these: a program enumerates the library's own with
 * evs_facet_name(), which returns NULL past the last one. */
typedef enum evs_facet {
	EVS_FACET_ORGANISER = 0, /* most frequent first */
	EVS_FACET_YEAR,          /* "2022", chronological */
	EVS_FACET_MONTH,         /* "2022-05", chronological */
	EVS_FACET_TAG,           /* most frequent first */
	EVS_FACET_TOPIC          /* most frequent first */
} evs_facet;

/* The bit of a facet in evs_search_options.facets. */
#define EVS_FACET_BIT(f) (1u << (f))

/* Its JSON key: "organiser", "year", "month", "tag", "topic"; NULL for a
 * value that is no facet of this library (so that
 * "for (f = 0; evs_facet_name(f); f++)" visits every facet). */
EVS_API const char *evs_facet_name(evs_facet facet);
EVS_API size_t evs_facet_count(const evs_results *res, evs_facet facet);
/* Value j of a facet and, when count is not NULL, its count. */
EVS_API const char *evs_facet_value(const evs_results *res, evs_facet facet,
                                    size_t j, uint64_t *count);

/* The results as the versioned JSON document of docs/output-format.md
 * (what "evsearch --json" prints), with a newline at the end. Returns NULL
 * when out of memory; free with evs_free(). */
EVS_API char *evs_results_json(const evs_results *res);

/* Runs the search that request describes and returns what evsearch
 * --json prints for it: the whole of evsearch in one call, for programs
 * that find JSON easier than C structures. request is a JSON object whose
 * keys mirror evsearch's options, every one optional:
 *   {"query": "cyber treaty", "all": false, "plain": false,
 *    "from": "2022", "to": "2022-06", "organisers": ["EU Cyber Direct"],
 *    "tags": ["cybercrime"], "sort": "relevance" | "date" | "-date",
 *    "limit": 10, "offset": 0, "facets": true, "cancelled": false,
 *    "occurrences": false}
 * ("organisers" and "tags" also take one string). An unknown key is an
 * error, so that a typo does not go unnoticed. On EVS_OK *out is the
 * response (docs/output-format.md) to free with evs_free(); otherwise
 * *out is NULL and evs_errmsg(idx) says why. Statuses: those of
 * evs_search(), and EVS_E_INVALID for a malformed request. */
EVS_API evs_status evs_search_json(char **out, evs_index *idx,
                                   const char *request);

#ifdef __cplusplus
}
#endif

#endif /* EVSEARCH_H */
