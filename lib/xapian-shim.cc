// xapian-shim.cc: the one C++ file of evsearch. Every extern "C" function
// below has the same shape: try { ...; return EVS_OK; } catch (...) {
// return xs_fail(err); }. xs_fail rethrows the exception to sort it into an
// evs_status, most-derived class first, and copies its message.
// SPDX-License-Identifier: GPL-3.0-or-later

#include "xapian-shim.h"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

// The size of the B-tree blocks of the databases we create (Xapian's
// default is 8 KiB; it takes 2 KiB to 64 KiB). Xapian reads a block with
// one pread(2), and a search that counts facets reads the facet value of
// nearly every block of that stream: at 100,000 events, 32 KiB blocks
// took 14% less CPU time for a faceted search than 8 KiB (16 KiB: 10%,
// 64 KiB: 15%), 2.5% more for a plain one (a lookup copies a bigger
// block), and made the index 3% smaller (fewer part-filled blocks).
// Existing databases keep the size they were made with.
#define XS_BLOCK_SIZE 32768

// Word forms a writer has already recorded (see xs_doc_form): "key\0form"
// strings. A cache, not a record: when it holds XS_FORMS_SEEN entries it
// is emptied, and a form recorded again costs one more add_synonym (which
// changes nothing), so memory stays bounded whatever the vocabulary.
#define XS_FORMS_SEEN 200000

struct xs_db {
	Xapian::Database *db;          // reader, or the writer below
	Xapian::WritableDatabase *wdb; // NULL for readers
	std::unordered_set<std::string> forms_seen;
	// Some of its databases are remote (xs_db_open_remote): facets are
	// counted with a spy the server knows (see count_lists).
	bool remote = false;
};

struct xs_doc {
	Xapian::Document doc;
	// (key, form) pairs for the database's synonym table, added with
	// the document.
	std::vector<std::pair<std::string, std::string>> forms;
};

struct xs_query {
	Xapian::Query q;
};

struct xs_stem {
	Xapian::Stem stem;
};

struct xs_mset {
	uint64_t total;
	// The hits, in order: weights and document data.
	std::vector<double> weights;
	std::vector<std::string> data;
	// Their docids, and the number of databases searched together, whose
	// docids interleave (xs_mset_part).
	std::vector<Xapian::docid> docids;
	Xapian::doccount nparts = 1;
	// The counted items of each group of the list slot.
	std::vector<std::pair<std::string, uint64_t>> counts[XS_MAX_GROUPS];
};

static void set_err(char *err, const std::string &msg)
{
	if (err)
		snprintf(err, XS_ERRLEN, "%s", msg.c_str());
}

// Sorts the exception being handled into a status. Must be called from a
// catch block.
static evs_status xs_fail(char *err) noexcept
{
	try {
		throw;
	} catch (const Xapian::DatabaseLockError &e) {
		set_err(err, e.get_msg());
		return EVS_E_LOCKED;
	} catch (const Xapian::DatabaseModifiedError &e) {
		set_err(err, e.get_msg());
		return EVS_E_MODIFIED;
	} catch (const Xapian::DatabaseVersionError &e) {
		set_err(err, e.get_msg());
		return EVS_E_VERSION;
	} catch (const Xapian::DatabaseNotFoundError &e) {
		set_err(err, e.get_msg());
		return EVS_E_NOTFOUND;
	} catch (const Xapian::DatabaseCorruptError &e) {
		set_err(err, e.get_msg());
		return EVS_E_CORRUPT;
	} catch (const Xapian::DatabaseOpeningError &e) {
		set_err(err, e.get_msg());
		return EVS_E_NOTFOUND;
	} catch (const Xapian::DatabaseError &e) {
		// Xapian reports failures of the system (disk full, EROFS, EIO) as
		// DatabaseError with the system's message; one without it ("EOF
		// reading block 4") means the files are not what they should be.
		const char *sys = e.get_error_string();
		if (sys && *sys) {
			set_err(err, e.get_msg() + " (" + sys + ")");
			return EVS_E_IO;
		}
		set_err(err, e.get_msg());
		// A commit that failed to write (a full disk) and then could not
		// reopen the old revision to go on, for the same reason: the
		// files on disk still hold the last commit, so the index is not
		// damaged, only unwritable for now.
		if (e.get_msg().compare(0, 21, "Modifications failed ") == 0)
			return EVS_E_IO;
		return EVS_E_CORRUPT;
	} catch (const Xapian::InvalidArgumentError &e) {
		set_err(err, e.get_msg());
		return EVS_E_INVALID;
	} catch (const Xapian::NetworkError &e) {
		// A remote database that cannot be reached or did not answer in
		// time (NetworkTimeoutError is one).
		const char *sys = e.get_error_string();
		set_err(err, e.get_msg() + (sys && *sys ? std::string(" (") + sys + ")"
		                                        : std::string()));
		return EVS_E_UNAVAILABLE;
	} catch (const Xapian::WildcardError &e) {
		set_err(err, e.get_msg());
		return EVS_E_QUERY_SYNTAX;
	} catch (const Xapian::Error &e) {
		set_err(err, e.get_type() + std::string(": ") + e.get_msg());
		return EVS_E_BACKEND;
	} catch (const std::bad_alloc &) {
		set_err(err, "out of memory");
		return EVS_E_NOMEM;
	} catch (const std::exception &e) {
		set_err(err, e.what());
		return EVS_E_BACKEND;
	} catch (...) {
		set_err(err, "unknown C++ exception");
		return EVS_E_BACKEND;
	}
}

