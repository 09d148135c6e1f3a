/* evindex: builds and updates an evsearch index from event files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "evsearch.h"

static const char *const prog = "evindex";

enum { O_INDEX, O_STEMMER, O_DELETE, O_INFO, O_QUIET, O_VERSION, O_HELP };

static const cli_option options[] = {
    [O_INDEX] = {"index", 'i', 1, "DIR",
                 "index directory (default: see ENVIRONMENT)"},
    [O_STEMMER] = {"stemmer", 0, 1, "LANG",
                   "stemming language of a NEW index (default english; "
                   "none to disable)"},
    [O_DELETE] = {"delete", 'd', 0, NULL,
                  "delete the events whose ids are the arguments"},
    [O_INFO] = {"info", 0, 0, NULL,
                "print event count, settings, schema version and size"},
    [O_QUIET] = {"quiet", 'q', 0, NULL, "print errors only, no summary"},
    [O_VERSION] = {"version", 'V', 0, NULL, "print the version and exit"},
    [O_HELP] = {"help", 'h', 0, NULL, "print this help and exit"},
    {0},
};

typedef struct args {
	const char *index;
	const char *stemmer;
	int delete_ids, info, quiet, version, help;
} args;

static int on_option(void *ctx, int which, const char *arg)
{
	args *a = ctx;
	switch (which) {
	case O_INDEX: a->index = arg; break;
	case O_STEMMER: a->stemmer = arg; break;
	case O_DELETE: a->delete_ids = 1; break;
	case O_INFO: a->info = 1; break;
	case O_QUIET: a->quiet = 1; break;
	case O_VERSION: a->version = 1; break;
	case O_HELP: a->help = 1; break;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: evindex [--index DIR] [OPTIONS] FILE...\n"
	        "       evindex [--index DIR] --delete ID...\n"
	        "       evindex [--index DIR] --info\n"
	        "\n"
	        "Adds the events in FILEs (JSON Lines, one event object per "
	        "line) to the\n"
	        "evsearch index in DIR, creating it when missing. An event "
	        "whose id is\n"
	        "already indexed is replaced, so indexing the same file twice "
	        "changes nothing.\n"
	        "FILE - reads standard input; a directory means every *.jsonl "
	        "file in it.\n"
	        "\n"
	        "Options:\n");
	cli_print_options(out, options);
	fprintf(out,
	        "\n"
	        "A record needs \"id\", \"title\" and \"start\" (ISO 8601: "
	        "2022-05-25 or\n"
	        "2022-05-25T13:00:00+02:00); see docs/schema.md for every "
	        "field. A bad record\n"
	        "is reported as FILE:LINE: error: ... and skipped; every other "
	        "record is indexed.\n"
	        "Changes are committed every 10000 records and at the end; "
	        "Ctrl-C stops after\n"
	        "the current record and commits what was read.\n"
	        "\n"
	        "Examples:\n"
	        "  evindex --index ~/events corpus/events.jsonl\n"
	        "  evindex --index ~/events data/            # every *.jsonl "
	        "in data/\n"
	        "  curl -s https://example.org/events.jsonl | evindex -\n"
	        "  evindex --index ~/events --delete 2021-09-07-osce-briefing\n"
	        "\n"
	        "Environment:\n"
	        "  EVSEARCH_INDEX  index directory when --index is not given\n"
	        "  XDG_DATA_HOME   else $XDG_DATA_HOME/evsearch/index (default\n"
	        "                  ~/.local/share/evsearch/index)\n"
	        "\n"
	        "%s",
	        cli_exit_help);
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

typedef struct run {
	int tty;
	const char *current;
	time_t last_progress;
	uint64_t base; /* records read in earlier files */
} run;

