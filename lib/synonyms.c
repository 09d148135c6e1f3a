/* synonyms.c: the operator's synonyms (synonyms.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "synonyms.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Built in: words that name the same thing in event schedules, where
 * the short form is the usual one and rarely means anything else. Kept
 * in step with docs/query-syntax.md, "Synonyms". */
static const char defaults[] =
    "UN = United Nations\n"
    "EU = European Union\n"
    "postgres = postgresql\n"
    "k8s = kubernetes\n"
    "js = javascript\n"
    "i18n = internationalisation = internationalization\n"
    "l10n = localisation = localization\n"
    "a11y = accessibility\n"
    "cfp = call for papers = call for proposals\n";

typedef struct entry {
	const char *key; /* a side, in sides[] */
	uint32_t rule;
} entry;

typedef struct rule {
	uint32_t first, n; /* its sides in sides[] */
} rule;

struct evs_synonyms {
	char **sides;
	size_t nsides, sides_cap;
	rule *rules;
	size_t nrules, rules_cap;
	entry *entries;
	size_t nentries, entries_cap;
	size_t max_words;
};

void evs_synonyms__free(evs_synonyms *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nsides; i++)
		free(s->sides[i]);
	free(s->sides);
	free(s->rules);
	free(s->entries);
	free(s);
}

size_t evs_synonyms__max_words(const evs_synonyms *s)
{
	return s ? s->max_words : 0;
}

/* Grows an array of elements of size sz to hold one more. */
static int grow(void **arr, size_t n, size_t *cap, size_t sz)
{
	void *a = evs_util__grow(*arr, cap, n + 1, sz, 16);
	if (!a)
		return -1;
	*arr = a;
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

/* Adds the side of text s (n bytes) to the rule being read; returns
 * its word count, 0 when it has no words, -1 when out of memory. */
static int add_side(evs_index *idx, evs_synonyms *s, const char *text,
                    size_t n)
{
	evs_buf name = EVS_BUF_INIT;
	int words = -1;
	if (evs_normalize__name(&idx->nz, text, n, &name) < 0)
		goto done;
	if (name.len == 0) {
		words = 0;
		goto done;
	}
	if (grow((void **)&s->sides, s->nsides, &s->sides_cap,
	         sizeof *s->sides) < 0)
		goto done;
	words = 1;
	for (size_t i = 0; i < name.len; i++)
		words += name.p[i] == ' ';
	s->sides[s->nsides++] = evs_buf__detach(&name);
	if (!s->sides[s->nsides - 1]) {
		s->nsides--;
		words = -1;
	}
done:
	evs_buf__dispose(&name);
	return words;
}

/* Reads one line (n bytes, no newline) of name at line lineno. */
static evs_status parse_line(evs_index *idx, evs_synonyms *s, const char *name,
                             size_t lineno, const char *l, size_t n)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'))
		i++;
	if (i == n || l[i] == '#')
		return EVS_OK;
	if (n > EVS_SYN_MAX_LINE)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "%s:%zu: a line is longer than %d bytes", name,
		                       lineno, EVS_SYN_MAX_LINE);
	if (!evs_utf8__valid(l, n))
		return evs_index__fail(idx, EVS_E_INVALID, "%s:%zu: not UTF-8", name,
		                       lineno);
	size_t first = s->nsides, sides = 0;
	for (size_t at = 0; at <= n; sides++) {
		const char *eq = memchr(l + at, '=', n - at);
		size_t end = eq ? (size_t)(eq - l) : n;
		int words = add_side(idx, s, l + at, end - at);
		if (words < 0)
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		if (words == 0 || words > EVS_SYN_MAX_WORDS)
			return evs_index__fail(
			    idx, EVS_E_INVALID,
			    "%s:%zu: side %zu of the rule has %s words (1 to %d)", name,
			    lineno, sides + 1, words ? "too many" : "no",
			    EVS_SYN_MAX_WORDS);
		if ((size_t)words > s->max_words)
			s->max_words = (size_t)words;
		at = end + 1;
	}
	if (sides < 2 || sides > EVS_SYN_MAX_SIDES)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "%s:%zu: a rule is 2 to %d sides joined by "
		                       "\"=\", as in \"postgres = postgresql\"",
		                       name, lineno, EVS_SYN_MAX_SIDES);
	if (grow((void **)&s->rules, s->nrules, &s->rules_cap, sizeof *s->rules) <
	    0)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	s->rules[s->nrules] = (rule){(uint32_t)first, (uint32_t)sides};
	for (size_t k = first; k < s->nsides; k++) {
		if (grow((void **)&s->entries, s->nentries, &s->entries_cap,
		         sizeof *s->entries) < 0)
			return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
		s->entries[s->nentries++] = (entry){s->sides[k], (uint32_t)s->nrules};
	}
	s->nrules++;
	return EVS_OK;
}

