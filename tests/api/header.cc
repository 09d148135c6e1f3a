// SPDX-License-Identifier: GPL-3.0-or-later
// The public header compiles as C++ and links from C++.
#include "evsearch.h"

#include <cstring>

int main()
{
	evs_search_options s = EVS_SEARCH_OPTIONS_INIT;
	return !(s.version == EVS_SEARCH_OPTIONS_VERSION &&
	         std::strcmp(evs_version(), EVSEARCH_VERSION_STRING) == 0);
}