static void on_report(void *ctx, const evs_diag *d)
{
	run *r = ctx;
	if (r->tty)
		fputs("\r\033[K", stderr);
	if (d->line)
		fprintf(stderr, "%s: %s:%llu: %s: %s\n", prog, d->source,
		        (unsigned long long)d->line,
		        d->severity == EVS_ERROR ? "error" : "warning", d->message);
	else
		fprintf(stderr, "%s: %s: %s: %s\n", prog, d->source,
		        d->severity == EVS_ERROR ? "error" : "warning", d->message);
}

static int on_cancel(void *ctx)
{
	(void)ctx;
	return interrupted;
}

static void on_progress(void *ctx, uint64_t records)
{
	run *r = ctx;
	if (!r->tty || records % 256)
		return;
	time_t now = time(NULL);
	if (now == r->last_progress)
		return;
	r->last_progress = now;
	fprintf(stderr, "\r\033[K%s: %s: %llu records", prog, r->current,
	        (unsigned long long)(r->base + records));
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Indexes one file; returns the worst status. */
static evs_status index_file(evs_index *idx, const char *path, run *r,
                             evs_add_stats *stats, int *io_failed);

static evs_status index_dir(evs_index *idx, const char *path, run *r,
                            evs_add_stats *stats, int *io_failed)
{
	DIR *d = opendir(path);
	if (!d) {
		cli_error(prog, "%s: %s", path, strerror(errno));
		*io_failed = 1;
		return EVS_OK;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	evs_status st = EVS_OK;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".jsonl"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = realloc(names, cap * sizeof *nn);
			if (!nn) {
				st = EVS_E_NOMEM;
				break;
			}
			names = nn;
		}
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n]) {
			st = EVS_E_NOMEM;
			break;
		}
		snprintf(names[n], len, "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	if (st == EVS_OK && n == 0)
		cli_error(prog, "%s: warning: no *.jsonl files in this directory",
		          path);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n && st == EVS_OK; i++)
		st = index_file(idx, names[i], r, stats, io_failed);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return st;
}

static evs_status index_file(evs_index *idx, const char *path, run *r,
                             evs_add_stats *stats, int *io_failed)
{
	int fd = 0;
	if (strcmp(path, "-") != 0) {
		struct stat sb;
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			return index_dir(idx, path, r, stats, io_failed);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cli_error(prog, "%s: %s", path, strerror(errno));
			*io_failed = 1;
			return EVS_OK;
		}
	}
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	evs_add_options ao = EVS_ADD_OPTIONS_INIT;
	ao.report = on_report;
	ao.cancel = on_cancel;
	ao.progress = on_progress;
	ao.ctx = r;
	r->current = name;
	r->base = stats->read;
	evs_status st = evs_index_add_stream(idx, fd, name, &ao, stats);
	if (fd > 0)
		close(fd);
	if (st == EVS_E_IO && strncmp(evs_errmsg(idx), name, strlen(name)) == 0) {
		/* Reading this input failed: report it and go on with the next. */
		cli_error(prog, "%s", evs_errmsg(idx));
		*io_failed = 1;
		return EVS_OK;
	}
	return st;
}

