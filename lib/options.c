/* options.c: the evs_*_options_init() functions, for programs that cannot
 * use the header's EVS_*_OPTIONS_INIT macros (bindings through an FFI).
 * Each fills exactly the struct its version declares: a program built
 * against an older header passes a smaller struct.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <string.h>

#include "evsearch.h"

evs_status evs_open_options_init(evs_open_options *opts, int version)
{
	const evs_open_options init = EVS_OPEN_OPTIONS_INIT;
	if (!opts || version != 1)
		return EVS_E_INVALID;
	*opts = init;
	return EVS_OK;
}

evs_status evs_add_options_init(evs_add_options *opts, int version)
{
	const evs_add_options init = EVS_ADD_OPTIONS_INIT;
	if (!opts || version < 1 || version > EVS_ADD_OPTIONS_VERSION)
		return EVS_E_INVALID;
	/* Version 1 ended with commit_every. */
	size_t size =
	    version == 1 ? offsetof(evs_add_options, format) : sizeof *opts;
	memcpy(opts, &init, size);
	opts->version = version;
	return EVS_OK;
}

evs_status evs_switch_options_init(evs_switch_options *opts, int version)
{
	const evs_switch_options init = EVS_SWITCH_OPTIONS_INIT;
	if (!opts || version != 1)
		return EVS_E_INVALID;
	*opts = init;
	return EVS_OK;
}

evs_status evs_search_options_init(evs_search_options *opts, int version)
{
	const evs_search_options init = EVS_SEARCH_OPTIONS_INIT;
	if (!opts || version != 1)
		return EVS_E_INVALID;
	*opts = init;
	return EVS_OK;
}
