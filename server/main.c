/* evsearchd: serves an evsearch index over HTTP: the listing page and the
 * JSON API of evsearch --json.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "evsearch.h"
#include "http.h"

static const char *const prog = "evsearchd";

enum {
	OPT_INDEX,
	OPT_LISTEN,
	OPT_THREADS,
	OPT_MAX_CONN,
	OPT_TIMEOUT,
	OPT_ACCESS_LOG,
	OPT_QUIET,
	OPT_VERSION,
	OPT_HELP
};

static const cli_option options[] = {
    [OPT_INDEX] = {"index", 'i', 1, "DIR",
                   "index directory (default: as evsearch, see below)"},
    [OPT_LISTEN] = {"listen", 'l', 1, "ADDR:PORT",
                    "where to listen (default 127.0.0.1:8080; [::]:PORT for "
                    "every address; port 0 picks a free one)"},
    [OPT_THREADS] = {"threads", 't', 1, "N",
                     "worker threads, each with its own index handle "
                     "(default: one per processor, at least 2)"},
    [OPT_MAX_CONN] = {"max-connections", 0, 1, "N",
                      "open connections at most (default 512)"},
    [OPT_TIMEOUT] = {"timeout", 0, 1, "SECONDS",
                     "close a connection idle this long (default 15)"},
    [OPT_ACCESS_LOG] = {"access-log", 0, 1, "FILE",
                        "append the access log to FILE (default: stderr)"},
    [OPT_QUIET] = {"quiet", 'q', 0, NULL, "no access log"},
    [OPT_VERSION] = {"version", 'V', 0, NULL, "print the version and exit"},
    [OPT_HELP] = {"help", 'h', 0, NULL, "print this help and exit"},
    {0},
};

typedef struct args {
	evsd_config cfg;
	const char *log_path;
	int quiet, version, help;
} args;

static int parse_uint(const char *name, const char *v, unsigned min,
                      unsigned max, unsigned *out)
{
	unsigned long long n;
	if (cli_parse_count(prog, name, v, min, max, &n) < 0)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int on_option(void *ctx, int which, const char *arg)
{
	args *a = ctx;
	switch (which) {
	case OPT_INDEX: a->cfg.index = arg; break;
	case OPT_LISTEN: a->cfg.listen = arg; break;
	case OPT_THREADS:
		return parse_uint("threads", arg, 1, 256, &a->cfg.threads);
	case OPT_MAX_CONN:
		return parse_uint("max-connections", arg, 1, 100000,
		                  &a->cfg.max_connections);
	case OPT_TIMEOUT:
		return parse_uint("timeout", arg, 1, 3600, &a->cfg.timeout);
	case OPT_ACCESS_LOG: a->log_path = arg; break;
	case OPT_QUIET: a->quiet = 1; break;
	case OPT_VERSION: a->version = 1; break;
	case OPT_HELP: a->help = 1; break;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: evsearchd [--index DIR] [--listen ADDR:PORT] [OPTIONS]\n"
	        "\n"
	        "Serves the events indexed by evindex over HTTP: a listing page "
	        "with a search\n"
	        "box and filters, and a JSON API that answers exactly what "
	        "evsearch --json\n"
	        "prints. A rebuild (evindex --rebuild) is picked up at the next "
	        "request,\n"
	        "without a restart; every answer comes from one whole "
	        "generation.\n"
	        "\n"
	        "Options:\n");
	cli_print_options(out, options);
	fprintf(out,
	        "\n"
	        "Paths:\n"
	        "  /                 the listing page: /?q=treaty&organiser=NAME"
	        "&tag=TAG\n"
	        "                    (organiser, tag, topic repeatable; year, "
	        "month,\n"
	        "                    when=upcoming|past, sort, page, exact=1)\n"
	        "  /api/search       evsearch --json: q, organiser, tag (both "
	        "repeatable),\n"
	        "                    from, to, sort, limit, offset, all, plain, "
	        "exact,\n"
	        "                    prefix, expand, no-facets, cancelled, "
	        "occurrences; a bad\n"
	        "                    one is a 400 "
	        "naming it\n"
	        "  /healthz          200 and the live generation, as JSON\n"
	        "  /static/style.css the page's stylesheet\n"
	        "\n"
	        "Examples:\n"
	        "  evsearchd --index ~/events.idx\n"
	        "  evsearchd --index ~/events.idx --listen [::]:8080 --threads 8 "
	        "--quiet\n"
	        "  curl 'http://127.0.0.1:8080/api/search?q=treaty&limit=5'\n"
	        "\n"
	        "Environment:\n"
	        "  EVSEARCH_INDEX  index directory when --index is not given\n"
	        "  XDG_DATA_HOME   else $XDG_DATA_HOME/evsearch/index\n"
	        "\n"
	        "Limits (docs/limits.md): request target 8 KiB (414), request "
	        "line and\n"
	        "headers 32 KiB, 128 parameters, limit 10000; only GET and HEAD "
	        "(405).\n"
	        "SIGINT or SIGTERM stops the server after the requests in "
	        "flight.\n"
	        "\n"
	        "Exit status: 0 stopped by a signal, 2 bad option, 3 no index, "
	        "6 index of\n"
	        "another version, 7 cannot listen or write the log, 8 internal "
	        "error.\n");
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 2)
		return 2;
	return n > 64 ? 64 : (unsigned)n;
}

int main(int argc, char **argv)
{
	args a;
	memset(&a, 0, sizeof a);
	a.cfg.listen = "127.0.0.1:8080";
	a.cfg.max_connections = 512;
	a.cfg.timeout = 15;
	int nargs = 0, rc;
	char *dir = NULL;
	if (cli_parse(prog, argc, argv, options, on_option, &a, &nargs) < 0)
		return CLI_EXIT_USAGE;
	int done = cli_help_or_version(prog, "evsearchd", a.help, a.version,
	                               usage);
	if (done >= 0)
		return done;
	if (nargs) {
		cli_error(prog, "unexpected argument \"%s\" (see --help)", argv[0]);
		return CLI_EXIT_USAGE;
	}
	if (!a.cfg.threads)
		a.cfg.threads = default_threads();
	dir = a.cfg.index ? strdup(a.cfg.index) : cli_default_index();
	if (!dir) {
		cli_error(prog, "no index directory: give --index DIR or set "
		                "EVSEARCH_INDEX");
		return CLI_EXIT_USAGE;
	}
	a.cfg.index = dir;
	if (!a.quiet) {
		a.cfg.access_log = stderr;
		if (a.log_path && !(a.cfg.access_log = fopen(a.log_path, "ae"))) {
			cli_error(prog, "--access-log %s: %s", a.log_path, strerror(errno));
			free(dir);
			return CLI_EXIT_IO;
		}
	}
	rc = evsd_run(&a.cfg);
	if (a.cfg.access_log && a.cfg.access_log != stderr)
		fclose(a.cfg.access_log);
	free(dir);
	return rc;
}
