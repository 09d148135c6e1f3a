/* docdata.c: stored records deflated with the index's dictionary (see
 * docdata.h). A packed record is the byte EVS_PACKED then a zlib stream:
 * its header names the dictionary (Adler-32 of it) and its trailer
 * checks the record, so that damaged data or another dictionary is an
 * error, never another record. A record as JSON begins with '{'.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "docdata.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define EVS_PACKED '\001'

struct evs_packer {
	z_stream zs;
	char *dict;
	size_t len;
};

evs_packer *evs_packer__new(const char *dict, size_t len)
{
	evs_packer *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->dict = malloc(len ? len : 1);
	if (!p->dict) {
		free(p);
		return NULL;
	}
	memcpy(p->dict, dict, len);
	p->len = len;
	/* A 32 KiB window, level 3. With a 32 KiB dictionary the long hash
	 * chains of the higher levels cost more than they gain: on the
	 * benchmark's records level 6 stores 619 bytes a record in 107 us,
	 * level 3 644 bytes in 69 us, level 1 710 bytes in 54 us (building
	 * is the scarcer of the two). */
	if (deflateInit2(&p->zs, 3, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		free(p->dict);
		free(p);
		return NULL;
	}
	return p;
}

void evs_packer__free(evs_packer *p)
{
	if (!p)
		return;
	deflateEnd(&p->zs);
	free(p->dict);
	free(p);
}

int evs_docdata__pack(evs_packer *p, const char *json, size_t len, evs_buf *out)
{
	evs_buf__clear(out);
	if (!p || len > UINT_MAX / 2)
		return evs_buf__add(out, json, len); /* zlib counts in uInt */
	uLong bound = deflateBound(&p->zs, (uLong)len);
	if (evs_buf__grow(out, (size_t)bound + 1) < 0)
		return -1;
	if (deflateReset(&p->zs) != Z_OK ||
	    deflateSetDictionary(&p->zs, (const Bytef *)p->dict, (uInt)p->len) !=
	        Z_OK)
		return -1;
	out->p[0] = EVS_PACKED;
	p->zs.next_in = (Bytef *)(uintptr_t)json;
	p->zs.avail_in = (uInt)len;
	p->zs.next_out = (Bytef *)out->p + 1;
	p->zs.avail_out = (uInt)bound;
	if (deflate(&p->zs, Z_FINISH) != Z_STREAM_END)
		return -1;
	out->len = 1 + (size_t)(bound - p->zs.avail_out);
	out->p[out->len] = '\0';
	return 0;
}

int evs_docdata__unpack(const char *dict, size_t dlen, const char *data,
                        size_t len, evs_buf *out)
{
	evs_buf__clear(out);
	if (len == 0 || data[0] != EVS_PACKED)
		return evs_buf__add(out, data, len) < 0 ? -2 : 0;
	if (!dict || len > UINT_MAX)
		return -1;
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 15) != Z_OK)
		return -2;
	int rc = -1;
	zs.next_in = (Bytef *)(uintptr_t)(data + 1);
	zs.avail_in = (uInt)(len - 1);
	for (;;) {
		if (evs_buf__grow(out, len * 4 + 256) < 0) {
			rc = -2;
			break;
		}
		size_t room = out->cap - out->len - 1;
		zs.next_out = (Bytef *)out->p + out->len;
		zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		size_t before = zs.avail_out;
		int z = inflate(&zs, Z_NO_FLUSH);
		out->len += before - zs.avail_out;
		out->p[out->len] = '\0';
		if (z == Z_NEED_DICT) {
			/* zlib checks that this is the dictionary it was made with. */
			if (inflateSetDictionary(&zs, (const Bytef *)dict, (uInt)dlen) !=
			    Z_OK)
				break;
			continue;
		}
		if (z == Z_STREAM_END) {
			rc = zs.avail_in == 0 ? 0 : -1;
			break;
		}
		if (z == Z_MEM_ERROR) {
			rc = -2;
			break;
		}
		if (z != Z_OK && z != Z_BUF_ERROR)
			break;
		if (z == Z_BUF_ERROR && zs.avail_in == 0)
			break; /* the stream stops short */
	}
	inflateEnd(&zs);
	return rc;
}

int evs_docdata__dict(const char *const *json, const size_t *len, size_t n,
                      evs_buf *out)
{
	evs_buf__clear(out);
	size_t total = 0, first = n;
	/* The newest records that fill the window, the last one whole. */
	while (first > 0 && total < EVS_DOCDICT_BYTES) {
		first--;
		total += len[first] + 1;
	}
	for (size_t i = first; i < n; i++)
		if (evs_buf__add(out, json[i], len[i]) < 0 ||
		    evs_buf__addc(out, '\n') < 0)
			return -1;
	if (out->len > EVS_DOCDICT_BYTES) {
		size_t cut = out->len - EVS_DOCDICT_BYTES;
		memmove(out->p, out->p + cut, EVS_DOCDICT_BYTES);
		out->len = EVS_DOCDICT_BYTES;
		out->p[out->len] = '\0';
	}
	return 0;
}
