/* evsearch: searches an evsearch index and prints ranked, faceted results.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evsearch.h"
#include "format.h"

static const char *const prog = "evsearch";

enum {
	OPT_INDEX,
	OPT_ALL,
	OPT_PLAIN,
	OPT_EXPAND,
	OPT_NO_EXPAND,
	OPT_EXACT,
	OPT_PREFIX,
	OPT_SYNONYMS,
	OPT_NO_DEFAULT_SYNONYMS,
	OPT_FROM,
	OPT_TO,
	OPT_ORGANISER,
	OPT_ORGANIZER,
	OPT_TAG,
	OPT_SORT,
	OPT_LIMIT,
	OPT_OFFSET,
	OPT_JSON,
	OPT_NO_FACETS,
	OPT_FACET_LIMIT,
	OPT_CANCELLED,
	OPT_OCCURRENCES,
	OPT_COLOR,
	OPT_ALLOW_PARTIAL,
	OPT_TIMEOUT,
	OPT_VERSION,
	OPT_HELP
};

static const cli_option options[] = {
    [OPT_INDEX] = {"index", 'i', 1, "DIR",
                   "index directory, or a cluster file of shards "
                   "(default: see Environment below)"},
    [OPT_ALL] = {"all", 'a', 0, NULL, "require every word (default: any word)"},
    [OPT_PLAIN] = {"plain", 'p', 0, NULL,
                   "plain words: no operators, fields, phrases or wildcards"},
    [OPT_EXPAND] = {"expand", 0, 0, NULL,
                    "reorder by the words of the top matches (feedback: "
                    "the default)"},
    [OPT_NO_EXPAND] = {"no-expand", 0, 0, NULL,
                       "no feedback: order by the query's words alone"},
    [OPT_EXACT] = {"exact", 'e', 0, NULL,
                   "words as typed: no spelling correction, suggestion or "
                   "synonyms"},
    [OPT_PREFIX] = {"prefix", 0, 0, NULL,
                    "the last word is a prefix (search as you type)"},
    [OPT_SYNONYMS] = {"synonyms", 0, 1, "FILE",
                      "synonym rules (docs/query-syntax.md; default: the "
                      "index directory's file \"synonyms\")"},
    [OPT_NO_DEFAULT_SYNONYMS] = {"no-default-synonyms", 0, 0, NULL,
                                 "leave out the built-in synonyms"},
    [OPT_FROM] = {"from", 0, 1, "DATE",
                  "events ending on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD, "
                  "today)"},
    [OPT_TO] = {"to", 0, 1, "DATE", "events starting on or before DATE"},
    [OPT_ORGANISER] = {"organiser", 'o', 1, "NAME",
                       "events by this organiser (whole name; repeatable)"},
    [OPT_ORGANIZER] = {"organizer", 0, 1, "NAME", "same as --organiser"},
    [OPT_TAG] = {"tag", 't', 1, "TAG", "events with this tag (repeatable)"},
    [OPT_SORT] = {"sort", 's', 1, "ORDER",
                  "relevance, date (oldest first) or -date (newest first)"},
    [OPT_LIMIT] = {"limit", 'n', 1, "N",
                   "show N results (default 10; 0: only the total and "
                   "facets)"},
    [OPT_OFFSET] = {"offset", 0, 1, "N", "skip the first N results (paging)"},
    [OPT_JSON] = {"json", 'j', 0, NULL,
                  "print one JSON document (docs/output-format.md)"},
    [OPT_NO_FACETS] = {"no-facets", 0, 0, NULL, "do not count facets"},
    [OPT_FACET_LIMIT] = {"facet-limit", 0, 1, "N",
                         "show N values of each facet (0: all; default 8 "
                         "organisers, 12 years and months, 10 tags and "
                         "topics)"},
    [OPT_CANCELLED] = {"cancelled", 0, 0, NULL,
                       "include cancelled events (left out by default)"},
    [OPT_OCCURRENCES] = {"occurrences", 0, 0, NULL,
                         "list every matching occurrence of recurring "
                         "events (default: the next one)"},
    [OPT_COLOR] = {"color", 0, 1, "WHEN",
                   "auto (default: on a terminal, unless NO_COLOR), always, "
                   "never"},
    [OPT_ALLOW_PARTIAL] = {"allow-partial", 0, 0, NULL,
                           "cluster: search the shards that answer when "
                           "some do not (--json lists the others)"},
    [OPT_TIMEOUT] = {"timeout", 0, 1, "MS",
                     "cluster: milliseconds a remote shard may take to "
                     "connect and to answer (default 10000)"},
    [OPT_VERSION] = {"version", 'V', 0, NULL, "print the version and exit"},
    [OPT_HELP] = {"help", 'h', 0, NULL, "print this help and exit"},
    {0},
};

#define MAX_VALUES 64

typedef struct args {
	const char *index;
	const char *synonyms;
	unsigned synonym_flags;
	evs_search_options so;
	const char *organisers[MAX_VALUES];
	const char *tags[MAX_VALUES];
	size_t facet_limit; /* format_text()'s: 0 its defaults, SIZE_MAX all */
	evs_open_options oo;
	int json, color, version, help;
} args;

