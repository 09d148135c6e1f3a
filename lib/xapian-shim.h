/* xapian-shim.h: a plain C interface over the parts of libxapian that
 * libevsearch uses. Implemented in xapian-shim.cc, the only C++ file in the
 * tree; every function catches every exception and turns it into an
 * evs_status with a message in err (XS_ERRLEN bytes).
 *
 * The shim knows nothing about events: terms, values and documents only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef EVS_XAPIAN_SHIM_H
#define EVS_XAPIAN_SHIM_H

#include <stddef.h>
#include <stdint.h>

#include "evsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XS_ERRLEN 512

/* No exception ever leaves the shim. */
#ifdef __cplusplus
#define XS_NOEXCEPT noexcept
#else
#define XS_NOEXCEPT
#endif

typedef struct xs_db xs_db;
typedef struct xs_doc xs_doc;
typedef struct xs_query xs_query;
typedef struct xs_stem xs_stem;
typedef struct xs_mset xs_mset;

/* Databases. A writer opened with create 1 makes a new database when
 * none exists; with create 2 it also replaces an existing one. */
evs_status xs_db_open_reader(xs_db **out, const char *path,
                             char *err) XS_NOEXCEPT;
evs_status xs_db_open_writer(xs_db **out, const char *path, int create,
                             char *err) XS_NOEXCEPT;
/* A writer for a generation that is not live yet: no fsync at commits
 * (the caller syncs the files before the switch). overwrite != 0 creates
 * a new database, else opens the one at path. */
evs_status xs_db_open_fresh(xs_db **out, const char *path, int overwrite,
                            char *err) XS_NOEXCEPT;
/* Commits (writers) and frees. */
evs_status xs_db_close(xs_db *db, char *err) XS_NOEXCEPT;
evs_status xs_db_commit(xs_db *db, char *err) XS_NOEXCEPT;
evs_status xs_db_reopen(xs_db *db, char *err) XS_NOEXCEPT;
evs_status xs_db_doccount(const xs_db *db, uint64_t *out,
                          char *err) XS_NOEXCEPT;
evs_status xs_db_termfreq(const xs_db *db, const char *term, size_t len,
                          uint64_t *out, char *err) XS_NOEXCEPT;
/* The term frequencies of n terms at once: term k is terms[ends[k-1]]
 * (0 for k = 0) up to terms[ends[k]]. With remote databases, one search
 * whose statistics carry them all: a round trip per server instead of one
 * per term. */
evs_status xs_db_termfreqs(const xs_db *db, const char *terms,
                           const size_t *ends, size_t n, uint64_t *out,
                           char *err) XS_NOEXCEPT;
/* Calls fn for each metadata key of db that begins with prefix, in byte
 * order, until fn returns nonzero. For a database of several, only the
 * first one's keys. */
evs_status xs_db_each_metadata_key(const xs_db *db, const char *prefix,
                                   size_t len,
                                   int (*fn)(void *ctx, const char *key,
                                             size_t len),
                                   void *ctx, char *err) XS_NOEXCEPT;
/* The sum of the wdfs of term over all documents. */
evs_status xs_db_collfreq(const xs_db *db, const char *term, size_t len,
                          uint64_t *out, char *err) XS_NOEXCEPT;
/* *out is malloc'ed and NUL-terminated ("" when unset). */
evs_status xs_db_get_metadata(const xs_db *db, const char *key, char **out,
                              char *err) XS_NOEXCEPT;
evs_status xs_db_set_metadata(xs_db *db, const char *key, const char *value,
                              char *err) XS_NOEXCEPT;
/* Replaces the document indexed by unique term (adding when none has it).
 * fresh: the caller knows that no document has the term (the first
 * record of an id in a new database, or the writer's termfreq of the term,
 * which counts its pending changes, is 0), so the document is added without
 * looking the term up, which saves a lookup in the pending changes and
 * the tables per document. */
