/* cluster.c: shards searched together (see cluster.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cluster.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "docdata.h"
#include "generation.h"
#include "schema.h"
#include "settings.h"
#include "util.h"

#define DEFAULT_TIMEOUT_MS 10000

/* One shard: where it is, and its handle (NULL while it is missing). */
typedef struct shard {
	char *name; /* a path, or "tcp://HOST:PORT" */
	char *host; /* remote shards only */
	unsigned port;
	xs_db *db;
	evs_buf dict; /* its dictionary of stored records */
	int dict_read;
} shard;

struct evs_cluster {
	char *source; /* the cluster file, or NULL: the index directory */
	int allow_partial;
	unsigned timeout_ms, connect_ms;
	shard *s;
	size_t n, cap;
	/* The shards that idx->db is made of, in the order they were added:
	 * part[k] is the shard of xs_mset_part() k. */
	size_t *part;
	size_t nparts;
	/* Every open shard files its forms as metadata keys too
	 * (EVS_META_FORM_KEYS): evs_cluster__each_form lists those. */
	int form_keys;
};

/* A malloc'ed string made by printf. */
static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int evs_cluster__is_file(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int evs_cluster__is_sharded(const char *gen)
{
	char *p = format("%s/shard-0", gen);
	struct stat sb;
	int yes = p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(p);
	return yes;
}

void evs_cluster__free(evs_cluster *c)
{
	if (!c)
		return;
	char ignore[XS_ERRLEN];
	for (size_t i = 0; i < c->n; i++) {
		free(c->s[i].name);
		free(c->s[i].host);
		if (c->s[i].db)
			xs_db_close(c->s[i].db, ignore);
		evs_buf__dispose(&c->s[i].dict);
	}
	free(c->s);
	free(c->part);
	free(c->source);
	free(c);
}

/* Appends a shard named name (which is moved); NULL when out of memory. */
static shard *add_shard(evs_cluster *c, char *name)
{
	if (!name)
		return NULL;
	shard *grown = evs_util__grow(c->s, &c->cap, c->n + 1, sizeof *grown, 8);
	if (!grown) {
		free(name);
		return NULL;
	}
	c->s = grown;
	shard *s = &c->s[c->n++];
	memset(s, 0, sizeof *s);
	s->name = name;
	return s;
}

/* Adds the shards of a local path: an evsearch index directory (its live
 * generation, read once so that all its shards are of one generation),
 * a generation of shards, or one Xapian database. */
static evs_status add_local(evs_index *idx, evs_cluster *c, const char *path,
                            const char *where)
{
	char *gen = NULL, *base = NULL;
	evs_status st = EVS_OK;
	struct stat sb;
	char *link = format("%s/current", path);
	if (link && lstat(link, &sb) == 0) {
		if ((st = evs_gen__read_link(path, "current", &gen, idx->errmsg)) !=
		    EVS_OK)
			goto done;
		base = gen ? format("%s/%s", path, gen) : NULL;
	} else {
		base = strdup(path);
	}
	if (!base) {
		st = link && gen ? evs_index__fail(idx, EVS_E_NOMEM, "out of memory")
		                 : evs_index__fail(idx, EVS_E_NOTFOUND,
		                                   "%s%s: no index there", where, path);
		goto done;
	}
	if (!evs_cluster__is_sharded(base)) {
		if (!add_shard(c, base))
			st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		base = NULL;
		goto done;
	}
	for (unsigned k = 0;; k++) {
		char *p = format("%s/shard-%u", base, k);
		if (p && stat(p, &sb) < 0) {
			free(p);
			break;
		}
		if (!add_shard(c, p)) {
			st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			break;
		}
	}
done:
	free(link);
	free(gen);
	free(base);
	return st;
}

/* Reads "tcp://HOST:PORT" into a new remote shard. */
static evs_status add_remote(evs_index *idx, evs_cluster *c, const char *url,
                             const char *where)
{
	const char *hp = url + strlen("tcp://");
	const char *colon = strrchr(hp, ':');
	char *end = NULL;
	unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
	if (!colon || colon == hp || !colon[1] || *end || port == 0 || port > 65535)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "%s\"%s\": not tcp://HOST:PORT (a port from 1 "
		                       "to 65535)",
		                       where, url);
	shard *s = add_shard(c, strdup(url));
	if (!s || !(s->host = strndup(hp, (size_t)(colon - hp))))
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	s->port = (unsigned)port;
	return EVS_OK;
}

