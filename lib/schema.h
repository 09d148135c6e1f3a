/* schema.h: how event fields become Xapian terms and values. The table in
 * schema.c drives both indexing (event.c) and query parsing (query.c);
 * docs/schema.md describes it for people.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_SCHEMA_H
#define EVS_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "normalize.h"

/* Bump when terms, values or the stored record change meaning: indexes of
 * another version are refused with "rebuild the index". */
#define EVS_SCHEMA_VERSION 5

/* Metadata keys stored in every index. */
#define EVS_META_SCHEMA "evsearch.schema_version"
#define EVS_META_STEMMER "evsearch.stemmer"
#define EVS_META_NORMALISATION "evsearch.normalisation"
/* "1" when every form the database has was also filed as a metadata key
 * (XS_FORM_KEY, xapian-shim.h): written when a database is made. */
#define EVS_META_FORM_KEYS "evsearch.form_keys"
/* Value slots. */
enum {
	EVS_SLOT_SORT = 0,       /* UTC instant of start, "YYYYMMDDhhmmss" */
	EVS_SLOT_ID = 1,         /* the id: the tie-break of every order */
	EVS_SLOT_START_DATE = 2, /* local start date, "YYYYMMDD" */
	EVS_SLOT_END_DATE = 3,   /* local end date (start when none) */
	/* 4 and 5 (year, month) are no longer written. */
	EVS_SLOT_HASH = 6, /* SHA-256 of the stored record: --sync leaves
	                      records whose hash is unchanged alone */
	/* Every facet value of the event, as a list of items (see
	 * xs_doc_list_add) whose group is the evs_facet: each organiser, tag
	 * and topic (a value given twice, or spelt alike, once), and the
	 * "YYYY-MM" (EVS_FACET_MONTH) and "YYYY" (EVS_FACET_YEAR) of the local
	 * start date and, for an event with occurrences, of each occurrence,
	 * each once. A search reads this one value per match to count every
	 * facet. */
	EVS_SLOT_FACETS = 7
};

/* Items kept of a multi-valued facet field (organisers, tags, topics);
 * more are cut with a warning (docs/limits.md). */
#define EVS_MAX_MULTI 32

/* Occurrences of one event that are indexed ("occurrences" of a record,
 * the expansion of a recurring VEVENT); later ones are left out with a
 * warning. Each occurrence covers at most EVS_MAX_OCCURRENCE_DAYS days
 * of date terms. */
#define EVS_MAX_OCCURRENCES ((size_t)1000)
#define EVS_MAX_OCCURRENCE_DAYS 366

/* Terms of events with occurrences: the marker, and one term per year,
 * month and day an occurrence covers ("XDY2026", "XDM202603",
 * "XDD20260315"), so that a date filter finds the event by any of them. */
#define EVS_TERM_RECURS "XR"
#define EVS_PREFIX_DAY_Y "XDY"
#define EVS_PREFIX_DAY_M "XDM"
#define EVS_PREFIX_DAY_D "XDD"

/* The synonym table files each indexed word whose stem differs from it
 * under "Z" + its stem; the stem itself has no term (stem_query() in
 * query.c looks for every form filed under the stem of a query word). */
#define EVS_PREFIX_FORMS "Z"

/* The term of a cancelled event ("status": "cancelled"): searches leave
 * such events out unless asked. */
#define EVS_TERM_CANCELLED "XSTcancelled"

/* The unique term of an event is "Q" + id; an id that would make a term
 * longer than Xapian allows is hashed: "XQH" + SHA-256 hex. */
#define EVS_PREFIX_ID "Q"
#define EVS_PREFIX_ID_HASH "XQH"
#define EVS_MAX_ID_TERM 240

/* Positions left empty between fields and between list items, so that a
 * phrase cannot match across them. */
#define EVS_FIELD_GAP 100

/* Ranking: BM25 parameters, and how much more a title word weighs (its
 * wdf: changing it needs a reindex; K1 and B act at search time). Tuned
 * on the CISI collection with scripts/ireval (76 judged queries, top
 * 1000): a grid of k1 0.9/1.2/1.5/2.0 x b 0.5/0.65/0.75/0.85 x title
 * weight 1/2/3/4. k1 matters most (MAP 0.195-0.203 at 0.9, 0.211-0.220
 * at 2.0), b next, the title weight little (2 and 3 within noise). k1 2.0,
 * b 0.85, title 3: MAP 0.2199 P@10 0.3487 nDCG@10 0.3833 R@100 0.4398,
 * against 0.2080 0.3421 0.3672 0.4259 with 1.2, 0.75, 3 and SQLite FTS5's
 * 0.2093 0.3355 0.3639. Higher k1 (3.0) and b (1.0) gain only ~0.004 MAP,
 * not significantly, and only because common words are not stopped. */
