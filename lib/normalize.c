/* normalize.c: the one text normalisation (index AND query) and the
 * tokeniser that applies it word by word.
 *
 * Why words and not whole texts: snippets must map every term back to the
 * bytes it came from, and the query side must fold words without touching
 * the operators around them. Normalising word by word gives both from one
 * function, and pure-ASCII words (most of real event text) take a fast
 * path that only lowercases.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "normalize.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util.h"

void evs_normalize__dispose(evs_normalizer *nz)
{
	free(nz->cps);
	nz->cps = NULL;
	nz->cap = 0;
	evs_buf__dispose(&nz->out);
}

int evs_utf8__decode(const char *s, size_t n, int32_t *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t len =
	    utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
	if (len <= 0)
		return -1;
	*cp = c;
	return (int)len;
}

int evs_utf8__valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		int32_t cp;
		int len = evs_utf8__decode(s + i, n - i, &cp);
		if (len < 0)
			return 0;
		i += (size_t)len;
	}
	return 1;
}

/* Cuts a UTF-8 buffer to at most max bytes without splitting a
 * character. */
static void cut_utf8(evs_buf *b, size_t max)
{
	if (b->len <= max)
		return;
	size_t n = evs_util__utf8_cut(b->p, b->len, max);
	b->len = n;
	b->p[n] = '\0';
}

/* Combining marks that are accents on Latin, Greek and Cyrillic letters.
 * Only these are removed: the marks of Indic and other scripts carry
 * vowels, and removing them would merge different words. */