/* Reads the cluster file c->source: one shard a line, "#" comments,
 * blank lines; relative paths are relative to the file's directory. */
static evs_status read_file(evs_index *idx, evs_cluster *c)
{
	FILE *f = fopen(c->source, "r");
	if (!f)
		return evs_index__fail(idx, errno == ENOENT ? EVS_E_NOTFOUND : EVS_E_IO,
		                       "%s: cannot read: %s", c->source,
		                       strerror(errno));
	const char *slash = strrchr(c->source, '/');
	int dirlen = slash ? (int)(slash - c->source) : 0;
	char *line = NULL, where[512];
	size_t cap = 0;
	evs_status st = EVS_OK;
	for (unsigned long no = 1; st == EVS_OK && getline(&line, &cap, f) >= 0;
	     no++) {
		char *p = line, *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strlen(p);
		while (len > 0 && strchr(" \t\r\n", p[len - 1]))
			p[--len] = '\0';
		if (!len)
			continue;
		snprintf(where, sizeof where, "%s:%lu: ", c->source, no);
		if (strncmp(p, "tcp://", 6) == 0) {
			st = add_remote(idx, c, p, where);
		} else if (strstr(p, "://")) {
			st = evs_index__fail(idx, EVS_E_INVALID,
			                     "%s\"%s\": a shard is a path or "
			                     "tcp://HOST:PORT",
			                     where, p);
		} else {
			char *path = p[0] == '/' || !slash
			                 ? strdup(p)
			                 : format("%.*s/%s", dirlen, c->source, p);
			st = path ? add_local(idx, c, path, where)
			          : evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			free(path);
		}
	}
	free(line);
	if (st == EVS_OK && ferror(f))
		st = evs_index__fail(idx, EVS_E_IO, "%s: cannot read", c->source);
	fclose(f);
	if (st == EVS_OK && c->n == 0)
		st = evs_index__fail(idx, EVS_E_INVALID,
		                     "%s: lists no shard (a path or tcp://HOST:PORT "
		                     "a line)",
		                     c->source);
	return st;
}

/* The settings a shard must share with the others. */
static const char *const same_keys[] = {EVS_META_SCHEMA, EVS_META_STEMMER,
                                        EVS_META_NORMALISATION};

/* Checks that shard s has the settings of shard first. */
static evs_status check_settings(evs_index *idx, const shard *first,
                                 const shard *s)
{
	evs_status st = EVS_OK;
	for (size_t k = 0; k < 3 && st == EVS_OK; k++) {
		char *a = NULL, *b = NULL;
		if ((st = xs_db_get_metadata(first->db, same_keys[k], &a,
		                             idx->errmsg)) == EVS_OK &&
		    (st = xs_db_get_metadata(s->db, same_keys[k], &b, idx->errmsg)) ==
		        EVS_OK &&
		    strcmp(a, b) != 0)
			st = evs_index__fail(idx, EVS_E_VERSION,
			                     "%s: shard has %s \"%s\", but %s has \"%s\": "
			                     "the shards of a cluster must be built alike",
			                     s->name, same_keys[k], b, first->name, a);
		free(a);
		free(b);
	}
	return st;
}

/* Opens shard s; a shard that does not answer is left out (s->db NULL)
 * when partial results are allowed. */