extern "C" {

evs_status xs_db_open_reader(xs_db **out, const char *path, char *err) noexcept
{
	*out = NULL;
	try {
		std::unique_ptr<xs_db> h(new xs_db{NULL, NULL, {}});
		h->db = new Xapian::Database(path);
		*out = h.release();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_open_writer(xs_db **out, const char *path, int create,
                             char *err) noexcept
{
	*out = NULL;
	try {
		std::unique_ptr<xs_db> h(new xs_db{NULL, NULL, {}});
		int action = create == 2   ? Xapian::DB_CREATE_OR_OVERWRITE
		             : create == 1 ? Xapian::DB_CREATE_OR_OPEN
		                           : Xapian::DB_OPEN;
		h->wdb = new Xapian::WritableDatabase(path, action, XS_BLOCK_SIZE);
		h->db = h->wdb;
		*out = h.release();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_open_fresh(xs_db **out, const char *path, int overwrite,
                            char *err) noexcept
{
	*out = NULL;
	try {
		std::unique_ptr<xs_db> h(new xs_db{NULL, NULL, {}});
		int action =
		    (overwrite ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_OPEN) |
		    Xapian::DB_NO_SYNC;
		h->wdb = new Xapian::WritableDatabase(path, action, XS_BLOCK_SIZE);
		h->db = h->wdb;
		*out = h.release();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_value_by_term(const xs_db *db, const char *uterm, size_t len,
                               unsigned slot, char **out, char *err) noexcept
{
	*out = NULL;
	try {
		std::string v;
		std::string term(uterm, len);
		Xapian::PostingIterator p = db->db->postlist_begin(term);
		if (p != db->db->postlist_end(term))
			v = db->db->get_document(*p).get_value(slot);
		char *s = static_cast<char *>(malloc(v.size() + 1));
		if (!s)
			throw std::bad_alloc();
		memcpy(s, v.data(), v.size());
		s[v.size()] = '\0';
		*out = s;
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_each_value(const xs_db *db, unsigned slot,
                            int (*fn)(void *ctx, unsigned docid,
                                      const char *val, size_t len),
                            void *ctx, char *err) noexcept
{
	try {
		for (Xapian::ValueIterator v = db->db->valuestream_begin(slot);
		     v != db->db->valuestream_end(slot); ++v) {
			std::string s = *v;
			if (fn(ctx, v.get_docid(), s.data(), s.size()))
				break;
		}
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

// Calls fn for each string from t to end until fn returns nonzero.
static void each_string(Xapian::TermIterator t, Xapian::TermIterator end,
                        int (*fn)(void *ctx, const char *s, size_t len),
                        void *ctx)
{
	for (; t != end; ++t) {
		std::string s = *t;
		if (fn(ctx, s.data(), s.size()))
			break;
	}
}

evs_status xs_db_each_term(const xs_db *db, const char *prefix,
                           int (*fn)(void *ctx, const char *term, size_t len),
                           void *ctx, char *err) noexcept
{
	try {
		each_string(db->db->allterms_begin(prefix),
		            db->db->allterms_end(prefix), fn, ctx);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_docid_by_term(const xs_db *db, const char *uterm, size_t len,
                               unsigned *out, char *err) noexcept
{
	*out = 0;
	try {
		std::string term(uterm, len);
		Xapian::PostingIterator p = db->db->postlist_begin(term);
		if (p != db->db->postlist_end(term))
			*out = *p;
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_compact(const char *const *sources, size_t n, const char *dest,
                      char *err) noexcept
{
	try {
		Xapian::Database all;
		for (size_t i = 0; i < n; i++)
			all.add_database(Xapian::Database(sources[i]));
		all.compact(dest, Xapian::DBCOMPACT_MULTIPASS, XS_BLOCK_SIZE);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_delete_docid(xs_db *db, unsigned docid, char *err) noexcept
{
	try {
		if (!db->wdb) {
			set_err(err, "the index is open read-only");
			return EVS_E_READONLY;
		}
		db->wdb->delete_document(docid);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_close(xs_db *db, char *err) noexcept
{
	if (!db)
		return EVS_OK;
	evs_status st = EVS_OK;
	try {
		if (db->wdb)
			db->wdb->commit();
		db->db->close();
	} catch (...) {
		st = xs_fail(err);
	}
	delete db->db;
	delete db;
	return st;
}

evs_status xs_db_commit(xs_db *db, char *err) noexcept
{
	try {
		if (!db->wdb) {
			set_err(err, "the index is open read-only");
			return EVS_E_READONLY;
		}
		db->wdb->commit();
		return EVS_OK;
	} catch (...) {
		// The forms of a batch that did not go in are filed again.
		db->forms_seen.clear();
		return xs_fail(err);
	}
}

evs_status xs_db_reopen(xs_db *db, char *err) noexcept
{
	try {
		db->db->reopen();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_doccount(const xs_db *db, uint64_t *out, char *err) noexcept
{
	try {
		*out = db->db->get_doccount();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_termfreq(const xs_db *db, const char *term, size_t len,
                          uint64_t *out, char *err) noexcept
{
	try {
		*out = db->db->get_termfreq(std::string(term, len));
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_termfreqs(const xs_db *db, const char *terms,
                           const size_t *ends, size_t n, uint64_t *out,
                           char *err) noexcept
{
	try {
		std::vector<std::string> t;
		t.reserve(n);
		for (size_t k = 0; k < n; k++) {
			size_t from = k ? ends[k - 1] : 0;
			t.emplace_back(terms + from, ends[k] - from);
		}
		if (!db->remote) {
			for (size_t k = 0; k < n; k++)
				out[k] = db->db->get_termfreq(t[k]);
			return EVS_OK;
		}
		// The statistics of a search hold the exact frequency of each of
		// its terms, gathered from every database before matching.
		Xapian::Enquire enq(*db->db);
		enq.set_query(Xapian::Query(Xapian::Query::OP_OR, t.begin(), t.end()));
		enq.set_weighting_scheme(Xapian::BoolWeight());
		Xapian::MSet ms = enq.get_mset(0, 0);
		for (size_t k = 0; k < n; k++)
			out[k] = ms.get_termfreq(t[k]);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_each_metadata_key(const xs_db *db, const char *prefix,
                                   size_t len,
                                   int (*fn)(void *ctx, const char *key,
                                             size_t len),
                                   void *ctx, char *err) noexcept
{
	try {
		std::string p(prefix, len);
		each_string(db->db->metadata_keys_begin(p),
		            db->db->metadata_keys_end(p), fn, ctx);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_collfreq(const xs_db *db, const char *term, size_t len,
                          uint64_t *out, char *err) noexcept
{
	try {
		*out = db->db->get_collection_freq(std::string(term, len));
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_get_metadata(const xs_db *db, const char *key, char **out,
                              char *err) noexcept
{
	*out = NULL;
	try {
		std::string v = db->db->get_metadata(key);
		char *s = static_cast<char *>(malloc(v.size() + 1));
		if (!s)
			throw std::bad_alloc();
		memcpy(s, v.data(), v.size());
		s[v.size()] = '\0';
		*out = s;
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_set_metadata(xs_db *db, const char *key, const char *value,
                              char *err) noexcept
{
	try {
		if (!db->wdb) {
			set_err(err, "the index is open read-only");
			return EVS_E_READONLY;
		}
		db->wdb->set_metadata(key, value);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

// Files the document's forms in the synonym table and as metadata keys
// (XS_FORM_KEY), each once (see forms_seen). The forms go first: Xapian may commit inside
// add_document() or replace_document() (its flush threshold), and a
// document must never be committed without them. A form filed for a
// document that then fails to go in costs nothing: a term nobody has.
static void file_forms(xs_db *db, const xs_doc *doc)
{
	for (const auto &f : doc->forms) {
		std::string seen = f.first;
		seen.push_back('\0');
		seen += f.second;
		if (db->forms_seen.count(seen))
			continue;
		db->wdb->add_synonym(f.first, f.second);
		std::string key = XS_FORM_KEY + seen;
		if (key.size() > XS_FORM_KEY_MAX) {
			key.resize(sizeof XS_FORM_KEY - 1 + f.first.size() + 1);
			key.push_back('\xff');
		}
		if (key.size() <= XS_FORM_KEY_MAX)
			db->wdb->set_metadata(key, "1");
		if (db->forms_seen.size() >= XS_FORMS_SEEN)
			db->forms_seen.clear();
		db->forms_seen.insert(seen);
	}
}

evs_status xs_db_replace(xs_db *db, const char *uterm, size_t len,
                         const xs_doc *doc, int fresh, char *err) noexcept
{
	try {
		if (!db->wdb) {
			set_err(err, "the index is open read-only");
			return EVS_E_READONLY;
		}
		file_forms(db, doc);
		if (fresh)
			db->wdb->add_document(doc->doc);
		else
			db->wdb->replace_document(std::string(uterm, len), doc->doc);
		return EVS_OK;
	} catch (...) {
		// What failed may not be in the database: file it again.
		db->forms_seen.clear();
		return xs_fail(err);
	}
}

evs_status xs_db_delete(xs_db *db, const char *uterm, size_t len,
                        char *err) noexcept
{
	try {
		if (!db->wdb) {
			set_err(err, "the index is open read-only");
			return EVS_E_READONLY;
		}
		db->wdb->delete_document(std::string(uterm, len));
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_doc_new(xs_doc **out, char *err) noexcept
{
	*out = NULL;
	try {
		*out = new xs_doc();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

void xs_doc_free(xs_doc *doc) noexcept
{
	delete doc;
}

evs_status xs_doc_posting(xs_doc *doc, const char *term, size_t len,
                          unsigned pos, unsigned wdf_inc, char *err) noexcept
{
	try {
		doc->doc.add_posting(std::string(term, len), pos, wdf_inc);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_doc_term(xs_doc *doc, const char *term, size_t len,
                       unsigned wdf_inc, char *err) noexcept
{
	try {
		doc->doc.add_term(std::string(term, len), wdf_inc);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_doc_form(xs_doc *doc, const char *key, size_t klen,
                       const char *form, size_t flen, char *err) noexcept
{
	try {
		doc->forms.emplace_back(std::string(key, klen),
		                        std::string(form, flen));
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_each_form(const xs_db *db, const char *key, size_t len,
                           int (*fn)(void *ctx, const char *form, size_t len),
                           void *ctx, char *err) noexcept
{
	try {
		std::string k(key, len);
		each_string(db->db->synonyms_begin(k), db->db->synonyms_end(k), fn,
		            ctx);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_doc_value(xs_doc *doc, unsigned slot, const char *val, size_t len,
                        char *err) noexcept
{
	try {
		doc->doc.add_value(slot, std::string(val, len));
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_doc_data(xs_doc *doc, const char *data, size_t len,
                       char *err) noexcept
{
	try {
		doc->doc.set_data(std::string(data, len));
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_doc_list_add(xs_doc *doc, unsigned slot, unsigned group,
                           const char *val, size_t len, char *err) noexcept
{
	try {
		if (group >= XS_MAX_GROUPS)
			throw Xapian::InvalidArgumentError("list item group out of "
			                                   "range");
		// An item is its group (one byte), its length (7 bits a byte,
		// low bits first, the top bit set on all bytes but the last)
		// and its bytes.
		std::string v = doc->doc.get_value(slot);
		v += static_cast<char>(group);
		size_t n = len;
		do {
			unsigned char b = n & 0x7f;
			n >>= 7;
			v += static_cast<char>(n ? b | 0x80 : b);
		} while (n);
		v.append(val, len);
		doc->doc.add_value(slot, v);
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_stem_new(xs_stem **out, const char *lang, char *err) noexcept
{
	*out = NULL;
	try {
		*out = new xs_stem{Xapian::Stem(lang)};
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

void xs_stem_free(xs_stem *st) noexcept
{
	delete st;
}

size_t xs_stem_word(xs_stem *st, const char *word, size_t len, char *out,
                    size_t cap) noexcept
{
	try {
		std::string s = st->stem(std::string(word, len));
		size_t n = s.size() < cap ? s.size() : cap - 1;
		memcpy(out, s.data(), n);
		out[n] = '\0';
		return n;
	} catch (...) {
		// Stemming allocates only; on failure the word is its own stem.
		size_t n = len < cap ? len : cap - 1;
		memcpy(out, word, n);
		out[n] = '\0';
		return n;
	}
}

static void free_subs(xs_query **subs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		delete subs[i];
		subs[i] = NULL;
	}
}

evs_status xs_query_term(xs_query **out, const char *term, size_t len,
                         unsigned pos, char *err) noexcept
{
	*out = NULL;
	try {
		*out = new xs_query{Xapian::Query(std::string(term, len), 1, pos)};
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_query_match_all(xs_query **out, char *err) noexcept
{
	*out = NULL;
	try {
		// A query of its own, equal to Query::MatchAll (the empty term):
		// copying that shared global would touch its reference count,
		// which is not atomic, from every thread that lists events.
		*out = new xs_query{Xapian::Query(std::string())};
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_query_combine(xs_query **out, xs_op op, xs_query **subs, size_t n,
                            char *err) noexcept
{
	*out = NULL;
	evs_status st = EVS_OK;
	try {
		static const Xapian::Query::op ops[] = {Xapian::Query::OP_AND,
		                                        Xapian::Query::OP_OR,
		                                        Xapian::Query::OP_AND_NOT,
		                                        Xapian::Query::OP_AND_MAYBE,
		                                        Xapian::Query::OP_FILTER,
		                                        Xapian::Query::OP_PHRASE,
		                                        Xapian::Query::OP_SYNONYM};
		std::vector<Xapian::Query> v;
		v.reserve(n);
		for (size_t i = 0; i < n; i++)
			v.push_back(subs[i]->q);
		*out = new xs_query{Xapian::Query(ops[op], v.begin(), v.end())};
	} catch (...) {
		st = xs_fail(err);
	}
	free_subs(subs, n);
	return st;
}

evs_status xs_query_wildcard(xs_query **out, const char *prefix,
                             unsigned max_expansion, char *err) noexcept
{
	*out = NULL;
	try {
		*out = new xs_query{
		    Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion,
		                  Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT)};
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_query_value_cmp(xs_query **out, unsigned slot, int ge,
                              const char *bound, char *err) noexcept
{
	*out = NULL;
	try {
		Xapian::Query::op op =
		    ge ? Xapian::Query::OP_VALUE_GE : Xapian::Query::OP_VALUE_LE;
		*out = new xs_query{Xapian::Query(op, slot, bound)};
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_query_scale(xs_query **out, xs_query *sub, double factor,
                          char *err) noexcept
{
	*out = NULL;
	evs_status st = EVS_OK;
	try {
		*out = new xs_query{
		    Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->q, factor)};
	} catch (...) {
		st = xs_fail(err);
	}
	delete sub;
	return st;
}

evs_status xs_query_clone(xs_query **out, const xs_query *q, char *err) noexcept
{
	*out = NULL;
	try {
		*out = new xs_query{q->q};
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

void xs_query_free(xs_query *q) noexcept
{
	delete q;
}

// Counts of byte strings: an open-addressing hash table whose keys are kept
// in one arena. A facet is counted once per item per match, so this is the
// inner loop of a faceted search; std::unordered_map took twice as long.
class CountTable
{
  public:
	void add(const char *p, size_t len, uint64_t n = 1)
	{
		if (slots_.empty())
			slots_.resize(64);
		uint64_t h = hash(p, len);
		size_t mask = slots_.size() - 1;
		for (size_t i = h & mask;; i = (i + 1) & mask) {
			slot &s = slots_[i];
			if (s.count == 0) {
				s = {h, arena_.size(), len, n};
				arena_.append(p, len);
				if (++used_ * 2 > slots_.size())
					grow();
				return;
			}
			if (s.hash == h && s.len == len &&
			    memcmp(arena_.data() + s.off, p, len) == 0) {
				s.count += n;
				return;
			}
		}
	}

	void take(std::vector<std::pair<std::string, uint64_t>> &out) const
	{
		out.clear();
		out.reserve(used_);
		for (const slot &s : slots_)
			if (s.count)
				out.emplace_back(arena_.substr(s.off, s.len), s.count);
	}

  private:
	struct slot {
		uint64_t hash;
		size_t off, len;
		uint64_t count; // 0: empty
	};

	static uint64_t hash(const char *p, size_t len)
	{
		uint64_t h = 0x9e3779b97f4a7c15u ^ len;
		for (; len >= 8; p += 8, len -= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			h = (h ^ w) * 0xff51afd7ed558ccdu;
			h ^= h >> 32;
		}
		for (; len > 0; p++, len--)
			h = (h ^ static_cast<unsigned char>(*p)) * 0x100000001b3u;
		h ^= h >> 29;
		h *= 0xc4ceb9fe1a85ec53u;
		return h ^ (h >> 32);
	}

	void grow()
	{
		std::vector<slot> old(slots_.size() * 2);
		old.swap(slots_);
		size_t mask = slots_.size() - 1;
		for (const slot &s : old) {
			if (!s.count)
				continue;
			size_t i = s.hash & mask;
			while (slots_[i].count)
				i = (i + 1) & mask;
			slots_[i] = s;
		}
	}

	std::vector<slot> slots_;
	std::string arena_;
	size_t used_ = 0;
};

// Counts the items of a list slot (xs_doc_list_add) over the matches, in
// one value read per matching document. Xapian's ValueCountMatchSpy
// counts one whole value per slot, so a multi-valued field needed a slot
// (and a spy) per position; and Document::get_value looks each value up
// in the B-tree afresh. On one database the matcher hands the documents
// over in increasing docid order, so this spy reads the slot's value
// stream with one iterator that only moves forward, decoding on within the
// chunk it is in; a document out of that order is read the slow way. On
// several databases searched together, Xapian 1.4 matches them one after
// the other and hands over each one's own docids, which the combined value
// stream does not use: there every value is read the slow way. A remote
// database cannot run this spy at all (a server knows only Xapian's
// built-in spies).
class ListCountSpy : public Xapian::MatchSpy
{
  public:
	// whole: the spy only adds up what take_whole() is given (a remote
	// database has no value streams to open).
	ListCountSpy(const Xapian::Database &db, unsigned slot, unsigned groups,
	             bool whole = false)
	    : slot_(slot), groups_(groups), forward_(db.size() == 1 && !whole)
	{
		if (forward_) {
			it_ = db.valuestream_begin(slot);
			end_ = db.valuestream_end(slot);
		}
	}

	void operator()(const Xapian::Document &doc, double) override
	{
		Xapian::docid did = doc.get_docid();
		if (!forward_ || did <= last_) {
			count(doc.get_value(slot_));
			return;
		}
		last_ = did;
		if (it_ == end_)
			return;
		it_.skip_to(did);
		if (it_ != end_ && it_.get_docid() == did)
			count(*it_);
	}

	// Copies the counts of group g into out.
	void take(unsigned g, std::vector<std::pair<std::string, uint64_t>> &out)
	{
		counts_[g].take(out);
	}

	// Counts the items of list (n documents hold it) into counts.
	static void count_list(const std::string &list, unsigned groups,
	                       CountTable *counts, uint64_t n)
	{
		const char *p = list.data(), *e = p + list.size();
		while (p < e) {
			unsigned g = static_cast<unsigned char>(*p++);
			size_t len = 0;
			for (int shift = 0;; shift += 7) {
				if (p == e || shift > 28)
					throw Xapian::DatabaseCorruptError(
					    "a facet list value is damaged");
				unsigned char b = static_cast<unsigned char>(*p++);
				len |= static_cast<size_t>(b & 0x7f) << shift;
				if (!(b & 0x80))
					break;
			}
			if (len > static_cast<size_t>(e - p))
				throw Xapian::DatabaseCorruptError(
				    "a facet list value is damaged");
			if (g < XS_MAX_GROUPS && (groups >> g & 1u))
				counts[g].add(p, len, n);
			p += len;
		}
	}

	// Counts the lists that Xapian's ValueCountMatchSpy counted whole
	// (each distinct list with the number of matches that hold it): the
	// same counts as this spy's, from a spy a remote server runs too.
	void take_whole(const Xapian::ValueCountMatchSpy &whole)
	{
		for (Xapian::TermIterator it = whole.values_begin();
		     it != whole.values_end(); ++it)
			count_list(*it, groups_, counts_, it.get_termfreq());
	}

  private:
	void count(const std::string &list)
	{
		count_list(list, groups_, counts_, 1);
	}

	unsigned slot_, groups_;
	bool forward_; // the value stream's docids are the matcher's
	Xapian::ValueIterator it_, end_;
	Xapian::docid last_ = 0;
	CountTable counts_[XS_MAX_GROUPS];
};

// How many matches past the page a relevance search keeps, so that ties
// at the page's end can be broken without running it again (see
// relevance_hits). On the bench log at 100k events, keeping one ran 26 of
// 300 queries again; 16 or more, none.
#define XS_TIE_MARGIN 64

static void set_scheme(Xapian::Enquire &enq, const xs_search_params *p);

// The Enquire of a search, without an order or spies.
static void setup_enquire(Xapian::Enquire &enq, const xs_query *q,
                          const xs_search_params *p)
{
	enq.set_query(q->q);
	set_scheme(enq, p);
}

// The weight of a match to 40 significant bits (about 12 digits). Shards
// add a match's weights up in an order of their own (Xapian joins the
// terms of an OR by each database's frequencies) and may differ from one
// index in the last bits; settled, the weights and the order of equal
// ones are those of one index.
static double settled_weight(const Xapian::MSetIterator &it)
{
	double w = it.get_weight();
	if (w == 0 || !std::isfinite(w))
		return w;
	int e;
	std::frexp(w, &e);
	double unit = std::ldexp(1.0, e - 40);
	return std::round(w / unit) * unit;
}

// Keeps the hits of ms at the indexes in order.
static void take_hits(xs_mset *r, const Xapian::MSet &ms,
                      const std::vector<Xapian::doccount> &order)
{
	r->weights.clear();
	r->data.clear();
	r->docids.clear();
	if (!order.empty()) {
		// Asks a remote server for every document before reading the
		// first: one round trip for the page, not one per hit.
		auto [lo, hi] = std::minmax_element(order.begin(), order.end());
		Xapian::MSetIterator end = ms[*hi];
		ms.fetch(ms[*lo], ++end);
	}
	for (Xapian::doccount i : order) {
		Xapian::MSetIterator it = ms[i];
		r->docids.push_back(*it);
		r->weights.push_back(settled_weight(it));
		r->data.push_back(it.get_document().get_data());
	}
}

// The hits of a relevance search, ties broken by the value in
// tiebreak_slot, into r; ms holds the top want (more than offset + limit)
// matches by relevance alone, ties in docid order.
//
// Asking Xapian for the order by relevance then value makes it read that
// value for every match it considers, which with every match counted is
// every match: on 100,000 events most of a plain query's time. But the
// value matters only where weights tie. When ms holds fewer than want
// matches, it holds them all. Otherwise the matches that weigh more than
// the last of ms are exactly those of ms before its last run of equal
// weights (any other match weighs at most as much). If those are at least
// offset + limit, sorting them by weight and then value gives the page
// exactly, with a value read only for a match that ties with another.
// Only when a run of ties reaches from the page to the end of ms is the
// search run again, for the matches of at least that weight only, in the
// full order.
static void relevance_hits(xs_mset *r, Xapian::Database &db, const xs_query *q,
                           const xs_search_params *p, const Xapian::MSet &ms,
                           Xapian::doccount want)
{
	Xapian::doccount n = ms.size();
	std::vector<Xapian::doccount> order;
	if (n == want) {
		double last = settled_weight(ms[n - 1]);
		while (n > 0 && settled_weight(ms[n - 1]) == last)
			n--;
		if (n < p->offset + p->limit) {
			Xapian::Enquire enq(db);
			setup_enquire(enq, q, p);
			enq.set_sort_by_relevance_then_value(p->tiebreak_slot, false);
			// Every match that settles to at least last.
			enq.set_cutoff(0, last * (1 - 1e-11));
			Xapian::MSet page = enq.get_mset(p->offset, p->limit);
			for (Xapian::doccount i = 0; i < page.size(); i++)
				order.push_back(i);
			take_hits(r, page, order);
			return;
		}
	}
	struct item {
		double weight;
		std::string key;
		Xapian::docid did;
		Xapian::doccount i;
	};
	// The values are read for the runs of equal weights that reach into
	// the page only: the order within any other run changes no hit.
	std::vector<item> items;
	items.reserve(n);
	size_t page_end = p->offset + p->limit;
	for (Xapian::doccount i = 0, run; i < n; i = run) {
		double w = settled_weight(ms[i]);
		for (run = i + 1; run < n && settled_weight(ms[run]) == w; run++)
			;
		bool read = run - i > 1 && run > p->offset && i < page_end;
		for (Xapian::doccount k = i; k < run; k++) {
			Xapian::MSetIterator it = ms[k];
			items.push_back({w,
			                 read
			                     ? it.get_document().get_value(p->tiebreak_slot)
			                     : std::string(),
			                 *it, k});
		}
	}
	std::stable_sort(items.begin(), items.end(),
	                 [](const item &a, const item &b) {
		                 if (a.weight != b.weight)
			                 return a.weight > b.weight;
		                 if (a.key != b.key)
			                 return a.key < b.key;
		                 return a.did < b.did;
	                 });
	for (size_t k = p->offset; k < items.size() && k < p->offset + p->limit;
	     k++)
		order.push_back(items[k].i);
	take_hits(r, ms, order);
}

// One attempt at a search; DatabaseModifiedError escapes to the caller.
// A search sorted by value on databases of which some are remote, which
// run no KeyMaker: Xapian sorts by the value alone (ties in docid order,
// which differs from one index's), and the ties that reach into the page
// are ordered here by the tiebreak value, as the KeyMaker would. The top
// matches are asked for until the run of equal values at their end
// starts past the page (or they are all the matches). Facets are counted
// by a search of their own: a ValueCountMatchSpy on a search sorted by
// value with remote databases counted some matches twice (Xapian 1.4.22,
// with fewer hits asked for than there were matches).
static void remote_sorted(xs_mset *r, Xapian::Database &db, const xs_query *q,
                          const xs_search_params *p)
{
	Xapian::doccount all = db.get_doccount();
	size_t page_end = p->offset + p->limit;
	Xapian::doccount want =
	    static_cast<Xapian::doccount>(page_end + XS_TIE_MARGIN);
	std::unique_ptr<ListCountSpy> spy;
	std::unique_ptr<Xapian::ValueCountMatchSpy> whole;
	if (p->count_groups) {
		spy.reset(new ListCountSpy(db, p->count_slot, p->count_groups, true));
		whole.reset(new Xapian::ValueCountMatchSpy(p->count_slot));
		Xapian::Enquire enq(db);
		setup_enquire(enq, q, p);
		enq.add_matchspy(whole.get());
		enq.get_mset(0, 0, all);
	}
	Xapian::MSet ms;
	Xapian::doccount n;
	for (;; want = want > all / 4 ? all : want * 4) {
		Xapian::Enquire enq(db);
		setup_enquire(enq, q, p);
		enq.set_sort_by_value(p->sort_slot, p->sort_reverse != 0);
		ms = enq.get_mset(0, want, all);
		n = ms.size();
		if (n < want || want >= all)
			break;
		std::string last = ms[n - 1].get_sort_key();
		while (n > 0 && ms[n - 1].get_sort_key() == last)
			n--;
		if (n >= page_end)
			break;
	}
	r->total = ms.get_matches_estimated();
	r->nparts = db.size();
	struct item {
		std::string key, id;
		Xapian::doccount i;
	};
	std::vector<item> items;
	items.reserve(n);
	for (Xapian::doccount i = 0, run; i < n; i = run) {
		std::string key = ms[i].get_sort_key();
		for (run = i + 1; run < n && ms[run].get_sort_key() == key; run++)
			;
		bool read = run - i > 1 && run > p->offset && i < page_end;
		for (Xapian::doccount k = i; k < run; k++)
			items.push_back(
			    {key,
			     read ? ms[k].get_document().get_value(p->tiebreak_slot)
			          : std::string(),
			     k});
	}
	bool desc = p->sort_reverse != 0;
	std::stable_sort(items.begin(), items.end(),
	                 [desc](const item &a, const item &b) {
		                 if (a.key != b.key)
			                 return desc ? a.key > b.key : a.key < b.key;
		                 return a.id < b.id;
	                 });
	std::vector<Xapian::doccount> order;
	for (size_t k = p->offset; k < items.size() && k < page_end; k++)
		order.push_back(items[k].i);
	take_hits(r, ms, order);
	if (spy)
		spy->take_whole(*whole);
	for (unsigned g = 0; g < XS_MAX_GROUPS; g++) {
		r->counts[g].clear();
		if (spy && (p->count_groups >> g & 1u))
			spy->take(g, r->counts[g]);
	}
}

// Feedback words: no prefix, and not refused by the caller (stopwords).
class FeedbackDecider : public Xapian::ExpandDecider
{
  public:
	explicit FeedbackDecider(int (*skip)(const char *, size_t)) : skip_(skip)
	{
	}
	bool operator()(const std::string &term) const override
	{
		return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z') &&
		       !(skip_ && skip_(term.data(), term.size()));
	}

  private:
	int (*skip_)(const char *, size_t);
};

// The query of p's feedback (xs_search_params) over the top matches of ms,
// the matches of enq's query q, into out; false where p asks for none or
// the top matches give no word.
static bool feedback_query(Xapian::Enquire &enq, const Xapian::MSet &ms,
                           const xs_query *q, const xs_search_params *p,
                           Xapian::Query &out)
{
	if (!p->fb_terms || p->fb_weight <= 0 || ms.empty())
		return false;
	Xapian::RSet rs;
	Xapian::doccount n = 0;
	for (Xapian::MSetIterator it = ms.begin();
	     it != ms.end() && n < p->fb_docs; ++it, ++n)
		rs.add_document(*it);
	if (p->fb_flags & XS_FB_BO1)
		enq.set_expansion_scheme("bo1");
	FeedbackDecider words(p->fb_skip);
	// Exact term frequencies: Xapian otherwise estimates them from the
	// shards that hold a feedback document, and shards would weigh the
	// words otherwise than one index (one index: the same either way).
	int flags = Xapian::Enquire::USE_EXACT_TERMFREQ;
	if (p->fb_flags & XS_FB_QUERY_TERMS)
		flags |= Xapian::Enquire::INCLUDE_QUERY_TERMS;
	Xapian::ESet es = enq.get_eset(p->fb_terms, rs, flags, &words);
	if (es.empty())
		return false;
	double top = es.begin().get_weight();
	if (top <= 0)
		top = 1.0;
	// The share of the best word's weight is rounded to 6 digits: shards
	// add up a word's expand weight in another order than one index, and
	// the last bits that differ would then reorder events of equal weight.
	std::vector<Xapian::Query> terms;
	for (Xapian::ESetIterator it = es.begin(); it != es.end(); ++it) {
		double share = std::round(1e6 * it.get_weight() / top) / 1e6;
		if (share > 0)
			terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
			                   Xapian::Query(*it), p->fb_weight * share);
	}
	if (terms.empty())
		return false;
	out = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q->q,
	                    Xapian::Query(Xapian::Query::OP_OR, terms.begin(),
	                                  terms.end()));
	return true;
}

static void run_search(xs_mset *r, Xapian::Database &db, const xs_query *q,
                       const xs_search_params *p, bool remote)
{
	if (remote && p->sort) {
		remote_sorted(r, db, q, p);
		return;
	}
	Xapian::Enquire enq(db);
	setup_enquire(enq, q, p);
	std::unique_ptr<Xapian::KeyMaker> keys;
	if (p->sort) {
		Xapian::MultiValueKeyMaker *mk = new Xapian::MultiValueKeyMaker();
		keys.reset(mk);
		mk->add_value(p->sort_slot, p->sort_reverse != 0);
		mk->add_value(p->tiebreak_slot, false);
		enq.set_sort_by_key(mk, false);
	} else {
		enq.set_sort_by_relevance();
	}
	std::unique_ptr<ListCountSpy> spy;
	std::unique_ptr<Xapian::ValueCountMatchSpy> whole;
	if (p->count_groups) {
		spy.reset(
		    new ListCountSpy(db, p->count_slot, p->count_groups, remote));
		if (remote) {
			whole.reset(new Xapian::ValueCountMatchSpy(p->count_slot));
			enq.add_matchspy(whole.get());
		} else {
			enq.add_matchspy(spy.get());
		}
	}
	r->nparts = db.size();
	// Counting every match makes the total and the facets exact.
	Xapian::doccount all = db.get_doccount();
	if (p->sort) {
		Xapian::MSet ms = enq.get_mset(p->offset, p->limit, all);
		r->total = ms.get_matches_estimated();
		std::vector<Xapian::doccount> order;
		for (Xapian::doccount i = 0; i < ms.size(); i++)
			order.push_back(i);
		take_hits(r, ms, order);
	} else {
		Xapian::doccount want =
		    static_cast<Xapian::doccount>(p->offset + p->limit + XS_TIE_MARGIN);
		if (p->fb_terms && want < p->fb_docs)
			want = p->fb_docs;
		Xapian::MSet ms = enq.get_mset(0, want, all);
		r->total = ms.get_matches_estimated();
		xs_query expanded;
		if (feedback_query(enq, ms, q, p, expanded.q)) {
			// Only the order changes: no counting, so Xapian may skip
			// the matches that cannot reach the page.
			Xapian::Enquire again(db);
			setup_enquire(again, &expanded, p);
			relevance_hits(r, db, &expanded, p, again.get_mset(0, want),
			               want);
		} else {
			relevance_hits(r, db, q, p, ms, want);
		}
	}
	if (whole)
		spy->take_whole(*whole);
	for (unsigned g = 0; g < XS_MAX_GROUPS; g++) {
		r->counts[g].clear();
		if (spy && (p->count_groups >> g & 1u))
			spy->take(g, r->counts[g]);
	}
}

evs_status xs_search(xs_mset **out, xs_db *db, const xs_query *q,
                     const xs_search_params *p, char *err) noexcept
{
	*out = NULL;
	try {
		std::unique_ptr<xs_mset> r(new xs_mset());
		// A writer that commits twice while we read makes Xapian throw
		// DatabaseModifiedError: reopen on the newest state and retry.
		for (int attempt = 0;; attempt++) {
			try {
				run_search(r.get(), *db->db, q, p, db->remote);
				break;
			} catch (const Xapian::DatabaseModifiedError &) {
				if (attempt >= 5)
					throw;
				db->db->reopen();
			}
		}
		*out = r.release();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

void xs_mset_free(xs_mset *ms) noexcept
{
	delete ms;
}

uint64_t xs_mset_total(const xs_mset *ms) noexcept
{
	return ms->total;
}

size_t xs_mset_size(const xs_mset *ms) noexcept
{
	return ms->data.size();
}

double xs_mset_weight(const xs_mset *ms, size_t i) noexcept
{
	return i < ms->weights.size() ? ms->weights[i] : 0.0;
}

const char *xs_mset_data(const xs_mset *ms, size_t i, size_t *len) noexcept
{
	if (i >= ms->data.size()) {
		*len = 0;
		return NULL;
	}
	*len = ms->data[i].size();
	return ms->data[i].c_str();
}

const char *xs_mset_count_value(const xs_mset *ms, unsigned g, size_t j,
                                size_t *len, uint64_t *count) noexcept
{
	if (g >= XS_MAX_GROUPS || j >= ms->counts[g].size())
		return NULL;
	const auto &v = ms->counts[g][j];
	*len = v.first.size();
	*count = v.second;
	return v.first.c_str();
}

evs_status xs_query_near(xs_query **out, xs_query **subs, size_t n,
                         unsigned window, char *err) noexcept
{
	*out = NULL;
	evs_status st = EVS_OK;
	try {
		std::vector<Xapian::Query> v;
		v.reserve(n);
		for (size_t i = 0; i < n; i++)
			v.push_back(subs[i]->q);
		*out = new xs_query{
		    Xapian::Query(Xapian::Query::OP_NEAR, v.begin(), v.end(), window)};
	} catch (...) {
		st = xs_fail(err);
	}
	free_subs(subs, n);
	return st;
}

evs_status xs_db_open_remote(xs_db **out, const char *host, unsigned port,
                             unsigned timeout_ms, unsigned connect_timeout_ms,
                             char *err) noexcept
{
	*out = NULL;
	try {
		std::unique_ptr<xs_db> h(new xs_db{NULL, NULL, {}});
		h->db = new Xapian::Database(
		    Xapian::Remote::open(host, port, timeout_ms, connect_timeout_ms));
		h->remote = true;
		*out = h.release();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_add(xs_db *db, const xs_db *part, char *err) noexcept
{
	try {
		db->db->add_database(*part->db);
		db->remote = db->remote || part->remote;
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_open_empty(xs_db **out, char *err) noexcept
{
	*out = NULL;
	try {
		std::unique_ptr<xs_db> h(new xs_db{NULL, NULL, {}});
		h->db = new Xapian::Database();
		*out = h.release();
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

evs_status xs_db_add_path(xs_db *db, const char *path, char *err) noexcept
{
	try {
		db->db->add_database(Xapian::Database(path));
		return EVS_OK;
	} catch (...) {
		return xs_fail(err);
	}
}

int xs_db_is_remote(const xs_db *db) noexcept
{
	return db->remote;
}

size_t xs_mset_part(const xs_mset *ms, size_t i) noexcept
{
	if (i >= ms->docids.size() || ms->nparts < 2)
		return 0;
	return (ms->docids[i] - 1) % ms->nparts;
}

} // extern "C"

// The weighting scheme of p (see xs_scheme). BM25's k2, k3 and min_normlen
// stay Xapian's defaults (0, 1, 0.5), as they always were here.
static void set_scheme(Xapian::Enquire &enq, const xs_search_params *p)
{
	double a = p->scheme_param[0];
	switch (p->scheme) {
	case XS_SCHEME_BM25PLUS:
		enq.set_weighting_scheme(
		    Xapian::BM25PlusWeight(p->bm25_k1, 0, 1, p->bm25_b, 0.5, a));
		break;
	case XS_SCHEME_DLH: enq.set_weighting_scheme(Xapian::DLHWeight()); break;
	case XS_SCHEME_DPH: enq.set_weighting_scheme(Xapian::DPHWeight()); break;
	case XS_SCHEME_PL2: enq.set_weighting_scheme(Xapian::PL2Weight(a)); break;
	case XS_SCHEME_LM:
		// Dirichlet smoothing; param_log 0 lets Xapian choose the
		// constant that keeps weights positive.
		enq.set_weighting_scheme(
		    Xapian::LMWeight(0.0, Xapian::Weight::DIRICHLET_SMOOTHING, a, 0.0));
		break;
	default:
		enq.set_weighting_scheme(
		    Xapian::BM25Weight(p->bm25_k1, 0, 1, p->bm25_b, 0.5));
		break;
	}
}
