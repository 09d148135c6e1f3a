/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The public header compiles alone as strict C11 (-std=c11 -Wpedantic
 * -Werror), its macros initialise what they name, each evs_*_options_init()
 * gives exactly what its macro gives, and the version macros are those of
 * the project (passed in by tests/CMakeLists.txt) and of the library. */
#include <stdio.h>
#include <string.h>

#include "evsearch.h"

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL: %s\n", what);
		failures++;
	}
}

int main(void)
{
	evs_open_options o = EVS_OPEN_OPTIONS_INIT, o2;
	evs_search_options s = EVS_SEARCH_OPTIONS_INIT, s2;
	evs_add_options a = EVS_ADD_OPTIONS_INIT, a2;
	evs_switch_options w = EVS_SWITCH_OPTIONS_INIT, w2;
	check(o.version == EVS_OPEN_OPTIONS_VERSION &&
	          s.version == EVS_SEARCH_OPTIONS_VERSION &&
	          a.version == EVS_ADD_OPTIONS_VERSION &&
	          w.version == EVS_SWITCH_OPTIONS_VERSION && EVS_OK == 0,
	      "INIT macros");

	/* Garbage first, so that a field the function forgets shows. */
	memset(&o2, 0x5a, sizeof o2);
	memset(&s2, 0x5a, sizeof s2);
	memset(&a2, 0x5a, sizeof a2);
	memset(&w2, 0x5a, sizeof w2);
	check(evs_open_options_init(&o2, EVS_OPEN_OPTIONS_VERSION) == EVS_OK &&
	          o2.version == o.version && o2.flags == o.flags &&
	          o2.stemmer == o.stemmer && o2.wait_seconds == o.wait_seconds &&
	          o2.threads == o.threads,
	      "evs_open_options_init");
	check(evs_search_options_init(&s2, EVS_SEARCH_OPTIONS_VERSION) ==
	              EVS_OK &&
	          s2.version == s.version && s2.flags == s.flags &&
	          s2.from == s.from && s2.to == s.to &&
	          s2.organisers == s.organisers &&
	          s2.n_organisers == s.n_organisers && s2.tags == s.tags &&
	          s2.n_tags == s.n_tags && s2.sort == s.sort &&
	          s2.offset == s.offset && s2.limit == s.limit &&
	          s2.facets == s.facets,
	      "evs_search_options_init");
	check(evs_add_options_init(&a2, EVS_ADD_OPTIONS_VERSION) == EVS_OK &&
	          a2.version == a.version && a2.report == a.report &&
	          a2.cancel == a.cancel && a2.progress == a.progress &&
	          a2.ctx == a.ctx && a2.commit_every == a.commit_every &&
	          a2.format == a.format && a2.expand_from == a.expand_from &&
	          a2.expand_to == a.expand_to,
	      "evs_add_options_init");
	check(evs_switch_options_init(&w2, EVS_SWITCH_OPTIONS_VERSION) ==
	              EVS_OK &&
	          w2.version == w.version && w2.min_events == w.min_events &&
	          w2.max_shrink_percent == w.max_shrink_percent &&
	          w2.max_errors == w.max_errors,
	      "evs_switch_options_init");

	/* Version 1 of evs_add_options is shorter: what follows is not
	 * touched. */
	memset(&a2, 0x5a, sizeof a2);
	check(evs_add_options_init(&a2, 1) == EVS_OK && a2.version == 1 &&
	          a2.commit_every == 0 && (int)a2.format == 0x5a5a5a5a,
	      "evs_add_options_init version 1");
	/* An unknown version or NULL: refused, nothing written. */
	memset(&o2, 0x5a, sizeof o2);
	check(evs_open_options_init(&o2, 99) == EVS_E_INVALID &&
	          o2.version == 0x5a5a5a5a,
	      "evs_open_options_init(99)");
	check(evs_search_options_init(NULL, 1) == EVS_E_INVALID &&
	          evs_add_options_init(&a2, 0) == EVS_E_INVALID &&
	          evs_switch_options_init(&w2, 2) == EVS_E_INVALID,
	      "bad arguments");

	/* Facets are enumerated through evs_facet_name(). */
	int n = 0;
	while (evs_facet_name((evs_facet)n))
		n++;
	check(n == EVS_FACET_TOPIC + 1, "evs_facet_name() enumerates 5 facets");

	char v[32];
	snprintf(v, sizeof v, "%d.%d.%d", EVSEARCH_VERSION_MAJOR,
	         EVSEARCH_VERSION_MINOR, EVSEARCH_VERSION_PATCH);
	check(strcmp(v, EVSEARCH_VERSION_STRING) == 0, "version macros agree");
	check(strcmp(EVSEARCH_VERSION_STRING, EVS_PROJECT_VERSION) == 0,
	      "header version is CMakeLists.txt's project(VERSION)");
	check(strcmp(evs_version(), EVSEARCH_VERSION_STRING) == 0,
	      "evs_version() is the header's");
	return failures != 0;
}
