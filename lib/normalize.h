/* normalize.h: the one text normalisation, used at index AND query time,
 * and the tokeniser built on it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_NORMALIZE_H
#define EVS_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "evsearch.h"

/* Stored in every index; a change to what the normalisation does must
 * change this name so that old indexes are refused, not silently wrong. */
#define EVS_NORMALISATION_NAME "nfkc-casefold-strip-accents-latin-fold-3"

/* Longest term a word becomes, in bytes; longer words are cut at a
 * character boundary (Xapian refuses terms over 245 bytes, and prefixes
 * need room). */
#define EVS_MAX_WORD 64

/* Scratch space reused across calls, so that normalising a word does not
 * allocate once the buffers have grown. */
typedef struct evs_normalizer {
	int32_t *cps;
	size_t cap;
	evs_buf out;
} evs_normalizer;

void evs_normalize__dispose(evs_normalizer *nz);

/* Normalises one word (valid UTF-8, n bytes): NFKC, case folding, accents
 * removed, letters that do not decompose folded to their usual Latin
 * spelling (ø o, ł l, đ d, ð d, ħ h, ı i, ŧ t, æ ae, œ oe, þ th, ß ss),
 * typographic
 * apostrophes made ASCII. The result is nz->out (cut to EVS_MAX_WORD
 * bytes). Returns 0, or -1 when out of memory or s is not UTF-8. */
int evs_normalize__word(evs_normalizer *nz, const char *s, size_t n);

/* One token of text. */
typedef struct evs_token {
	const char *term; /* normalised, NUL-terminated; valid in the callback */
	size_t len;
	size_t off; /* where it came from in the source text */
	size_t olen;
	/* 0 for a word, which takes the next position. For the joined form
	 * of a compound ("multi-stakeholder" -> "multistakeholder"), emitted
	 * after its parts: how many positions back its first part stands. */
	unsigned back;
	/* 1 for the join of two neighbouring parts of a compound of three or
	 * more ("email" of "E-Mail-Adresse"), emitted after the second; 0
	 * for the join of the whole compound. */
	int partial;
} evs_token;

/* Returns 0 to go on, non-zero to stop tokenising (returned as is). */
typedef int (*evs_token_fn)(void *ctx, const evs_token *tok);

/* Splits valid UTF-8 text into words (letters, digits, marks, connector
 * punctuation but "_"; apostrophes inside a word; "C++" and "C#"),
 * normalises each, and calls fn for each. Words joined by hyphens, "_",
 * or "." before a letter ("x86_64", "Node.js") are emitted part by part,
 * each two neighbours joined (when there are three parts or more), and
 * the whole joined. Returns 0, -1 when out of memory, or fn's
 * non-zero value. */
int evs_tokenize__text(evs_normalizer *nz, const char *s, size_t n,
                       evs_token_fn fn, void *ctx);

/* Normalises a whole name or tag for exact matching: its words,
 * normalised, joined by single spaces ("EU  Cyber-Direct" and "eu cyber
 * direct" both give "eu cyber direct"). Result in *out (cleared first).
 * Returns 0 or -1 when out of memory. */
int evs_normalize__name(evs_normalizer *nz, const char *s, size_t n,
                        evs_buf *out);

/* Decodes one UTF-8 character at s (n > 0 bytes left): returns its length
 * and stores the code point, or returns -1 for invalid UTF-8. */
int evs_utf8__decode(const char *s, size_t n, int32_t *cp);

/* Returns whether s holds n bytes of valid UTF-8 with no NUL. */
int evs_utf8__valid(const char *s, size_t n);

#endif
