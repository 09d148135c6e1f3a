/* fuzz-normalize.c: the one normalisation and the tokeniser, on any bytes:
 * tokens lie inside the input, terms are valid UTF-8 within the word cap.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdint.h>

#include "normalize.h"

static size_t input_len;

static int check(void *ctx, const evs_token *t)
{
	(void)ctx;
	if (t->off + t->olen > input_len || t->len > EVS_MAX_WORD ||
	    !evs_utf8__valid(t->term, t->len))
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	evs_normalizer nz = {0};
	evs_buf name = EVS_BUF_INIT;
	input_len = size;
	evs_tokenize__text(&nz, (const char *)data, size, check, NULL);
	if (evs_utf8__valid((const char *)data, size)) {
		if (evs_normalize__word(&nz, (const char *)data, size) == 0 &&
		    (nz.out.len > EVS_MAX_WORD ||
		     !evs_utf8__valid(nz.out.p, nz.out.len)))
			__builtin_trap();
		evs_normalize__name(&nz, (const char *)data, size, &name);
	}
	evs_buf__dispose(&name);
	evs_normalize__dispose(&nz);
	return 0;
}
