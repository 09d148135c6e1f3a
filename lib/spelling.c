/* spelling.c: corrections of query words (spelling.h).
 *
 * Measured on the known-item benchmark (docs/ranking.md): one edit covers
 * the typos people make in one word; the most frequent candidate is the
 * right one far more often than not, since a typo rarely lands on another
 * frequent word.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "spelling.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* A word is looked at when it matches at most this many events, or one
 * in EVS_SPELL_RARE_SHARE of them in a large index (typos also occur in
 * the indexed text). */
#define EVS_SPELL_RARE 2
#define EVS_SPELL_RARE_SHARE 2000
/* A correction must match this many events, and this many times as many
 * as the word, to be offered; EVS_SPELL_APPLY_RATIO times as many (or the
 * word none) to be applied. */
#define EVS_SPELL_MIN_FREQ 1
#define EVS_SPELL_SUGGEST_RATIO 5
#define EVS_SPELL_APPLY_RATIO 50

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz";

int evs_spelling__eligible(const char *w, size_t len)
{
	size_t letters = 0;
	if (len > EVS_MAX_WORD - 2)
		return 0;
	/* Words with digits are left alone: "speaker1000" is no typo of
	 * "speaker100", nor "x87" of "x86". */
	for (size_t i = 0; i < len; i++) {
		char c = w[i];
		if (c < 'a' || c > 'z')
			return 0;
		letters++;
	}
	return letters >= 4;
}

/* The candidates of one word: their terms one after another in terms,
 * term k ending at ends[k]. */
typedef struct search {
	const char *prefix;
	evs_buf terms;
	size_t *ends;
	size_t n;
	int oom;
} search;

static void try_word(search *s, const char *c, size_t len)
{
	char term[EVS_TERM_BUF];
	size_t tl = evs_schema__term(term, s->prefix, c, len);
	if (s->oom || evs_buf__add(&s->terms, term, tl) != 0) {
		s->oom = 1;
		return;
	}
	s->ends[s->n++] = s->terms.len;
}

/* The number of words one edit from a word of n letters. */
static size_t edit_count(size_t n)
{
	return n + (n - 1) + 26 * n + 26 * (n + 1);
}

/* Every word one edit from w, in this order: deletions, swaps of
 * neighbours, replacements and insertions of a letter. */
static void edits(search *s, const char *w, size_t n)
{
	char c[EVS_MAX_WORD + 1];
	for (size_t i = 0; i < n; i++) {
		memcpy(c, w, i);
		memcpy(c + i, w + i + 1, n - i - 1);
		try_word(s, c, n - 1);
	}
	for (size_t i = 0; i + 1 < n; i++) {
		if (w[i] == w[i + 1])
			continue;
		memcpy(c, w, n);
		c[i] = w[i + 1];
		c[i + 1] = w[i];
		try_word(s, c, n);
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(c, w, n);
		for (const char *a = alphabet; *a; a++) {
			if (*a == w[i])
				continue;
			c[i] = *a;
			try_word(s, c, n);
		}
	}
	for (size_t i = 0; i <= n; i++) {
		memcpy(c, w, i);
		memcpy(c + i + 1, w + i, n - i);
		for (const char *a = alphabet; *a; a++) {
			c[i] = *a;
			try_word(s, c, n + 1);
		}
	}
}

/* The most frequent candidate of s (the first of equals) into word and
 * *best; its frequencies are asked for all at once, which on remote
 * shards is one round trip per server instead of one per candidate. */
static evs_status most_frequent(evs_index *idx, search *s, char *word,
                                size_t *wlen, uint64_t *best)
{
	uint64_t *f = malloc(s->n * sizeof *f);
	if (!f)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	evs_status st =
	    xs_db_termfreqs(idx->db, s->terms.p, s->ends, s->n, f, idx->errmsg);
	size_t plen = strlen(s->prefix);
	for (size_t k = 0; st == EVS_OK && k < s->n; k++) {
		if (f[k] <= *best)
			continue;
		size_t from = k ? s->ends[k - 1] : 0;
		*best = f[k];
		*wlen = s->ends[k] - from - plen;
		memcpy(word, s->terms.p + from + plen, *wlen);
		word[*wlen] = '\0';
	}
	free(f);
	return st;
}

evs_status evs_spelling__correct(evs_index *idx, const char *prefix,
                                 const char *w, size_t len, uint64_t freq,
                                 uint64_t ndocs, char *out, size_t cap,
                                 evs_spell_level *level)
{
	*level = EVS_SPELL_NONE;
	uint64_t rare = ndocs / EVS_SPELL_RARE_SHARE;
	if (rare < EVS_SPELL_RARE)
		rare = EVS_SPELL_RARE;
	if (freq > rare || !evs_spelling__eligible(w, len))
		return EVS_OK;
	search s = {prefix, EVS_BUF_INIT, malloc(edit_count(len) * sizeof(size_t)),
	            0, 0};
	char word[EVS_MAX_WORD + 2];
	size_t wlen = 0;
	uint64_t best = 0;
	evs_status st = EVS_OK;
	if (s.ends)
		edits(&s, w, len);
	if (!s.ends || s.oom)
		st = evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	else
		st = most_frequent(idx, &s, word, &wlen, &best);
	free(s.ends);
	evs_buf__dispose(&s.terms);
	if (st != EVS_OK)
		return st;
	if (best < EVS_SPELL_MIN_FREQ || best < EVS_SPELL_SUGGEST_RATIO * freq ||
	    wlen + 1 > cap)
		return EVS_OK;
	memcpy(out, word, wlen + 1);
	*level = freq == 0 || best >= EVS_SPELL_APPLY_RATIO * freq
	             ? EVS_SPELL_APPLY
	             : EVS_SPELL_SUGGEST;
	return EVS_OK;
}
