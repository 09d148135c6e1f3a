/* fuzz-record.c: one JSON Lines record through the checks and the
 * document builder, as evindex handles every line.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "event.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static xs_stem *stem;
	char err[XS_ERRLEN];
	if (!stem && xs_stem_new(&stem, "english", err) != EVS_OK)
		return 0;
	evs_record rec;
	memset(&rec, 0, sizeof rec);
	evs_status st =
	    evs_event__check(&rec, (const char *)data, size, err, NULL, NULL);
	if (st == EVS_OK) {
		evs_normalizer nz = {0};
		evs_analyzer an = {&nz, stem, err, NULL};
		xs_doc *doc = NULL;
		char hash[65];
		if (evs_event__document(&doc, &an, &rec, hash) == EVS_OK &&
		    (!doc || strlen(hash) != 64))
			__builtin_trap();
		xs_doc_free(doc);
		evs_normalize__dispose(&nz);
	} else if (st == EVS_E_INVALID && err[0] == '\0') {
		__builtin_trap(); /* every refusal says why */
	}
	evs_record__dispose(&rec);
	return 0;
}
