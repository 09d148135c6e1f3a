/* handle.c: what every part of lib/ does on an evs_index handle: its
 * message, stemming with its stemmer, the documents a sync was given.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "handle.h"

evs_status evs_index__fail(evs_index *idx, evs_status status, const char *fmt,
                           ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(idx->errmsg, sizeof idx->errmsg, fmt, ap);
	va_end(ap);
	return status;
}

void evs_index__reset(evs_index *idx)
{
	idx->errmsg[0] = '\0';
}

const char *evs_errmsg(const evs_index *idx)
{
	return idx ? idx->errmsg : "no index handle";
}

size_t evs_index__stem(evs_index *idx, const char *word, size_t len, char *out,
                       size_t cap)
{
	if (idx->stem)
		return xs_stem_word(idx->stem, word, len, out, cap);
	size_t n = len < cap ? len : cap - 1;
	memcpy(out, word, n);
	out[n] = '\0';
	return n;
}

int evs_index__given(const evs_index *idx, unsigned docid)
{
	return (size_t)docid / 8 < idx->given_len &&
	       (idx->given[docid / 8] >> (docid % 8) & 1);
}