evs_status evs_synonyms__parse(evs_index *idx, evs_synonyms **s,
                               const char *name, const char *text, size_t n)
{
	if (!*s && !(*s = calloc(1, sizeof **s)))
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	evs_status st = EVS_OK;
	size_t lineno = 0;
	for (size_t at = 0; at < n && st == EVS_OK;) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - text) : n;
		st = parse_line(idx, *s, name, ++lineno, text + at, end - at);
		at = end + 1;
	}
	if ((*s)->nentries > 1)
		qsort((*s)->entries, (*s)->nentries, sizeof *(*s)->entries, by_key);
	return st;
}

size_t evs_synonyms__find(const evs_synonyms *s, const char *key,
                          const char **out, size_t cap)
{
	size_t lo = 0, hi = s ? s->nentries : 0, n = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->entries[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < (s ? s->nentries : 0) && strcmp(s->entries[lo].key, key) == 0;
	     lo++) {
		const rule *r = &s->rules[s->entries[lo].rule];
		for (uint32_t k = r->first; k < r->first + r->n && n < cap; k++) {
			const char *side = s->sides[k];
			int seen = strcmp(side, key) == 0;
			for (size_t j = 0; j < n && !seen; j++)
				seen = strcmp(out[j], side) == 0;
			if (!seen)
				out[n++] = side;
		}
	}
	return n;
}

/* Reads the whole file at path into *out; a missing file is an error
 * only when required. */
static evs_status read_file(evs_index *idx, const char *path, int required,
                            evs_buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		/* ENOTDIR: the index is a cluster file, which has no
		 * directory of its own (--synonyms names a file then). */
		if ((errno == ENOENT || errno == ENOTDIR) && !required)
			return EVS_OK;
		return evs_index__fail(idx, EVS_E_IO, "%s: %s", path, strerror(errno));
	}
	char chunk[4096];
	size_t got;
	evs_status st = EVS_OK;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (evs_buf__add(out, chunk, got) < 0) {
			st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
			break;
		}
	if (st == EVS_OK && ferror(f))
		st = evs_index__fail(idx, EVS_E_IO, "%s: read error", path);
	fclose(f);
	return st;
}

/* Reads the built-in rules (unless turned off) and the file. */
static evs_status load(evs_index *idx)
{
	evs_buf text = EVS_BUF_INIT, path = EVS_BUF_INIT;
	evs_synonyms *s = NULL;
	evs_status st = EVS_OK;
	int own = idx->synonyms_path != NULL;
	if (!(idx->synonyms_flags & EVS_SYNONYMS_NO_DEFAULTS))
		st = evs_synonyms__parse(idx, &s, "(built-in synonyms)", defaults,
		                         sizeof defaults - 1);
	if (st == EVS_OK &&
	    (own ? evs_buf__adds(&path, idx->synonyms_path)
	         : (evs_buf__adds(&path, idx->dir) < 0 ||
	            evs_buf__adds(&path, "/" EVS_SYNONYMS_FILE))) < 0)
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	if (st == EVS_OK)
		st = read_file(idx, path.p, own, &text);
	if (st == EVS_OK)
		st = evs_synonyms__parse(idx, &s, path.p, text.p ? text.p : "",
		                         text.len);
	evs_buf__dispose(&text);
	evs_buf__dispose(&path);
	if (st != EVS_OK) {
		evs_synonyms__free(s);
		return st;
	}
	evs_synonyms__free(idx->synonyms);
	idx->synonyms = s;
	idx->synonyms_read = 1;
	return EVS_OK;
}

evs_status evs_synonyms__of(evs_index *idx, const evs_synonyms **out)
{
	evs_status st = idx->synonyms_read ? EVS_OK : load(idx);
	*out = idx->synonyms;
	return st;
}

evs_status evs_index_set_synonyms(evs_index *idx, const char *path,
                                  unsigned flags)
{
	if (!idx)
		return EVS_E_INVALID;
	char *copy = NULL;
	if (path && !(copy = strdup(path)))
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	free(idx->synonyms_path);
	idx->synonyms_path = copy;
	idx->synonyms_flags = flags;
	idx->synonyms_read = 0;
	return load(idx);
}