evs_status xs_db_replace(xs_db *db, const char *uterm, size_t len,
                         const xs_doc *doc, int fresh, char *err) XS_NOEXCEPT;
evs_status xs_db_delete(xs_db *db, const char *uterm, size_t len,
                        char *err) XS_NOEXCEPT;

/* The value in slot of the document indexed by unique term uterm: *out
 * is malloc'ed ("" when there is no such document or value). */
evs_status xs_db_value_by_term(const xs_db *db, const char *uterm, size_t len,
                               unsigned slot, char **out,
                               char *err) XS_NOEXCEPT;
/* Calls fn for every document's value in slot (in docid order); fn
 * returns non-zero to stop. */
evs_status xs_db_each_value(const xs_db *db, unsigned slot,
                            int (*fn)(void *ctx, unsigned docid,
                                      const char *val, size_t len),
                            void *ctx, char *err) XS_NOEXCEPT;
/* Calls fn for every term that begins with prefix, in order; fn returns
 * non-zero to stop. */
evs_status xs_db_each_term(const xs_db *db, const char *prefix,
                           int (*fn)(void *ctx, const char *term, size_t len),
                           void *ctx, char *err) XS_NOEXCEPT;
evs_status xs_db_delete_docid(xs_db *db, unsigned docid, char *err) XS_NOEXCEPT;
/* The docid of the document indexed by unique term uterm (0: none). */
evs_status xs_db_docid_by_term(const xs_db *db, const char *uterm, size_t len,
                               unsigned *out, char *err) XS_NOEXCEPT;

/* Merges the databases at sources[0..n) into a new, compact database at
 * dest (docids renumbered; user metadata taken from the first source). */
evs_status xs_compact(const char *const *sources, size_t n, const char *dest,
                      char *err) XS_NOEXCEPT;

/* Documents under construction. */
evs_status xs_doc_new(xs_doc **out, char *err) XS_NOEXCEPT;
void xs_doc_free(xs_doc *doc) XS_NOEXCEPT;
evs_status xs_doc_posting(xs_doc *doc, const char *term, size_t len,
                          unsigned pos, unsigned wdf_inc,
                          char *err) XS_NOEXCEPT;
evs_status xs_doc_term(xs_doc *doc, const char *term, size_t len,
                       unsigned wdf_inc, char *err) XS_NOEXCEPT;
evs_status xs_doc_value(xs_doc *doc, unsigned slot, const char *val, size_t len,
                        char *err) XS_NOEXCEPT;
/* Word forms: records that form belongs under key in the synonym table of
 * the database the document is added to (xs_db_replace adds it once;
 * compaction merges the tables of several databases). xs_db_each_form
 * calls fn for each form under key, in byte order, until fn returns
 * nonzero. The indexer keys the words of the index by their stem, so that
 * a query finds every form of a stem without a term of its own for the
 * stem. */
evs_status xs_doc_form(xs_doc *doc, const char *key, size_t klen,
                       const char *form, size_t flen, char *err) XS_NOEXCEPT;
/* Each form is also a metadata key, XS_FORM_KEY + key + '\0' + form (value
 * "1"), which a remote server lists (it serves no synonym table): one
 * round trip for the forms of a stem. A key longer than XS_FORM_KEY_MAX
 * bytes is written as XS_FORM_KEY + key + '\0' + "\xff" instead (no form
 * is that byte), which tells a reader to look the forms up another way;
 * for a key where even that is too long, nothing is written. */
#define XS_FORM_KEY "evsearch.form:"
#define XS_FORM_KEY_MAX 240
evs_status xs_db_each_form(const xs_db *db, const char *key, size_t len,
                           int (*fn)(void *ctx, const char *form, size_t len),
                           void *ctx, char *err) XS_NOEXCEPT;
evs_status xs_doc_data(xs_doc *doc, const char *data, size_t len,
                       char *err) XS_NOEXCEPT;