static evs_status open_shard(evs_index *idx, evs_cluster *c, shard *s)
{
	evs_status st =
	    s->host ? xs_db_open_remote(&s->db, s->host, s->port, c->timeout_ms,
	                                c->connect_ms, idx->errmsg)
	            : xs_db_open_reader(&s->db, s->name, idx->errmsg);
	if (st == EVS_OK)
		return EVS_OK;
	if (st == EVS_E_NOTFOUND || st == EVS_E_IO)
		st = s->host ? EVS_E_UNAVAILABLE : EVS_E_NOTFOUND;
	if (c->allow_partial && (st == EVS_E_UNAVAILABLE || st == EVS_E_NOTFOUND))
		return EVS_OK;
	char detail[EVS_ERRLEN];
	snprintf(detail, sizeof detail, "%s", idx->errmsg);
	return evs_index__fail(idx, st, "%s: %s: %s", s->name,
	                       s->host ? "shard does not answer"
	                               : "cannot open the shard",
	                       detail);
}

/* Makes *out, the database of c's open shards, and c's list of parts. */
static evs_status combine(evs_index *idx, evs_cluster *c, xs_db **out)
{
	evs_status st;
	*out = NULL;
	free(c->part);
	c->nparts = 0;
	if (!(c->part = malloc((c->n ? c->n : 1) * sizeof *c->part)))
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	if ((st = xs_db_open_empty(out, idx->errmsg)) != EVS_OK)
		return st;
	const shard *first = NULL;
	for (size_t i = 0; i < c->n && st == EVS_OK; i++) {
		shard *s = &c->s[i];
		if (!s->db)
			continue;
		if (first)
			st = check_settings(idx, first, s);
		else
			first = s;
		if (st == EVS_OK &&
		    (st = xs_db_add(*out, s->db, idx->errmsg)) == EVS_OK)
			c->part[c->nparts++] = i;
	}
	if (st == EVS_OK && c->nparts == 0)
		st = evs_index__fail(idx, EVS_E_UNAVAILABLE, "%s: no shard answers",
		                     c->source ? c->source : idx->dir);
	c->form_keys = 1;
	for (size_t k = 0; st == EVS_OK && k < c->nparts && c->form_keys; k++) {
		char *v = NULL;
		st = xs_db_get_metadata(c->s[c->part[k]].db, EVS_META_FORM_KEYS, &v,
		                        idx->errmsg);
		c->form_keys = st == EVS_OK && strcmp(v, "1") == 0;
		free(v);
	}
	if (st != EVS_OK) {
		char ignore[XS_ERRLEN];
		xs_db_close(*out, ignore);
		*out = NULL;
	}
	return st;
}

/* A cluster from source (a cluster file) or the index directory dir. */
static evs_status build(evs_index *idx, const char *source, const char *dir,
                        int allow_partial, int timeout_ms, int connect_ms,
                        evs_cluster **cout, xs_db **dbout)
{
	evs_status st;
	*cout = NULL;
	*dbout = NULL;
	evs_cluster *c = calloc(1, sizeof *c);
	if (!c || (source && !(c->source = strdup(source)))) {
		evs_cluster__free(c);
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	}
	c->allow_partial = allow_partial;
	c->timeout_ms = timeout_ms < 0 ? 0
	                : timeout_ms   ? (unsigned)timeout_ms
	                               : DEFAULT_TIMEOUT_MS;
	c->connect_ms = connect_ms < 0 ? 0
	                : connect_ms   ? (unsigned)connect_ms
	                               : DEFAULT_TIMEOUT_MS;
	st = source ? read_file(idx, c) : add_local(idx, c, dir, "");
	for (size_t i = 0; st == EVS_OK && i < c->n; i++)
		st = open_shard(idx, c, &c->s[i]);
	if (st == EVS_OK)
		st = combine(idx, c, dbout);
	if (st != EVS_OK) {
		evs_cluster__free(c);
		return st;
	}
	*cout = c;
	return EVS_OK;
}

