/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The public header compiles alone as strict C11 (-std=c11 -Wpedantic
 * -Werror) and its macros initialise what they name. */
#include "evsearch.h"

int main(void)
{
	evs_open_options o = EVS_OPEN_OPTIONS_INIT;
	evs_search_options s = EVS_SEARCH_OPTIONS_INIT;
	evs_add_options a = EVS_ADD_OPTIONS_INIT;
	return !(o.version == EVS_OPEN_OPTIONS_VERSION &&
	         s.version == EVS_SEARCH_OPTIONS_VERSION &&
	         a.version == EVS_ADD_OPTIONS_VERSION && EVS_OK == 0 &&
	         EVSEARCH_VERSION_MAJOR >= 0);
}
