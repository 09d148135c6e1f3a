/* util.h: what evsearchd's parts share: a growing text buffer with HTML
 * and URL escaping, strict query-string parsing, and dates.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVSD_UTIL_H
#define EVSD_UTIL_H

#include <stddef.h>

/* A growing buffer. After a failed allocation oom is set and every
 * further call does nothing, so that callers check once at the end. */
typedef struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
} sbuf;

void sbuf_add(sbuf *b, const char *s, size_t n);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' escaped: safe in text and in quoted
 * attribute values. NULL appends nothing. */
void sbuf_html(sbuf *b, const char *s);
/* Appends s percent-encoded for a query-string name or value. */
void sbuf_url(sbuf *b, const char *s);
/* Gives up the text (NUL-terminated, malloc'ed; NULL after oom). */
char *sbuf_take(sbuf *b, size_t *len);
void sbuf_free(sbuf *b);

/* The parameters of a query string, decoded, in their order. */
#define PARAMS_MAX 128
typedef struct params {
	size_t n;
	char *name[PARAMS_MAX];
	char *value[PARAMS_MAX];
} params;

/* Parses a raw query string (without '?'; NULL or "" is none): '&'
 * separates, '+' is a space, %XX a byte. Returns 0, or -1 with a message
 * in err for a bad percent escape, a name or value that is not UTF-8 or
 * holds a NUL byte or another control character, or too many
 * parameters. Free with params_free() in both cases. */
int params_parse(params *out, const char *query, char *err, size_t errlen);
void params_free(params *p);
/* The last value of name, or NULL. */
const char *params_get(const params *p, const char *name);
/* The first parameter whose name is not in the NULL-terminated list
 * known, or NULL when all are known. */
const char *params_unknown(const params *p, const char *const *known);

/* Whether s (n bytes) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
int utf8_valid(const char *s, size_t n);

/* Today's local date as "YYYY-MM-DD" into out[11]. */
void today_iso(char out[11]);

/* Days in month m (1..12) of year y. */
int month_days(int y, int m);

#endif