static evs_status open_as(evs_index *idx, const evs_open_options *opts,
                          const char *source)
{
	int v2 = opts->version >= 2;
	evs_cluster *c = NULL;
	xs_db *db = NULL;
	evs_status st = build(idx, source, idx->dir,
	                      (opts->flags & EVS_OPEN_ALLOW_PARTIAL) != 0,
	                      v2 ? opts->timeout_ms : 0,
	                      v2 ? opts->connect_timeout_ms : 0, &c, &db);
	if (st != EVS_OK)
		return st;
	idx->db = db;
	idx->cluster = c;
	if ((st = evs_index__load_settings(idx)) != EVS_OK)
		return st;
	if (opts->stemmer && strcmp(opts->stemmer, idx->stemmer) != 0)
		return evs_index__fail(idx, EVS_E_VERSION,
		                       "%s: index uses stemmer \"%s\", not \"%s\"",
		                       idx->dir, idx->stemmer, opts->stemmer);
	return EVS_OK;
}

evs_status evs_cluster__open_file(evs_index *idx, const evs_open_options *opts)
{
	if (!(idx->gen_name = strdup("cluster")) ||
	    !(idx->gen_path = strdup(idx->dir)))
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	return open_as(idx, opts, idx->dir);
}

evs_status evs_cluster__open_gen(evs_index *idx, const evs_open_options *opts)
{
	return open_as(idx, opts, NULL);
}

evs_status evs_cluster__reopen(evs_index *idx)
{
	evs_cluster *old = idx->cluster, *c = NULL;
	evs_cluster plain = {0};
	xs_db *db = NULL;
	char *gen = NULL;
	evs_status st = EVS_OK;
	if (!old)
		old = &plain; /* an index that was rebuilt with shards */
	if (!old->source && (st = evs_gen__read_link(idx->dir, "current", &gen,
	                                             idx->errmsg)) != EVS_OK)
		return st;
	char *path = gen ? format("%s/%s", idx->dir, gen) : NULL;
	if (gen && !path) {
		free(gen);
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	}
	st = build(idx, old->source, idx->dir, old->allow_partial,
	           old->timeout_ms ? (int)old->timeout_ms : -1,
	           old->connect_ms ? (int)old->connect_ms : -1, &c, &db);
	if (st == EVS_OK) {
		char ignore[XS_ERRLEN];
		xs_db_close(idx->db, ignore);
		evs_cluster__free(idx->cluster);
		idx->db = db;
		idx->cluster = c;
		if (gen) {
			free(idx->gen_name);
			free(idx->gen_path);
			idx->gen_name = gen;
			idx->gen_path = path;
			gen = path = NULL;
		}
		st = evs_index__load_settings(idx);
	}
	free(gen);
	free(path);
	return st;
}

evs_status evs_cluster__lost(evs_index *idx)
{
	evs_cluster *c = idx->cluster;
	char first[EVS_ERRLEN], detail[EVS_ERRLEN];
	snprintf(first, sizeof first, "%s", idx->errmsg);
	evs_buf names = EVS_BUF_INIT;
	size_t lost = 0;
	for (size_t i = 0; i < c->n; i++) {
		shard *s = &c->s[i];
		if (!s->db || xs_db_reopen(s->db, detail) == EVS_OK)
			continue;
		if (lost++ == 0)
			snprintf(first, sizeof first, "%s", detail);
		if ((names.len && evs_buf__adds(&names, ", ") < 0) ||
		    evs_buf__adds(&names, s->name) < 0) {
			evs_buf__dispose(&names);
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		}
		if (c->allow_partial) {
			xs_db_close(s->db, detail);
			s->db = NULL;
		}
	}
	evs_status st;
	if (!lost || !c->allow_partial) {
		st =
		    evs_index__fail(idx, EVS_E_UNAVAILABLE,
		                    "%s: shard does not answer: %s",
		                    lost ? names.p : (c->source ? c->source : idx->dir),
		                    first);
	} else {
		xs_db *db = NULL;
		if ((st = combine(idx, c, &db)) == EVS_OK) {
			xs_db_close(idx->db, detail);
			idx->db = db;
		}
	}
	evs_buf__dispose(&names);
	return st;
}

