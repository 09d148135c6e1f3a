/* options.c: the evs_*_options_init() functions, for programs that cannot
 * use the header's EVS_*_OPTIONS_INIT macros (bindings through an FFI).
 * Each fills exactly the struct its version declares: a program built
 * against an older header passes a smaller struct.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <string.h>

#include "evsearch.h"

/* Copies the first size bytes of init (an INIT macro's struct) to opts
 * and sets its version, which every option struct has first. */
static evs_status fill(void *opts, int version, int latest, const void *init,
                       size_t size)
{
	if (!opts || version < 1 || version > latest)
		return EVS_E_INVALID;
	memcpy(opts, init, size);
	memcpy(opts, &version, sizeof version);
	return EVS_OK;
}

evs_status evs_open_options_init(evs_open_options *opts, int version)
{
	const evs_open_options init = EVS_OPEN_OPTIONS_INIT;
	size_t size = version == 1 ? offsetof(evs_open_options, connect_timeout_ms)
	                           : sizeof init;
	return fill(opts, version, EVS_OPEN_OPTIONS_VERSION, &init, size);
}

evs_status evs_add_options_init(evs_add_options *opts, int version)
{
	const evs_add_options init = EVS_ADD_OPTIONS_INIT;
	/* Version 1 ended with commit_every. */
	size_t size =
	    version == 1 ? offsetof(evs_add_options, format) : sizeof init;
	return fill(opts, version, EVS_ADD_OPTIONS_VERSION, &init, size);
}

evs_status evs_switch_options_init(evs_switch_options *opts, int version)
{
	const evs_switch_options init = EVS_SWITCH_OPTIONS_INIT;
	return fill(opts, version, EVS_SWITCH_OPTIONS_VERSION, &init, sizeof init);
}

evs_status evs_search_options_init(evs_search_options *opts, int version)
{
	const evs_search_options init = EVS_SEARCH_OPTIONS_INIT;
	return fill(opts, version, EVS_SEARCH_OPTIONS_VERSION, &init, sizeof init);
}