#define EVS_BM25_K1 2.0
#define EVS_BM25_B 0.85
#define EVS_TITLE_WEIGHT 3

/* How much more the AND of a query's words weighs than their OR (see
 * every_word() in query.c): large enough that events matching every word
 * rank first. */
#define EVS_EVERY_WORD_BOOST 1000.0

/* The size of a buffer for a word term: a prefix and a word (or a stem,
 * which may be somewhat longer than its word). */
#define EVS_TERM_BUF (EVS_MAX_WORD * 2 + 16)

/* Builds a word term, prefix + word, in out (EVS_TERM_BUF bytes), the
 * word cut to fit; the indexer and the query parser build terms alike.
 * Returns its length. */
size_t evs_schema__term(char *out, const char *prefix, const char *word,
                        size_t len);

/* Builds a boolean term: prefix + a normalised whole value, cut (at a
 * character boundary) so that the term fits EVS_MAX_ID_TERM bytes. The
 * indexer and both query paths (tag:, --tag, ...) use it, so that they cut
 * alike. out must hold EVS_MAX_ID_TERM + 1 bytes. Returns the length. */
size_t evs_schema__exact_term(char *out, const char *prefix, const char *value,
                              size_t len);

/* Kinds of record field. */
typedef enum evs_field_kind {
	EVS_FIELD_TEXT,   /* a string */
	EVS_FIELD_LIST,   /* an array of strings */
	EVS_FIELD_PEOPLE, /* an array of strings or {"name", "role"} objects */
	EVS_FIELD_ID      /* the id: one term of the value as given (not
	                     normalised), no words, no position */
} evs_field_kind;

/* One field of an event record: how the indexer turns it into terms and
 * values, and which "name:" of a query searches it. A query "name:"
 * searches the field's word terms (prefix) when it has them, else its
 * whole values (exact_prefix): evs_schema__query_prefix(). */
typedef struct evs_field {
	const char *key;      /* JSON key in the record */
	const char *names[4]; /* "name:" in queries, NULL-terminated; the
	                         first is the one messages name */
	evs_field_kind kind;
	const char *prefix;       /* word terms (with positions); NULL: none */
	const char *exact_prefix; /* whole normalised value as a boolean term
	                             (the id: as given, see id_term) */
	int slot;                 /* its value slot (EVS_SLOT_*), or -1 */
	int facet;                /* its evs_facet in EVS_SLOT_FACETS, or -1 */
	unsigned wdf;             /* weight in free text; 0: not free text */
	size_t max_bytes;         /* each value is cut to this many bytes */
	size_t max_items;         /* list fields: items kept */
} evs_field;

/* The fields, text fields in the order their text is positioned, the id
 * last. */
extern const evs_field evs_schema__fields[];
extern const size_t evs_schema__nfields;

/* The query parser sees the same rows. */
typedef evs_field evs_query_field;

/* Returns the field called name (n bytes, any case) in queries, or
 * NULL. */
const evs_field *evs_schema__query_field(const char *name, size_t n);

/* The prefix of the terms that "name:" of field f searches. */
const char *evs_schema__query_prefix(const evs_field *f);

/* Whether "name:" of f matches whole values (tag:, topic:, id:) rather
 * than words. */
int evs_schema__whole_value(const evs_field *f);

/* The field whose values are counted as facet, or NULL (month, year). */
const evs_field *evs_schema__facet_field(int facet);

/* The prefix of the co-occurrence terms of the forms of a stem in the
 * field of word prefix field_prefix ("" for free text): "Z" + it, in out
 * (EVS_FORMS_PREFIX_BUF bytes). forms.c writes them, query.c reads them. */
#define EVS_FORMS_PREFIX_BUF 16
void evs_schema__forms_prefix(char *out, const char *field_prefix);

/* The unique term for an id: "Q" + id, or "XQH" + SHA-256 hex of it when
 * that would be longer than EVS_MAX_ID_TERM. Returns 0, or -1 when out of
 * memory. */
int evs_schema__id_term(const char *id, size_t len, evs_buf *out);

/* A 64-bit hash of an id (FNV-1a, never 0): to notice repeated ids and
 * to give each id its rebuild worker. Not for uniqueness: see id_term. */
uint64_t evs_schema__id_hash(const char *id, size_t len);

#endif
