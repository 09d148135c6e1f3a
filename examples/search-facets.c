/* search-facets.c: search an evsearch index and print the hits and the
 * organiser and year facets. Build it against an installed libevsearch:
 *
 *   cc search-facets.c $(pkg-config --cflags --libs evsearch) -o search
 *   ./search ~/.local/share/evsearch/index "cyber treaty"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <evsearch.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s INDEX [QUERY]\n", argv[0]);
		return 2;
	}
	evs_index *idx = NULL;
	char *msg = NULL;
	evs_status st = evs_index_open(&idx, argv[1], NULL, &msg);
	if (st != EVS_OK) {
		fprintf(stderr, "%s\n", msg ? msg : evs_status_str(st));
		evs_free(msg);
		return 1;
	}
	evs_search_options opts = EVS_SEARCH_OPTIONS_INIT;
	opts.limit = 5;
	evs_results *res = NULL;
	st = evs_search(&res, idx, argc > 2 ? argv[2] : NULL, &opts);
	if (st != EVS_OK) {
		fprintf(stderr, "%s\n", evs_errmsg(idx));
		evs_index_close(idx);
		return 1;
	}
	printf("%llu events\n", (unsigned long long)evs_results_total(res));
	for (size_t i = 0; i < evs_results_count(res); i++)
		printf("%zu. %s (%s)\n", i + 1, evs_hit_title(res, i),
		       evs_hit_start(res, i));
	evs_facet facets[] = {EVS_FACET_ORGANISER, EVS_FACET_YEAR};
	for (size_t f = 0; f < 2; f++) {
		printf("%s:", evs_facet_name(facets[f]));
		for (size_t j = 0; j < evs_facet_count(res, facets[f]); j++) {
			uint64_t count;
			const char *v = evs_facet_value(res, facets[f], j, &count);
			printf(" %s=%llu", v, (unsigned long long)count);
		}
		printf("\n");
	}
	evs_results_free(res);
	return evs_index_close(idx) == EVS_OK ? 0 : 1;
}