/* Item lists: a value slot may hold a list of items, each a group (a small
 * number, 0..XS_MAX_GROUPS-1, that the caller gives its own meaning) and
 * some bytes. A search counts the items of a list slot over every match
 * with one value read per matching document (see xs_search_params).
 * Appends one item to the list in slot of doc. */
#define XS_MAX_GROUPS 8
evs_status xs_doc_list_add(xs_doc *doc, unsigned slot, unsigned group,
                           const char *val, size_t len, char *err) XS_NOEXCEPT;

/* Snowball stemmers. xs_stem_new("none") stems nothing. */
evs_status xs_stem_new(xs_stem **out, const char *lang, char *err) XS_NOEXCEPT;
void xs_stem_free(xs_stem *st) XS_NOEXCEPT;
/* Writes the stem of word into out (capacity cap, NUL-terminated); the
 * stem is cut to fit. Returns its length. */
size_t xs_stem_word(xs_stem *st, const char *word, size_t len, char *out,
                    size_t cap) XS_NOEXCEPT;

/* Query trees. A constructor takes ownership of the subqueries it is
 * given, also when it fails. */
typedef enum xs_op {
	XS_OP_AND,
	XS_OP_OR,
	XS_OP_AND_NOT,
	XS_OP_AND_MAYBE,
	XS_OP_FILTER,
	XS_OP_PHRASE,
	XS_OP_SYNONYM /* one term of the sum of the wdfs (forms of a word) */
} xs_op;

evs_status xs_query_term(xs_query **out, const char *term, size_t len,
                         unsigned pos, char *err) XS_NOEXCEPT;
evs_status xs_query_match_all(xs_query **out, char *err) XS_NOEXCEPT;
evs_status xs_query_combine(xs_query **out, xs_op op, xs_query **subs, size_t n,
                            char *err) XS_NOEXCEPT;
/* Terms beginning with prefix: the max_expansion most frequent of them
 * when there are more. */
evs_status xs_query_wildcard(xs_query **out, const char *prefix,
                             unsigned max_expansion, char *err) XS_NOEXCEPT;
/* Documents whose value in slot is <= hi (ge == 0) or >= lo (ge != 0). */
evs_status xs_query_value_cmp(xs_query **out, unsigned slot, int ge,
                              const char *bound, char *err) XS_NOEXCEPT;
evs_status xs_query_scale(xs_query **out, xs_query *sub, double factor,
                          char *err) XS_NOEXCEPT;
/* A second handle on q (queries are immutable and shared). */
evs_status xs_query_clone(xs_query **out, const xs_query *q,
                          char *err) XS_NOEXCEPT;
void xs_query_free(xs_query *q) XS_NOEXCEPT;

/* A search. */
typedef struct xs_search_params {
	int sort;         /* 0 relevance; else sort by sort_slot */
	int sort_reverse; /* with sort: descending */
	unsigned sort_slot;
	unsigned tiebreak_slot; /* ascending, after the main order */
	size_t offset, limit;
	double bm25_k1, bm25_b;
	/* The items of the list slot count_slot (xs_doc_list_add) to count
	 * over every match: bit g of count_groups counts group g (0: count
	 * nothing). Each item counts once per document that has it. */
	unsigned count_slot;
	unsigned count_groups;
	/* The weighting scheme (xs_scheme; 0, BM25, uses bm25_k1 and bm25_b)
	 * and its parameters (see xs_scheme). */
	int scheme;
	double scheme_param[2];
	/* Pseudo-relevance feedback, for the order by relevance only (0
	 * fb_terms: none). The matches, their total and their counts stay
	 * those of q; their order becomes that of q AND_MAYBE the fb_terms
	 * best words (Xapian's ESet) of q's top fb_docs matches, each scaled
	 * to at most fb_weight of the best one's weight. fb_flags: XS_FB_*.
	 * A word is a term without a prefix (no ASCII capital first) and one
	 * for which fb_skip, if set, returns 0. */
	unsigned fb_docs, fb_terms, fb_flags;
	double fb_weight;
	int (*fb_skip)(const char *term, size_t len);
} xs_search_params;

