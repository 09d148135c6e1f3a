/* snippet.c: a window of the description around the matched words. The
 * words are found with the same tokeniser, normalisation and stemmer as
 * the index, so "Søgôciö" in the text is marked for a query "sogocio".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "normalize.h"
#include "results.h"
#include "util.h"
#include "xapian-shim.h"

#define WINDOW_WORDS 30
#define MAX_BYTES 240

typedef struct span {
	size_t off, len;
	int match;
	size_t group; /* parts of one matched compound share a group (k + 1) */
} span;

typedef struct snip {
	const evs_highlight *hl;
	xs_stem *stem;
	span *w;
	size_t n, cap;
	int failed;
} snip;

static int matches(const snip *s, const char *term, size_t len)
{
	char stem[EVS_MAX_WORD * 2 + 8];
	size_t sl;
	if (s->stem) {
		sl = xs_stem_word(s->stem, term, len, stem, sizeof stem);
	} else {
		sl = len < sizeof stem ? len : sizeof stem - 1;
		memcpy(stem, term, sl);
	}
	for (size_t i = 0; i < s->hl->nstems; i++) {
		const char *h = s->hl->stems[i];
		if ((strlen(h) == sl && memcmp(h, stem, sl) == 0) ||
		    (strlen(h) == len && memcmp(h, term, len) == 0))
			return 1;
	}
	for (size_t i = 0; i < s->hl->nprefixes; i++) {
		size_t pl = strlen(s->hl->prefixes[i]);
		if (pl <= len && memcmp(s->hl->prefixes[i], term, pl) == 0)
			return 1;
	}
	return 0;
}

static int on_token(void *ctx, const evs_token *t)
{
	snip *s = ctx;
	int m = matches(s, t->term, t->len);
	if (t->back) {
		/* A joined compound matched: mark all of its parts. */
		if (m && t->back < s->n) {
			size_t first = s->n - 1 - t->back;
			for (size_t k = first; k < s->n; k++) {
				s->w[k].match = 1;
				s->w[k].group = first + 1;
			}
		}
		return 0;
	}
	if (s->n == s->cap) {
		span *w = evs_util__grow(s->w, &s->cap, s->n + 1, sizeof *w, 64);
		if (!w) {
			s->failed = 1;
			return -1;
		}
		s->w = w;
	}
	s->w[s->n].off = t->off;
	s->w[s->n].len = t->olen;
	s->w[s->n].match = m;
	s->w[s->n].group = 0;
	s->n++;
	return 0;
}

/* Appends text with runs of white space made one space and control
 * characters left out (a snippet is for display, and a feed's escape
 * sequences must not reach a terminal); with html, escaped. */
static int add_text(evs_buf *b, const char *s, size_t n, int html)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		unsigned char u = (unsigned char)c;
		int rc;
		if (u == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9F) {
			i++; /* a C1 control */
			continue;
		}
		if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F)
			continue;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (b->len && b->p[b->len - 1] == ' ')
				continue;
			rc = evs_buf__addc(b, ' ');
		} else if (html && c == '&') {
			rc = evs_buf__adds(b, "&amp;");
		} else if (html && c == '<') {
			rc = evs_buf__adds(b, "&lt;");
		} else if (html && c == '>') {
			rc = evs_buf__adds(b, "&gt;");
		} else {
			rc = evs_buf__addc(b, c);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

char *evs_snippet__make(const evs_results *res, size_t i, const char *open,
                        const char *close, int html)
{
	const evs_hit *h = &res->hits[i];
	/* The description's words around the matches; an event without one
	 * has no snippet (its title is shown anyway). */
	const char *text = "";
	json_t *d = json_object_get(h->rec, "description");
	if (json_is_string(d))
		text = json_string_value(d);
	size_t n = strlen(text);
	snip s = {&res->hl, NULL, NULL, 0, 0, 0};
	evs_normalizer nz = {0};
	evs_buf out = EVS_BUF_INIT;
	char *result = NULL;
	char err[XS_ERRLEN];
	if (res->stemmer && strcmp(res->stemmer, "none") != 0 &&
	    xs_stem_new(&s.stem, res->stemmer, err) != EVS_OK)
		goto done;
	if (evs_tokenize__text(&nz, text, n, on_token, &s) != 0 || s.failed)
		goto done;
	if (evs_buf__grow(&out, 0) < 0)
		goto done;
	if (s.n == 0) {
		result = evs_buf__detach(&out);
		goto done;
	}
	/* The window of WINDOW_WORDS words with the most matches; the first
	 * such window when several tie. */
	size_t best = 0, best_count = 0, count = 0;
	for (size_t k = 0; k < s.n; k++) {
		count += s.w[k].match;
		if (k >= WINDOW_WORDS)
			count -= s.w[k - WINDOW_WORDS].match;
		size_t start = k + 1 >= WINDOW_WORDS ? k + 1 - WINDOW_WORDS : 0;
		if (count > best_count) {
			best_count = count;
			best = start;
		}
	}
	/* Centre the matches of that window in it, so that they have context
	 * on both sides, without running past the end of the text. */
	if (best_count) {
		size_t f = best, l = best;
		while (!s.w[f].match)
			f++;
		for (size_t k = f; k < s.n && k < best + WINDOW_WORDS; k++)
			if (s.w[k].match)
				l = k;
		size_t spare = WINDOW_WORDS - (l - f + 1);
		best = f > spare / 2 ? f - spare / 2 : 0;
		if (best + WINDOW_WORDS > s.n)
			best = s.n > WINDOW_WORDS ? s.n - WINDOW_WORDS : 0;
		if (best > f)
			best = f;
	}
	size_t last = best;
	while (last + 1 < s.n && last + 1 < best + WINDOW_WORDS &&
	       s.w[last + 1].off + s.w[last + 1].len - s.w[best].off <= MAX_BYTES)
		last++;
	if (best > 0 && evs_buf__adds(&out, "\xE2\x80\xA6") < 0)
		goto done;
	size_t pos = s.w[best].off;
	for (size_t k = best; k <= last; k++) {
		if (add_text(&out, text + pos, s.w[k].off - pos, html) < 0)
			goto done;
		/* The parts of a matched compound are marked as one. */
		int cont_prev =
		    k > best && s.w[k].group && s.w[k - 1].group == s.w[k].group;
		int cont_next =
		    k < last && s.w[k].group && s.w[k + 1].group == s.w[k].group;
		if (s.w[k].match && !cont_prev && evs_buf__adds(&out, open) < 0)
			goto done;
		if (add_text(&out, text + s.w[k].off, s.w[k].len, html) < 0)
			goto done;
		if (s.w[k].match && !cont_next && evs_buf__adds(&out, close) < 0)
			goto done;
		pos = s.w[k].off + s.w[k].len;
	}
	/* Keep the sentence's end when it is right there. */
	if (pos < n && strchr(".!?", text[pos]) && last + 1 == s.n) {
		if (add_text(&out, text + pos, 1, html) < 0)
			goto done;
	} else if (last + 1 < s.n && evs_buf__adds(&out, "\xE2\x80\xA6") < 0) {
		goto done;
	}
	result = evs_buf__detach(&out);
done:
	xs_stem_free(s.stem);
	free(s.w);
	evs_normalize__dispose(&nz);
	evs_buf__dispose(&out);
	return result;
}
