/* api.c: the parts of the public API that need no handle: the version,
 * the name of a status, freeing what the library returned.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdlib.h>

#include "evsearch.h"

const char *evs_version(void)
{
	return EVSEARCH_VERSION_STRING;
}

const char *evs_status_str(evs_status status)
{
	switch (status) {
	case EVS_OK: return "ok";
	case EVS_E_INVALID: return "invalid";
	case EVS_E_NOTFOUND: return "not found";
	case EVS_E_QUERY_SYNTAX: return "query syntax error";
	case EVS_E_LOCKED: return "locked";
	case EVS_E_MODIFIED: return "modified";
	case EVS_E_CORRUPT: return "corrupt";
	case EVS_E_VERSION: return "version mismatch";
	case EVS_E_NOMEM: return "out of memory";
	case EVS_E_IO: return "I/O error";
	case EVS_E_READONLY: return "read-only";
	case EVS_E_CANCELLED: return "cancelled";
	case EVS_E_BACKEND: return "backend error";
	case EVS_E_REJECTED: return "rejected";
	case EVS_E_UNAVAILABLE: return "shard unavailable";
	}
	return "unknown status";
}

void evs_free(void *ptr)
{
	free(ptr);
}