enum {
	XS_FB_BO1 = 1,        /* DFR's Bo1 expand weights, not Xapian's trad */
	XS_FB_QUERY_TERMS = 2 /* the query's own terms may be chosen too */
};

evs_status xs_search(xs_mset **out, xs_db *db, const xs_query *q,
                     const xs_search_params *p, char *err) XS_NOEXCEPT;
void xs_mset_free(xs_mset *ms) XS_NOEXCEPT;
uint64_t xs_mset_total(const xs_mset *ms) XS_NOEXCEPT;
size_t xs_mset_size(const xs_mset *ms) XS_NOEXCEPT;
double xs_mset_weight(const xs_mset *ms, size_t i) XS_NOEXCEPT;
/* The document data of hit i: a pointer into ms, valid until freed. */
const char *xs_mset_data(const xs_mset *ms, size_t i, size_t *len) XS_NOEXCEPT;
/* Value j of group g counted over the matches (in no particular order):
 * pointer valid until ms is freed; NULL past the end. */
const char *xs_mset_count_value(const xs_mset *ms, unsigned g, size_t j,
                                size_t *len, uint64_t *count) XS_NOEXCEPT;

/* Ranking. Only Xapian's built-in weighting schemes, which a remote
 * database (xapian-tcpsrv) also knows. The parameters of
 * xs_search_params.scheme_param: */
typedef enum xs_scheme {
	XS_SCHEME_BM25 = 0, /* bm25_k1, bm25_b */
	XS_SCHEME_BM25PLUS, /* bm25_k1, bm25_b; delta scheme_param[0] */
	XS_SCHEME_DLH,      /* parameter-free divergence from randomness */
	XS_SCHEME_DPH,      /* the same, another normalisation */
	XS_SCHEME_PL2,      /* c scheme_param[0] */
	XS_SCHEME_LM        /* Dirichlet smoothing, mu scheme_param[0] */
} xs_scheme;

/* Terms near each other: n subqueries (terms, or ORs of terms) that
 * occur within window positions. Weighs what its subqueries weigh.
 * Takes ownership of the subqueries. */
evs_status xs_query_near(xs_query **out, xs_query **subs, size_t n,
                         unsigned window, char *err) XS_NOEXCEPT;

/* Remote databases and databases searched together (shards). Opens the
 * database a xapian-tcpsrv serves at host:port; timeout_ms bounds each
 * exchange with it, connect_timeout_ms the connection (0: no limit).
 * A server that cannot be reached or does not answer in time gives
 * EVS_E_UNAVAILABLE, here and in any later call on the handle. */
evs_status xs_db_open_remote(xs_db **out, const char *host, unsigned port,
                             unsigned timeout_ms, unsigned connect_timeout_ms,
                             char *err) XS_NOEXCEPT;
/* A reader of no database, to xs_db_add shards to. */
evs_status xs_db_open_empty(xs_db **out, char *err) XS_NOEXCEPT;
/* Adds the databases of the reader part to the reader db, which keeps
 * its own reference to them (part stays the caller's to close). Their
 * docids then interleave: docid d of the whole is in part (d - 1) % n. */
evs_status xs_db_add(xs_db *db, const xs_db *part, char *err) XS_NOEXCEPT;
/* Adds the local database at path to the reader db. */
evs_status xs_db_add_path(xs_db *db, const char *path, char *err) XS_NOEXCEPT;
/* Whether some database of db is remote. */
int xs_db_is_remote(const xs_db *db) XS_NOEXCEPT;
/* Which of the databases searched together (in the order they were
 * added, from 0) hit i of ms came from. */
size_t xs_mset_part(const xs_mset *ms, size_t i) XS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