static int is_accent(int32_t c)
{
	return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	       (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	       (c >= 0xFE20 && c <= 0xFE2F);
}

/* Letters that do not decompose, folded (after case folding) to their
 * usual Latin spelling. Returns the number of code points written. */
static int fold_letter(int32_t c, int32_t out[2])
{
	switch (c) {
	case 0x00F8: out[0] = 'o'; return 1; /* ø */
	case 0x0142: out[0] = 'l'; return 1; /* ł */
	case 0x0111: out[0] = 'd'; return 1; /* đ */
	case 0x00F0: out[0] = 'd'; return 1; /* ð */
	case 0x0127: out[0] = 'h'; return 1; /* ħ */
	case 0x0131: out[0] = 'i'; return 1; /* ı */
	case 0x0167: out[0] = 't'; return 1; /* ŧ */
	case 0x00E6:
		out[0] = 'a';
		out[1] = 'e';
		return 2; /* æ */
	case 0x0153:
		out[0] = 'o';
		out[1] = 'e';
		return 2; /* œ */
	case 0x00FE:
		out[0] = 't';
		out[1] = 'h';
		return 2; /* þ */
	case 0x00DF:
		out[0] = 's';
		out[1] = 's';
		return 2; /* ß */
	case 0x2019:  /* fall through: typographic apostrophes */
	case 0x02BC: out[0] = '\''; return 1;
	default: out[0] = c; return 1;
	}
}

static int ensure_cps(evs_normalizer *nz, size_t need)
{
	int32_t *p = evs_util__grow(nz->cps, &nz->cap, need, sizeof *p, 64);
	if (!p)
		return -1;
	nz->cps = p;
	return 0;
}

int evs_normalize__word(evs_normalizer *nz, const char *s, size_t n)
{
	evs_buf__clear(&nz->out);
	size_t i;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			break;
	if (i == n) {
		/* ASCII: folding is lowercasing, and nothing decomposes. */
		size_t m = n < EVS_MAX_WORD ? n : EVS_MAX_WORD;
		if (evs_buf__grow(&nz->out, m) < 0)
			return -1;
		for (i = 0; i < m; i++) {
			char c = s[i];
			nz->out.p[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		}
		nz->out.len = m;
		nz->out.p[m] = '\0';
		return 0;
	}

	const utf8proc_option_t decomp = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
	                                 UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
	utf8proc_ssize_t cnt = 0;
	for (;;) {
		cnt =
		    utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
		                       nz->cps, (utf8proc_ssize_t)nz->cap, decomp);
		if (cnt < 0)
			return -1;
		if ((size_t)cnt * 3 + 4 <= nz->cap)
			break;
		if (ensure_cps(nz, (size_t)cnt * 3 + 4) < 0)
			return -1;
	}
	/* Fold into the space after the decomposition: at most 2 code points
	 * come out per code point in. */
	int32_t *dst = nz->cps + cnt;
	size_t m = 0;
	for (utf8proc_ssize_t k = 0; k < cnt; k++) {
		if (is_accent(nz->cps[k]))
			continue;
		int32_t f[2];
		int nf = fold_letter(nz->cps[k], f);
		for (int j = 0; j < nf; j++)
			dst[m++] = f[j];
	}
	utf8proc_ssize_t len =
	    utf8proc_normalize_utf32(dst, (utf8proc_ssize_t)m,
	                             UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	if (len < 0)
		return -1;
	len = utf8proc_reencode(dst, len, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	if (len < 0)
		return -1;
	if (evs_buf__add(&nz->out, (const char *)dst, (size_t)len) < 0)
		return -1;
	cut_utf8(&nz->out, EVS_MAX_WORD);
	return 0;
}

/* Word characters: letters, numbers, marks and connector punctuation
 * other than "_", as Xapian's TermGenerator has them, and the invisible
 * joiners that the normalisation removes (soft hyphen, ZWJ, ZWNJ, word
 * joiner). "_" joins the parts of a compound (is_joiner). */
static int is_word(int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		       (c >= '0' && c <= '9');
	if (c == 0x00AD || c == 0x200C || c == 0x200D || c == 0x2060)
		return 1;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_PC: return 1;
	default: return 0;
	}
}

static int is_apostrophe(int32_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x02BC;
}

/* Hyphens that join the parts of a compound word. */
static int is_hyphen(int32_t c)
{
	return c == '-' || c == 0x2010 || c == 0x2011;
}

static int32_t peek(const char *s, size_t n, size_t i, int *len);

static size_t scan_word(const char *s, size_t n, size_t i);

/* Whether s[from..to) holds two characters or more. */
static int two_chars(const char *s, size_t from, size_t to)
{
	int len;
	if (to <= from)
		return 0;
	(void)peek(s, to, from, &len);
	return from + (size_t)len < to;
}

/* Whether the character at s[i] joins the word s[start..i) to the one
 * after it into a compound, and its length in *len: hyphens and "_"
 * before any word character ("x86_64" is "x86-64"), "." between two words
 * of two characters or more that begins with a letter ("Node.js"; not
 * "3.12", nor the abbreviations "e.g.", "i.e." and "U.S.", whose joins
 * were rare words that matched every text using them). */
static int is_joiner(const char *s, size_t n, size_t start, size_t i, int *len)
{
	int wl;
	int32_t h = peek(s, n, i, len);
	if (!*len || !(is_hyphen(h) || h == '_' || h == '.'))
		return 0;
	size_t next = i + (size_t)*len;
	int32_t w = peek(s, n, next, &wl);
	if (!wl || !is_word(w))
		return 0;
	if (h != '.')
		return 1;
	return (utf8proc_category(w) == UTF8PROC_CATEGORY_LU ||
	        utf8proc_category(w) == UTF8PROC_CATEGORY_LL) &&
	       two_chars(s, start, i) && two_chars(s, next, scan_word(s, n, next));
}

/* The code point at s[i] (0 at the end or on invalid UTF-8) and its
 * length in *len (1 on invalid UTF-8, so that scanning moves on). */
static int32_t peek(const char *s, size_t n, size_t i, int *len)
{
	if (i >= n) {
		*len = 0;
		return 0;
	}
	unsigned char c = (unsigned char)s[i];
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	int32_t cp;
	int l = evs_utf8__decode(s + i, n - i, &cp);
	if (l < 0) {
		*len = 1;
		return 0;
	}
	*len = l;
	return cp;
}

/* Scans one word from s[i]; returns the index after it. */
static size_t scan_word(const char *s, size_t n, size_t i)
{
	int len;
	for (;;) {
		int32_t c = peek(s, n, i, &len);
		if (len == 0)
			break;
		if (is_word(c)) {
			i += (size_t)len;
			continue;
		}
		if (is_apostrophe(c)) {
			int len2;
			int32_t d = peek(s, n, i + (size_t)len, &len2);
			if (len2 && is_word(d)) {
				i += (size_t)len;
				continue;
			}
		}
		break;
	}
	/* "C++" and "C#": keep the suffix when a non-word follows it. */
	int l2;
	if (i < n && s[i] == '+' && i + 1 < n && s[i + 1] == '+') {
		if (!is_word(peek(s, n, i + 2, &l2)) || l2 == 0)
			i += 2;
	} else if (i < n && s[i] == '#') {
		if (!is_word(peek(s, n, i + 1, &l2)) || l2 == 0)
			i += 1;
	}
	return i;
}

/* Emits the join of the parts in joined (back positions back from the
 * last one, partial when it is not the whole compound). */
static int emit_join(evs_buf *joined, size_t off, size_t olen, unsigned back,
                     int partial, evs_token_fn fn, void *ctx)
{
	cut_utf8(joined, EVS_MAX_WORD);
	evs_token t = {joined->p, joined->len, off, olen, back, partial};
	return fn(ctx, &t);
}

int evs_tokenize__text(evs_normalizer *nz, const char *s, size_t n,
                       evs_token_fn fn, void *ctx)
{
	evs_buf joined = EVS_BUF_INIT, pair = EVS_BUF_INIT;
	int rc = 0;
	size_t i = 0;
	while (i < n) {
		int len;
		int32_t c = peek(s, n, i, &len);
		if (!is_word(c)) {
			i += (size_t)len;
			continue;
		}
		size_t start = i, prev_off = 0;
		unsigned parts = 0;
		evs_buf__clear(&joined);
		for (;;) {
			size_t end = scan_word(s, n, i);
			int hl;
			int more = is_joiner(s, n, i, end, &hl);
			if (evs_normalize__word(nz, s + i, end - i) < 0) {
				rc = -1;
				goto done;
			}
			if (nz->out.len > 0) {
				evs_token t = {nz->out.p, nz->out.len, i, end - i, 0, 0};
				if (evs_buf__add(&joined, nz->out.p, nz->out.len) < 0) {
					rc = -1;
					goto done;
				}
				parts++;
				if ((rc = fn(ctx, &t)) != 0)
					goto done;
				/* In a compound of three or more parts, each two
				 * neighbours joined too: "E-Mail-Adresse" gives "email"
				 * and "mailadresse", so that "email" finds it. */
				if (parts >= 2 && (parts >= 3 || more) &&
				    ((rc = evs_buf__add(&pair, nz->out.p, nz->out.len)) < 0 ||
				     (rc = emit_join(&pair, prev_off, end - prev_off, 1, 1,
				                     fn, ctx)) != 0))
					goto done;
				evs_buf__clear(&pair);
				if ((rc = evs_buf__add(&pair, nz->out.p, nz->out.len)) < 0)
					goto done;
				prev_off = i;
			}
			i = end;
			if (!more)
				break;
			i += (size_t)hl;
		}
		if (parts >= 2 && (rc = emit_join(&joined, start, i - start, parts - 1,
		                                  0, fn, ctx)) != 0)
			goto done;
	}
done:
	evs_buf__dispose(&joined);
	evs_buf__dispose(&pair);
	return rc;
}

struct name_ctx {
	evs_buf *out;
};

static int name_token(void *ctx, const evs_token *t)
{
	struct name_ctx *nc = ctx;
	if (t->back)
		return 0;
	if (nc->out->len && evs_buf__addc(nc->out, ' ') < 0)
		return -1;
	return evs_buf__add(nc->out, t->term, t->len) < 0 ? -1 : 0;
}

int evs_normalize__name(evs_normalizer *nz, const char *s, size_t n,
                        evs_buf *out)
{
	evs_buf__clear(out);
	struct name_ctx nc = {out};
	if (evs_buf__grow(out, 0) < 0)
		return -1;
	return evs_tokenize__text(nz, s, n, name_token, &nc) ? -1 : 0;
}