/* Says which organiser a filter that matched none was read as. */
static int print_organisers_meant(const evs_results *res, const args *a)
{
	for (size_t i = 0; i < a->so.n_organisers; i++) {
		const char *m = evs_results_organiser_meant(res, i);
		if (m && printf("Showing events of organiser \u201c%s\u201d; no "
		                "organiser is called \u201c%s\u201d (--exact)\n",
		                m, a->organisers[i]) < 0)
			return -1;
	}
	return 0;
}

static int parse_count(const char *name, const char *v, size_t min, size_t max,
                       size_t *out)
{
	unsigned long long n;
	if (cli_parse_count(prog, name, v, min, max, &n) < 0)
		return -1;
	*out = (size_t)n;
	return 0;
}

static int on_option(void *ctx, int which, const char *arg)
{
	args *a = ctx;
	switch (which) {
	case OPT_INDEX: a->index = arg; break;
	case OPT_ALL: a->so.flags |= EVS_SEARCH_ALL_WORDS; break;
	case OPT_EXPAND: a->so.flags &= ~EVS_SEARCH_NO_EXPAND; break;
	case OPT_NO_EXPAND: a->so.flags |= EVS_SEARCH_NO_EXPAND; break;
	case OPT_PLAIN: a->so.flags |= EVS_SEARCH_PLAIN; break;
	case OPT_EXACT: a->so.flags |= EVS_SEARCH_EXACT; break;
	case OPT_PREFIX: a->so.flags |= EVS_SEARCH_PREFIX; break;
	case OPT_SYNONYMS: a->synonyms = arg; break;
	case OPT_NO_DEFAULT_SYNONYMS:
		a->synonym_flags |= EVS_SYNONYMS_NO_DEFAULTS;
		break;
	case OPT_FROM: a->so.from = arg; break;
	case OPT_TO: a->so.to = arg; break;
	case OPT_ORGANISER:
	case OPT_ORGANIZER:
		if (a->so.n_organisers == MAX_VALUES) {
			cli_error(prog, "at most %d --organiser values", MAX_VALUES);
			return -1;
		}
		a->organisers[a->so.n_organisers++] = arg;
		break;
	case OPT_TAG:
		if (a->so.n_tags == MAX_VALUES) {
			cli_error(prog, "at most %d --tag values", MAX_VALUES);
			return -1;
		}
		a->tags[a->so.n_tags++] = arg;
		break;
	case OPT_SORT:
		if (strcmp(arg, "relevance") == 0)
			a->so.sort = EVS_SORT_RELEVANCE;
		else if (strcmp(arg, "date") == 0)
			a->so.sort = EVS_SORT_DATE;
		else if (strcmp(arg, "-date") == 0)
			a->so.sort = EVS_SORT_DATE_DESC;
		else {
			cli_error(prog, "--sort: \"%s\" is not relevance, date or -date",
			          arg);
			return -1;
		}
		break;
	case OPT_LIMIT:
		if (parse_count("limit", arg, 0, 10000, &a->so.limit) < 0)
			return -1;
		/* The library's 0 means its default; ours means no hits. */
		if (a->so.limit == 0)
			a->so.flags |= EVS_SEARCH_NO_HITS;
		else
			a->so.flags &= ~EVS_SEARCH_NO_HITS;
		break;
	case OPT_OFFSET:
		return parse_count("offset", arg, 0, 1000000, &a->so.offset);
	case OPT_JSON: a->json = 1; break;
	case OPT_NO_FACETS: a->so.flags |= EVS_SEARCH_NO_FACETS; break;
	case OPT_FACET_LIMIT:
		if (parse_count("facet-limit", arg, 0, 1000000, &a->facet_limit) < 0)
			return -1;
		if (a->facet_limit == 0)
			a->facet_limit = SIZE_MAX;
		break;
	case OPT_CANCELLED: a->so.flags |= EVS_SEARCH_CANCELLED; break;
	case OPT_OCCURRENCES: a->so.flags |= EVS_SEARCH_OCCURRENCES; break;
	case OPT_COLOR:
		if (strcmp(arg, "auto") == 0)
			a->color = -1;
		else if (strcmp(arg, "always") == 0)
			a->color = 1;
		else if (strcmp(arg, "never") == 0)
			a->color = 0;
		else {
			cli_error(prog, "--color: \"%s\" is not auto, always or never",
			          arg);
			return -1;
		}
		break;
	case OPT_ALLOW_PARTIAL: a->oo.flags |= EVS_OPEN_ALLOW_PARTIAL; break;
	case OPT_TIMEOUT: {
		size_t ms;
		if (parse_count("timeout", arg, 1, 3600000, &ms) < 0)
			return -1;
		a->oo.timeout_ms = a->oo.connect_timeout_ms = (int)ms;
		break;
	}
	case OPT_VERSION: a->version = 1; break;
	case OPT_HELP: a->help = 1; break;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: evsearch [--index DIR] [OPTIONS] [QUERY...]\n"
	        "\n"
	        "Searches the events indexed by evindex and prints them, best "
	        "match first,\n"
	        "with counts by organiser, year, month, tag and topic. With no "
	        "QUERY it lists\nevery "
	        "event that passes the filters, newest first.\n"
	        "\n"
	        "Options:\n");
	cli_print_options(out, options);
	fprintf(out,
	        "\n"
	        "Query syntax:\n"
	        "  cyber treaty           events with either word; those with "
	        "both come first\n"
	        "  cyber AND treaty       both words (also: --all)\n"
	        "  cyber OR crime, cyber NOT crime, (a OR b) AND c\n"
	        "  \"+treaty -draft\"       treaty required, draft excluded\n"
	        "  \"cybercrime treaty\"    the exact phrase\n"
	        "  consult*               words beginning with consult\n"
	        "  title:treaty  participant:hakmeh  organiser:chatham  "
	        "location:vienna\n"
	        "  tag:cybercrime  topic:\"human rights\"  id:EVENT-ID\n"
	        "Words match regardless of case and accents (muller finds "
	        "Müller) and by\n"
	        "stem (consultations finds consultation); "
	        "multistakeholder finds\n"
	        "multi-stakeholder. Operators are in capitals; a word that "
	        "begins with '-'\n"
	        "excludes, so quote the whole query or put it after --.\n"
	        "\n"
	        "Examples:\n"
	        "  evsearch \"multistakeholder consultation\"\n"
	        "  evsearch --organiser \"EU Cyber Direct\"\n"
	        "  evsearch --from 2022-03-01 --to 2022-03-05\n"
	        "  evsearch --json -n 50 participant:hakmeh | jq "
	        "'.results[].title'\n"
	        "\n"
	        "Environment:\n"
	        "  EVSEARCH_INDEX  index directory when --index is not given\n"
	        "  XDG_DATA_HOME   else $XDG_DATA_HOME/evsearch/index (default\n"
	        "                  ~/.local/share/evsearch/index)\n"
	        "  NO_COLOR        set and non-empty: no colour\n"
	        "\n"
	        "%s",
	        cli_exit_help_evsearch);
}

