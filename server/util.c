/* util.c: evsearchd's text buffer, query-string parsing and dates.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int grow(sbuf *b, size_t extra)
{
	if (b->oom)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + extra + 1) {
		if (cap > ((size_t)-1) / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void sbuf_add(sbuf *b, const char *s, size_t n)
{
	if (grow(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sbuf_puts(sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf_html(sbuf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		sbuf_add(b, run, (size_t)(s - run));
		sbuf_puts(b, rep);
		run = s + 1;
	}
	sbuf_add(b, run, (size_t)(s - run));
}

void sbuf_url(sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			sbuf_add(b, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			sbuf_add(b, e, 3);
		}
	}
}

char *sbuf_take(sbuf *b, size_t *len)
{
	if (b->oom) {
		sbuf_free(b);
		return NULL;
	}
	if (!b->p)
		grow(b, 0);
	char *p = b->p;
	if (p)
		p[b->len] = '\0';
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void sbuf_free(sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			k = 1, cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2, cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3, cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k + 1;
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into a new string; NULL with a message on a bad
 * escape or text. */
static char *decode(const char *s, size_t n, const char *what, char *err,
                    size_t errlen)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	if (!out) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				snprintf(err, errlen,
				         "%s: bad percent escape (%% must be followed by "
				         "two hex digits)",
				         what);
				free(out);
				return NULL;
			}
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	for (size_t i = 0; i < o; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			snprintf(err, errlen, "%s: control character %#04x", what, c);
			free(out);
			return NULL;
		}
	}
	if (!utf8_valid(out, o)) {
		snprintf(err, errlen, "%s: not UTF-8 text", what);
		free(out);
		return NULL;
	}
	return out;
}

int params_parse(params *out, const char *query, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *s = query ? query : "";
	while (*s) {
		size_t seg = strcspn(s, "&");
		if (seg > 0) {
			if (out->n == PARAMS_MAX) {
				snprintf(err, errlen, "more than %d parameters", PARAMS_MAX);
				return -1;
			}
			const char *eq = memchr(s, '=', seg);
			size_t nlen = eq ? (size_t)(eq - s) : seg;
			char *name = decode(s, nlen, "parameter name", err, errlen);
			if (!name)
				return -1;
			out->name[out->n] = name;
			char what[80];
			snprintf(what, sizeof what, "%.60s", name);
			char *value = eq ? decode(eq + 1, seg - nlen - 1, what, err, errlen)
			                 : strdup("");
			if (!value) {
				out->n++; /* the name is freed with the others */
				out->value[out->n - 1] = NULL;
				return -1;
			}
			out->value[out->n++] = value;
		}
		s += seg;
		if (*s == '&')
			s++;
	}
	return 0;
}

void params_free(params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->name[i]);
		free(p->value[i]);
	}
	p->n = 0;
}

const char *params_get(const params *p, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			v = p->value[i];
	return v;
}

const char *params_unknown(const params *p, const char *const *known)
{
	for (size_t i = 0; i < p->n; i++) {
		size_t k = 0;
		while (known[k] && strcmp(known[k], p->name[i]) != 0)
			k++;
		if (!known[k])
			return p->name[i];
	}
	return NULL;
}

void today_iso(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return m >= 1 && m <= 12 ? days[m - 1] : 31;
}