evs_status evs_cluster__docdict(evs_index *idx, size_t part, const char **dict,
                                size_t *len)
{
	evs_cluster *c = idx->cluster;
	if (part >= c->nparts)
		return evs_index__fail(idx, EVS_E_CORRUPT,
		                       "a hit from shard %zu of %zu", part, c->nparts);
	shard *s = &c->s[c->part[part]];
	if (!s->dict_read) {
		char *v = NULL;
		evs_status st =
		    xs_db_get_metadata(s->db, EVS_META_DOCDICT, &v, idx->errmsg);
		if (st != EVS_OK)
			return st;
		evs_buf__clear(&s->dict);
		int rc = evs_buf__adds(&s->dict, v);
		free(v);
		if (rc < 0)
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		s->dict_read = 1;
	}
	*dict = s->dict.len ? s->dict.p : NULL;
	*len = s->dict.len;
	return EVS_OK;
}

typedef struct form_ctx {
	evs_index *idx;
	size_t pl; /* the prefix's length */
	const char *stem;
	size_t sl;
	int (*fn)(void *ctx, const char *w, size_t len);
	void *ctx;
} form_ctx;

static int on_term(void *ctx, const char *term, size_t len)
{
	form_ctx *f = ctx;
	const char *w = term + f->pl;
	size_t wl = len - f->pl;
	char st[EVS_MAX_WORD * 2 + 8];
	if (wl == f->sl && memcmp(w, f->stem, wl) == 0)
		return 0; /* the stem itself: the query has it already */
	size_t n = evs_index__stem(f->idx, w, wl, st, sizeof st);
	if (n != f->sl || memcmp(st, f->stem, n) != 0)
		return 0;
	return f->fn(f->ctx, w, wl);
}

/* The forms of one stem as the shards' metadata keys list them: each
 * key's end after the prefix, in one buffer, NUL after each. */
typedef struct key_forms {
	size_t pl;  /* the keys' prefix's length */
	evs_buf at; /* the forms, each followed by '\0' */
	int marker; /* a form too long for a key: look the forms up otherwise */
	int nomem;
} key_forms;

static int on_key(void *ctx, const char *key, size_t len)
{
	key_forms *k = ctx;
	const char *w = key + k->pl;
	size_t wl = len - k->pl;
	if (wl == 1 && (unsigned char)w[0] == 0xff) {
		k->marker = 1;
		return 1;
	}
	if (evs_buf__add(&k->at, w, wl) != 0 || evs_buf__addc(&k->at, '\0') != 0) {
		k->nomem = 1;
		return 1;
	}
	return 0;
}