/* Whether the command line asks for JSON (--json or -j before "--"), read
 * before parsing it so that a usage error is reported in JSON too. */
static int wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			return 1;
	return 0;
}

/* With --json, a failure is also a JSON document on stdout
 * (docs/output-format.md): status is evs_status_str()'s name of the
 * library's status, or "usage" for a bad command line; message is what
 * stderr says after "evsearch: ". */
static void print_json_error(const char *status, int exit_status)
{
	printf("{\n  \"format_version\": %d,\n  \"error\": {\n"
	       "    \"status\": ",
	       EVS_FORMAT_VERSION);
	cli_json_string(stdout, status);
	printf(",\n    \"exit_status\": %d,\n    \"message\": ", exit_status);
	cli_json_string(stdout, cli_last_error());
	printf("\n  }\n}\n");
}

/* Searches again for the same events with the cancelled ones included,
 * to tell someone who found none that cancelled events match. Returns
 * how many do (0 when that cannot be told). */
static uint64_t count_cancelled(evs_index *idx, const char *query,
                                const evs_search_options *so)
{
	evs_search_options o = *so;
	evs_results *res = NULL;
	o.flags |= EVS_SEARCH_CANCELLED | EVS_SEARCH_NO_HITS | EVS_SEARCH_NO_FACETS;
	uint64_t n = 0;
	if (evs_search(&res, idx, query, &o) == EVS_OK)
		n = evs_results_total(res);
	evs_results_free(res);
	return n;
}

/* Joins the QUERY arguments with spaces; NULL when there are none. */
static char *join_args(char **v, int n)
{
	if (n == 0)
		return NULL;
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *q = malloc(len);
	if (!q)
		return NULL;
	q[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(q, " ");
		strcat(q, v[i]);
	}
	return q;
}