static int do_info(evs_index *idx, const char *dir)
{
	evs_index_info info;
	memset(&info, 0, sizeof info);
	info.version = EVS_INDEX_INFO_VERSION;
	evs_status st = evs_index_info_get(idx, &info);
	if (st != EVS_OK) {
		cli_error(prog, "%s", evs_errmsg(idx));
		return cli_exit_status(st);
	}
	printf("index:          %s\n", dir);
	printf("generation:     %s\n", info.generation);
	printf("events:         %llu\n", (unsigned long long)info.events);
	printf("size:           %llu bytes (%.1f MiB)\n",
	       (unsigned long long)info.bytes, info.bytes / 1048576.0);
	printf("schema version: %d\n", info.schema_version);
	printf("stemmer:        %s\n", info.stemmer);
	printf("normalisation:  %s\n", info.normalisation);
	printf("evsearch:       %s\n", evs_version());
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	args a = {0};
	int nargs = 0, rc = CLI_EXIT_OK;
	char *dir = NULL;
	evs_index *idx = NULL;
	if (cli_parse(prog, argc, argv, options, on_option, &a, &nargs) < 0)
		return CLI_EXIT_USAGE;
	if (a.help) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (a.version) {
		printf("evindex (evsearch) %s\n", evs_version());
		return CLI_EXIT_OK;
	}
	if (!a.info && nargs == 0) {
		cli_error(prog, a.delete_ids ? "--delete needs at least one ID"
		                             : "no input FILE given (use - for "
		                               "standard input; see evindex --help)");
		return CLI_EXIT_USAGE;
	}
	if (a.info && (nargs || a.delete_ids)) {
		cli_error(prog, "--info takes no FILE or --delete");
		return CLI_EXIT_USAGE;
	}
	dir = a.index ? strdup(a.index) : cli_default_index();
	if (!dir) {
		cli_error(prog, "no index directory: give --index DIR or set "
		                "EVSEARCH_INDEX");
		return CLI_EXIT_USAGE;
	}

	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = a.info ? EVS_OPEN_READ
	                  : EVS_OPEN_WRITE | (a.delete_ids ? 0 : EVS_OPEN_CREATE);
	oo.stemmer = a.stemmer;
	char *msg = NULL;
	evs_status st = evs_index_open(&idx, dir, &oo, &msg);
	if (st != EVS_OK) {
		cli_error(prog, "%s", msg ? msg : evs_status_str(st));
		evs_free(msg);
		free(dir);
		return cli_exit_status(st);
	}
	if (a.info) {
		rc = do_info(idx, dir);
		goto done;
	}
	if (a.delete_ids) {
		unsigned deleted = 0, missing = 0;
		for (int i = 0; i < nargs; i++) {
			st = evs_index_delete(idx, argv[i]);
			if (st == EVS_OK) {
				deleted++;
			} else if (st == EVS_E_NOTFOUND) {
				cli_error(prog, "%s", evs_errmsg(idx));
				missing++;
			} else {
				cli_error(prog, "%s", evs_errmsg(idx));
				rc = cli_exit_status(st);
				goto done;
			}
		}
		if (!a.quiet)
			fprintf(stderr, "%s: %u deleted, %u not found\n", prog, deleted,
			        missing);
		rc = missing ? CLI_EXIT_SKIPPED : CLI_EXIT_OK;
		goto done;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	run r = {isatty(2), NULL, 0, 0};
	evs_add_stats stats = {0};
	int io_failed = 0;
	for (int i = 0; i < nargs && st == EVS_OK; i++)
		st = index_file(idx, argv[i], &r, &stats, &io_failed);
	if (r.tty)
		fputs("\r\033[K", stderr);
	if (st != EVS_OK && st != EVS_E_CANCELLED)
		cli_error(prog, "%s", evs_errmsg(idx));
	evs_status cst = evs_index_close(idx);
	idx = NULL;
	if (cst != EVS_OK && st == EVS_OK) {
		cli_error(prog, "%s: could not commit: %s", dir,
		          evs_status_str(cst));
		st = cst;
	}
	if (!a.quiet || st != EVS_OK)
		fprintf(stderr,
		        "%s: %s%llu record%s read: %llu added, %llu replaced, %llu "
		        "skipped%s\n",
		        prog, st == EVS_E_CANCELLED ? "interrupted: " : "",
		        (unsigned long long)stats.read, stats.read == 1 ? "" : "s",
		        (unsigned long long)stats.added,
		        (unsigned long long)stats.replaced,
		        (unsigned long long)stats.skipped,
		        stats.warnings ? " (with warnings)" : "");
	if (st != EVS_OK)
		rc = cli_exit_status(st);
	else if (io_failed)
		rc = CLI_EXIT_IO;
	else if (stats.skipped)
		rc = CLI_EXIT_SKIPPED;
done:
	if (idx) {
		st = evs_index_close(idx);
		if (st != EVS_OK && rc == CLI_EXIT_OK)
			rc = cli_exit_status(st);
	}
	free(dir);
	return rc;
}