static int cmp_form(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Calls fn for each form of stem that a shard's metadata keys list, once
 * each, in byte order. *listed is 0 when they cannot say (a form too long
 * for a key, or a stem too long for its prefix). */
static evs_status keyed_forms(evs_index *idx, const char *stem, size_t sl,
                              int (*fn)(void *ctx, const char *w, size_t len),
                              void *ctx, int *listed)
{
	evs_cluster *c = idx->cluster;
	char term[EVS_TERM_BUF];
	size_t tl = evs_schema__term(term, EVS_PREFIX_FORMS, stem, sl);
	*listed = 0;
	if (sizeof XS_FORM_KEY + tl + 1 > XS_FORM_KEY_MAX)
		return EVS_OK;
	char prefix[sizeof XS_FORM_KEY + EVS_TERM_BUF + 1];
	memcpy(prefix, XS_FORM_KEY, sizeof XS_FORM_KEY - 1);
	memcpy(prefix + sizeof XS_FORM_KEY - 1, term, tl);
	size_t pl = sizeof XS_FORM_KEY - 1 + tl;
	prefix[pl++] = '\0';
	key_forms k = {pl, EVS_BUF_INIT, 0, 0};
	evs_status st = EVS_OK;
	for (size_t i = 0; st == EVS_OK && i < c->nparts && !k.marker && !k.nomem;
	     i++)
		st = xs_db_each_metadata_key(c->s[c->part[i]].db, prefix, pl, on_key,
		                             &k, idx->errmsg);
	size_t n = 0;
	for (size_t i = 0; i < k.at.len; i++)
		n += k.at.p[i] == '\0';
	const char **w = n ? malloc(n * sizeof *w) : NULL;
	if (st == EVS_OK && (k.nomem || (n && !w)))
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	if (st == EVS_OK && !k.marker) {
		for (size_t i = 0, at = 0; i < n; i++, at += strlen(k.at.p + at) + 1)
			w[i] = k.at.p + at;
		if (n)
			qsort(w, n, sizeof *w, cmp_form);
		for (size_t i = 0; i < n; i++)
			if ((i == 0 || strcmp(w[i], w[i - 1]) != 0) &&
			    fn(ctx, w[i], strlen(w[i])))
				break;
		*listed = 1;
	}
	free(w);
	evs_buf__dispose(&k.at);
	return st;
}

evs_status evs_cluster__each_form(
    evs_index *idx, const char *prefix, const char *stem, size_t sl,
    int (*fn)(void *ctx, const char *w, size_t len), void *ctx)
{
	if (idx->cluster && idx->cluster->form_keys && idx->stem) {
		int listed;
		evs_status st = keyed_forms(idx, stem, sl, fn, ctx, &listed);
		if (st != EVS_OK || listed)
			return st;
	}
	form_ctx f = {idx, strlen(prefix), stem, sl, fn, ctx};
	size_t cut = sl > 4 ? sl - 3 : 1;
	if (cut > sl || !idx->stem)
		return EVS_OK; /* no stemming: no forms */
	char start[EVS_TERM_BUF];
	evs_schema__term(start, prefix, stem, cut);
	return xs_db_each_term(idx->db, start, on_term, &f, idx->errmsg);
}

int evs_cluster__missing(const evs_cluster *c, char ***names, size_t *count)
{
	size_t n = 0;
	*names = NULL;
	*count = 0;
	for (size_t i = 0; i < c->n; i++)
		n += c->s[i].db == NULL;
	if (!n)
		return 0;
	if (!(*names = calloc(n, sizeof **names)))
		return -1;
	for (size_t i = 0; i < c->n; i++)
		if (!c->s[i].db && !((*names)[(*count)++] = strdup(c->s[i].name)))
			return -1;
	return 0;
}

evs_status evs_cluster__open_local(xs_db **out, const char *gen, char *err)
{
	*out = NULL;
	if (!evs_cluster__is_sharded(gen))
		return xs_db_open_reader(out, gen, err);
	evs_status st = xs_db_open_empty(out, err);
	struct stat sb;
	for (unsigned k = 0; st == EVS_OK; k++) {
		char *p = format("%s/shard-%u", gen, k);
		if (!p) {
			snprintf(err, XS_ERRLEN, "out of memory");
			st = EVS_E_NOMEM;
		} else if (stat(p, &sb) < 0) {
			free(p);
			break;
		} else {
			st = xs_db_add_path(*out, p, err);
		}
		free(p);
	}
	if (st != EVS_OK) {
		char ignore[XS_ERRLEN];
		xs_db_close(*out, ignore);
		*out = NULL;
	}
	return st;
}

evs_status evs_cluster__make_shards(const char *gen, char *const *parts,
                                    unsigned n, char *err)
{
	if (mkdir(gen, 0777) < 0) {
		snprintf(err, XS_ERRLEN, "%s: cannot create: %s", gen, strerror(errno));
		return EVS_E_IO;
	}
	evs_status st = EVS_OK;
	for (unsigned k = 0; k < n && st == EVS_OK; k++) {
		char *dest = format("%s/shard-%u", gen, k);
		const char *src[1] = {parts[k]};
		if (!dest) {
			snprintf(err, XS_ERRLEN, "out of memory");
			st = EVS_E_NOMEM;
		} else if ((st = xs_compact(src, 1, dest, err)) == EVS_OK &&
		           (st = evs_gen__sync(dest, err)) == EVS_OK) {
			evs_gen__remove(parts[k]);
		}
		free(dest);
	}
	return st;
}