int main(int argc, char **argv)
{
	args a;
	memset(&a, 0, sizeof a);
	evs_search_options init = EVS_SEARCH_OPTIONS_INIT;
	a.so = init;
	evs_open_options oinit = EVS_OPEN_OPTIONS_INIT;
	a.oo = oinit;
	a.color = -1;
	int nargs = 0, rc = CLI_EXIT_OK;
	char *dir = NULL, *query = NULL, *msg = NULL;
	evs_index *idx = NULL;
	evs_results *res = NULL;
	const char *status = "usage"; /* of a failure, for print_json_error */

	/* Output into a closed pipe ("evsearch ... | head -1") ends quietly:
	 * writes fail with EPIPE instead of killing us mid-line. */
	signal(SIGPIPE, SIG_IGN);
	/* Past a file size limit (ulimit -f), writes fail with EFBIG and are
	 * reported, instead of SIGXFSZ killing us without a word. */
	signal(SIGXFSZ, SIG_IGN);
	if (cli_parse(prog, argc, argv, options, on_option, &a, &nargs) < 0) {
		if (wants_json(argc, argv))
			print_json_error(status, CLI_EXIT_USAGE);
		return cli_finish_stdout(prog, CLI_EXIT_USAGE);
	}
	int done = cli_help_or_version(prog, "evsearch", a.help, a.version, usage);
	if (done >= 0)
		return done;
	a.so.organisers = a.organisers;
	a.so.tags = a.tags;
	dir = a.index ? strdup(a.index) : cli_default_index();
	if (!dir) {
		cli_error(prog, "no index directory: give --index DIR or set "
		                "EVSEARCH_INDEX");
		rc = CLI_EXIT_USAGE;
		goto done;
	}
	if (nargs && !(query = join_args(argv, nargs))) {
		cli_error(prog, "out of memory");
		status = evs_status_str(EVS_E_NOMEM);
		rc = CLI_EXIT_INTERNAL;
		goto done;
	}
	if (query && strspn(query, " \t\n") == strlen(query)) {
		free(query); /* blanks: a listing, as with no QUERY */
		query = NULL;
	}
	evs_status st = evs_index_open(&idx, dir, &a.oo, &msg);
	if (st != EVS_OK) {
		cli_error(prog, "%s", msg ? msg : evs_status_str(st));
		status = evs_status_str(st);
		rc = cli_exit_status(st);
		goto done;
	}
	if (a.synonyms || a.synonym_flags)
		st = evs_index_set_synonyms(idx, a.synonyms, a.synonym_flags);
	if (st == EVS_OK)
		st = evs_search(&res, idx, query, &a.so);
	if (st != EVS_OK) {
		if (st == EVS_E_QUERY_SYNTAX)
			cli_error(prog, "query syntax: %s", evs_errmsg(idx));
		else
			cli_error(prog, "%s", evs_errmsg(idx));
		status = evs_status_str(st);
		rc = cli_exit_status(st);
		goto done;
	}
	for (size_t i = 0; evs_results_missing(res, i); i++)
		fprintf(stderr, "%s: warning: partial results: shard %s does not "
		                "answer\n",
		        prog, evs_results_missing(res, i));
	int werr;
	if (a.json) {
		char *doc = evs_results_json(res);
		if (!doc) {
			cli_error(prog, "out of memory");
			status = evs_status_str(EVS_E_NOMEM);
			rc = CLI_EXIT_INTERNAL;
			goto done;
		}
		werr = fputs(doc, stdout) < 0;
		evs_free(doc);
	} else {
		int color = a.color < 0 ? cli_use_color(stdout) : a.color;
		werr = print_organisers_meant(res, &a) < 0 ||
		       format_text(stdout, res, query, color, cli_terminal_width(),
		                   (a.so.flags & EVS_SEARCH_OCCURRENCES) != 0,
		                   a.facet_limit) < 0;
		uint64_t cancelled = 0;
		if (!werr && evs_results_total(res) == 0 &&
		    !(a.so.flags & EVS_SEARCH_CANCELLED))
			cancelled = count_cancelled(idx, query, &a.so);
		if (cancelled)
			werr = printf("%llu cancelled event%s match%s: add --cancelled "
			              "to see %s.\n",
			              (unsigned long long)cancelled,
			              cancelled == 1 ? "" : "s", cancelled == 1 ? "es" : "",
			              cancelled == 1 ? "it" : "them") < 0;
	}
	if (fflush(stdout) != 0 || werr) {
		/* A reader that went away (EPIPE) is no error worth a message. */
		if (errno != EPIPE) {
			cli_error(prog, "writing results: %s", strerror(errno));
			rc = CLI_EXIT_IO;
			status = NULL; /* stdout is what failed */
		}
	}
done:
	if (a.json && rc != CLI_EXIT_OK && status) {
		print_json_error(status, rc);
		rc = cli_finish_stdout(prog, rc);
	}
	evs_results_free(res);
	evs_index_close(idx);
	evs_free(msg);
	free(query);
	free(dir);
	return rc;
}
