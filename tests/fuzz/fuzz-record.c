/* fuzz-record.c: one JSON Lines record through the checks and the
 * document builder, as evindex handles every line, its stored form
 * packed with a dictionary; and the input read as damaged stored data.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "docdata.h"
#include "event.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static xs_stem *stem;
	static evs_packer *packer;
	static const char dict[] =
	    "{\"id\":\"x\",\"title\":\"Open source summit\",\"start\":"
	    "\"2024-05-01T09:00:00+02:00\",\"organisers\":[\"EU\"]}\n";
	char err[XS_ERRLEN];
	if (!stem && xs_stem_new(&stem, "english", err) != EVS_OK)
		return 0;
	if (!packer && !(packer = evs_packer__new(dict, sizeof dict - 1)))
		return 0;
	/* Stored data that is not ours: an error or a record, never a crash. */
	evs_buf in = EVS_BUF_INIT, out = EVS_BUF_INIT;
	if (evs_buf__addc(&in, '\001') == 0 &&
	    evs_buf__add(&in, (const char *)data, size) == 0)
		(void)evs_docdata__unpack(dict, sizeof dict - 1, in.p, in.len, &out);
	evs_buf__dispose(&in);
	evs_buf__dispose(&out);
	evs_record rec;
	memset(&rec, 0, sizeof rec);
	evs_status st =
	    evs_event__check(&rec, (const char *)data, size, err, NULL, NULL);
	if (st == EVS_OK) {
		evs_normalizer nz = {0};
		evs_analyzer an = {&nz, stem, err, packer};
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
