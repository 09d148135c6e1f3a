/* handle.c: what every part of lib/ does on an evs_index handle: its
 * message, stemming with its stemmer, the documents a sync was given.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

#include "docdata.h"
#include "event.h"

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

void evs_index__dispose(evs_index *idx)
{
	free(idx->live_name);
	xs_stem_free(idx->stem);
	free(idx->dir);
	free(idx->gen_name);
	free(idx->gen_path);
	free(idx->stemmer);
	free(idx->normalisation);
	evs_hashset__dispose(&idx->seen);
	free(idx->given);
	for (size_t i = 0; i < idx->nheld; i++)
		evs_record__dispose(&idx->held[i]);
	free(idx->held);
	free(idx->held_seen);
	evs_buf__dispose(&idx->dict_src);
	evs_buf__dispose(&idx->docdict);
	evs_packer__free(idx->packer);
	for (unsigned i = 0; i < idx->nparts; i++)
		free(idx->parts[i]);
	free(idx->parts);
	evs_normalize__dispose(&idx->nz);
	free(idx->synonyms_path);
	free(idx);
}
