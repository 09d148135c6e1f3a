/* spelling.c: corrections of query words (spelling.h).
 *
 * Measured on the known-item benchmark (docs/ranking.md): one edit covers
 * the typos people make in one word; the most frequent candidate is the
 * right one far more often than not, since a typo rarely lands on another
 * frequent word.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "spelling.h"

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

typedef struct search {
	evs_index *idx;
	const char *prefix;
	uint64_t best;
	char word[EVS_MAX_WORD + 1];
	size_t len;
	evs_status st;
} search;

/* Looks up one candidate and keeps it when it is the most frequent yet. */
static void try_word(search *s, const char *c, size_t len)
{
	char term[EVS_TERM_BUF];
	uint64_t f = 0;
	if (s->st != EVS_OK)
		return;
	size_t tl = evs_schema__term(term, s->prefix, c, len);
	s->st = xs_db_termfreq(s->idx->db, term, tl, &f, s->idx->errmsg);
	if (s->st == EVS_OK && f > s->best) {
		s->best = f;
		memcpy(s->word, c, len);
		s->word[len] = '\0';
		s->len = len;
	}
}

/* Every word one edit from w: deletions, swaps of neighbours,
 * replacements and insertions of a letter. */
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
	search s = {idx, prefix, 0, "", 0, EVS_OK};
	edits(&s, w, len);
	if (s.st != EVS_OK)
		return s.st;
	if (s.best < EVS_SPELL_MIN_FREQ ||
	    s.best < EVS_SPELL_SUGGEST_RATIO * freq || s.len + 1 > cap)
		return EVS_OK;
	memcpy(out, s.word, s.len + 1);
	*level = freq == 0 || s.best >= EVS_SPELL_APPLY_RATIO * freq
	             ? EVS_SPELL_APPLY
	             : EVS_SPELL_SUGGEST;
	return EVS_OK;
}
