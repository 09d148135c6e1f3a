/* evindex: builds and updates an evsearch index from event files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
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

enum {
	OPT_INDEX,
	OPT_STEMMER,
	OPT_DELETE,
	OPT_INFO,
	OPT_REBUILD,
	OPT_SYNC,
	OPT_ROLLBACK,
	OPT_MIN_EVENTS,
	OPT_MAX_SHRINK,
	OPT_MAX_ERRORS,
	OPT_REPORT,
	OPT_WAIT,
	OPT_JOBS,
	OPT_SHARDS,
	OPT_FORMAT,
	OPT_EXPAND_FROM,
	OPT_EXPAND_TO,
	OPT_QUIET,
	OPT_VERSION,
	OPT_HELP
};

static const cli_option options[] = {
    [OPT_INDEX] = {"index", 'i', 1, "DIR",
                   "index directory (default: see Environment below)"},
    [OPT_STEMMER] = {"stemmer", 0, 1, "LANG",
                     "stemming language of a NEW index (default english; "
                     "none to disable)"},
    [OPT_DELETE] = {"delete", 'd', 0, NULL,
                    "delete the events whose ids are the arguments"},
    [OPT_INFO] = {"info", 0, 0, NULL,
                  "print event count, settings, schema version and size"},
    [OPT_REBUILD] = {"rebuild", 0, 0, NULL,
                     "build a new generation from FILEs only, check it, then "
                     "switch to it"},
    [OPT_SYNC] = {"sync", 0, 0, NULL,
                  "make the index hold exactly FILEs' events, changing only "
                  "what differs"},
    [OPT_ROLLBACK] = {"rollback", 0, 0, NULL,
                      "make the previous generation live again"},
    [OPT_MIN_EVENTS] = {"min-events", 0, 1, "N",
                        "rebuild/sync: refuse a result of fewer events "
                        "(default 1)"},
    [OPT_MAX_SHRINK] = {"max-shrink", 0, 1, "PERCENT",
                        "rebuild/sync: refuse losing more than this share of "
                        "events (default 20; -1: off)"},
    [OPT_MAX_ERRORS] = {"max-errors", 0, 1, "N",
                        "rebuild/sync: refuse more bad records than N "
                        "(default 10; -1: off)"},
    [OPT_REPORT] = {"report", 0, 1, "FILE",
                    "rebuild/sync: write a JSON report to FILE"},
    [OPT_WAIT] = {"wait", 0, 2, "SECONDS",
                  "when another process writes the index, wait (for ever, or "
                  "SECONDS)"},
    [OPT_JOBS] = {"jobs", 'j', 1, "N",
                  "rebuild, sync, a first build or a large batch: build "
                  "on N threads (default: one per processor, at most 4)"},
    [OPT_SHARDS] = {"shards", 0, 1, "N",
                    "rebuild: build the generation as N shards (2 to 16), "
                    "searched as one index (docs/scaling.md)"},
    [OPT_FORMAT] = {"format", 'f', 1, "FORMAT",
                    "jsonl or ics (default: by file name; else ics when the "
                    "input begins with BEGIN:VCALENDAR)"},
    [OPT_EXPAND_FROM] = {"expand-from", 0, 1, "DATE",
                         "iCalendar: expand recurring events from DATE "
                         "(default: a year ago)"},
    [OPT_EXPAND_TO] = {"expand-to", 0, 1, "DATE",
                       "iCalendar: ... up to DATE (default: two years ahead)"},
    [OPT_QUIET] = {"quiet", 'q', 0, NULL, "print errors only: no summary; warnings are only counted"},
    [OPT_VERSION] = {"version", 'V', 0, NULL, "print the version and exit"},
    [OPT_HELP] = {"help", 'h', 0, NULL, "print this help and exit"},
    {0},
};

typedef struct args {
	const char *index;
	const char *stemmer;
	const char *report;
	int delete_ids, info, rebuild, sync, rollback, quiet, version, help;
	int wait;
	int jobs;
	int shards;
	evs_format format;
	const char *expand_from, *expand_to;
	evs_switch_options checks;
} args;

static int on_option(void *ctx, int which, const char *arg)
{
	args *a = ctx;
	switch (which) {
	case OPT_INDEX: a->index = arg; break;
	case OPT_STEMMER: a->stemmer = arg; break;
	case OPT_DELETE: a->delete_ids = 1; break;
	case OPT_INFO: a->info = 1; break;
	case OPT_REBUILD: a->rebuild = 1; break;
	case OPT_SYNC: a->sync = 1; break;
	case OPT_ROLLBACK: a->rollback = 1; break;
	case OPT_REPORT: a->report = arg; break;
	case OPT_MIN_EVENTS: {
		double d;
		if (cli_parse_number(prog, "min-events", arg, 0, &d) < 0)
			return -1;
		a->checks.min_events = (uint64_t)d;
		break;
	}
	case OPT_MAX_SHRINK:
		return cli_parse_number(prog, "max-shrink", arg, -1,
		                    &a->checks.max_shrink_percent);
	case OPT_MAX_ERRORS: {
		double d;
		if (cli_parse_number(prog, "max-errors", arg, -1, &d) < 0)
			return -1;
		a->checks.max_errors = (int64_t)d;
		break;
	}
	case OPT_WAIT: {
		double d = -1;
		if (arg && cli_parse_number(prog, "wait", arg, 0, &d) < 0)
			return -1;
		a->wait = arg ? (int)(d < 1 && d > 0 ? 1 : d) : -1;
		break;
	}
	case OPT_JOBS: {
		unsigned long long n;
		if (cli_parse_count(prog, "jobs", arg, 1, 4096, &n) < 0)
			return -1;
		a->jobs = n > 64 ? 64 : (int)n;
		break;
	}
	case OPT_SHARDS: {
		unsigned long long n;
		if (cli_parse_count(prog, "shards", arg, 2, 16, &n) < 0)
			return -1;
		a->shards = (int)n;
		break;
	}
	case OPT_FORMAT:
		if (strcmp(arg, "jsonl") == 0 || strcmp(arg, "json") == 0) {
			a->format = EVS_FORMAT_JSONL;
		} else if (strcmp(arg, "ics") == 0 || strcmp(arg, "ical") == 0) {
			a->format = EVS_FORMAT_ICS;
		} else if (strcmp(arg, "auto") == 0) {
			a->format = EVS_FORMAT_AUTO;
		} else {
			cli_error(prog, "--format: \"%s\" is not jsonl, ics or auto", arg);
			return -1;
		}
		break;
	case OPT_EXPAND_FROM: a->expand_from = arg; break;
	case OPT_EXPAND_TO: a->expand_to = arg; break;
	case OPT_QUIET: a->quiet = 1; break;
	case OPT_VERSION: a->version = 1; break;
	case OPT_HELP: a->help = 1; break;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: evindex [--index DIR] [OPTIONS] FILE...\n"
	        "       evindex [--index DIR] --rebuild|--sync [CHECKS] FILE...\n"
	        "       evindex [--index DIR] --rollback\n"
	        "       evindex [--index DIR] --delete ID...\n"
	        "       evindex [--index DIR] --info\n"
	        "\n"
	        "Adds the events in FILEs (JSON Lines, one event object per "
	        "line; or iCalendar\n"
	        ".ics feeds, one event per VEVENT) to the evsearch index in DIR, "
	        "creating it\n"
	        "when missing. An event whose id (an iCalendar UID) is already "
	        "indexed is\n"
	        "replaced, so indexing the same file twice changes nothing. "
	        "FILE - reads\n"
	        "standard input; a directory means every *.jsonl and *.ics file "
	        "in it.\n"
	        "\n"
	        "A recurring VEVENT (RRULE, RDATE, EXDATE, RECURRENCE-ID) is one "
	        "event whose\n"
	        "occurrences from a year ago to two years ahead are indexed "
	        "(--expand-from,\n"
	        "--expand-to); rebuild nightly so that the window moves.\n"
	        "\n"
	        "--rebuild builds a complete new generation from FILEs beside "
	        "the live one,\n"
	        "checks it (CHECKS: --min-events, --max-shrink, --max-errors) "
	        "and switches\n"
	        "readers to it in one atomic step; the previous generation is "
	        "kept for\n"
	        "--rollback. Events that are not in FILEs (say, added by a "
	        "plain evindex\n"
	        "run) are gone after a rebuild. --sync reaches the same result "
	        "by changing\n"
	        "only what differs. Searches keep working throughout. See "
	        "docs/operations.md.\n"
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
	        "the current record and commits what was read (a --rebuild "
	        "or --sync that is\n"
	        "stopped changes nothing).\n"
	        "\n"
	        "Examples:\n"
	        "  evindex --index ~/events corpus/events.jsonl\n"
	        "  evindex --index ~/events data/            # every *.jsonl "
	        "and *.ics in data/\n"
	        "  evindex --index ~/events calendar.ics --expand-to 2027-12-31\n"
	        "  curl -s https://example.org/events.jsonl | evindex -\n"
	        "  evindex --index ~/events --delete "
	        "2021-09-07-osce-technical-briefing-capacity-building-cybercrime\n"
	        "\n"
	        "Environment:\n"
	        "  EVSEARCH_INDEX  index directory when --index is not given\n"
	        "  XDG_DATA_HOME   else $XDG_DATA_HOME/evsearch/index (default\n"
	        "                  ~/.local/share/evsearch/index)\n"
	        "\n"
	        "%s",
	        cli_exit_help_evindex);
}

/* The plural ending of a count: "1 event", "2 events". */
static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

#define MAX_REPORTED 20

typedef struct run {
	int tty;
	const char *current;
	time_t last_progress;
	uint64_t base; /* records read in earlier files */
	/* The first errors, for --report. */
	char *errors[MAX_REPORTED];
	size_t nerrors;
	uint64_t printed;
	evs_format format;
	const char *expand_from, *expand_to;
	int quiet;       /* -q: warnings are only counted */
	uint64_t hidden; /* warnings not printed because of -q */
} run;

/* Errors and warnings printed before the rest are only counted: a file
 * of the wrong kind should not bury the terminal. */
#define MAX_PRINTED 100

/* Prints s with control characters (a record's bytes quoted in a message)
 * made visible as '?', so that input cannot drive the terminal. */
static void put_safe(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char u = (unsigned char)*s;
		fputc(u < 0x20 || u == 0x7F ? '?' : u, f);
	}
}

static void on_report(void *ctx, const evs_diag *d)
{
	run *r = ctx;
	if (d->severity == EVS_ERROR && r->nerrors < MAX_REPORTED) {
		char *e = NULL;
		if (asprintf(&e, "%s:%llu: %s", d->source, (unsigned long long)d->line,
		             d->message) >= 0)
			r->errors[r->nerrors++] = e;
	}
	if (r->quiet && d->severity != EVS_ERROR) {
		r->hidden++;
		return;
	}
	if (r->tty)
		fputs("\r\033[K", stderr);
	if (++r->printed > MAX_PRINTED) {
		if (r->printed == MAX_PRINTED + 1)
			fprintf(stderr,
			        "%s: further errors and warnings are only "
			        "counted\n",
			        prog);
		return;
	}
	fprintf(stderr, "%s: ", prog);
	put_safe(stderr, d->source);
	if (d->line)
		fprintf(stderr, ":%llu", (unsigned long long)d->line);
	fprintf(stderr, ": %s: ", d->severity == EVS_ERROR ? "error" : "warning");
	put_safe(stderr, d->message);
	fputc('\n', stderr);
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
		if (e->d_name[0] == '.' || (!has_suffix(e->d_name, ".jsonl") &&
		                            !has_suffix(e->d_name, ".ics")))
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
		cli_error(prog,
		          "%s: warning: no *.jsonl or *.ics files in this "
		          "directory",
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
	int fd = 0, opened = 0;
	if (strcmp(path, "-") != 0) {
		struct stat sb;
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			return index_dir(idx, path, r, stats, io_failed);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == EINTR && interrupted)
			return EVS_E_CANCELLED; /* Ctrl-C while a fifo waited */
		if (fd < 0) {
			cli_error(prog, "%s: %s", path, strerror(errno));
			*io_failed = 1;
			return EVS_OK;
		}
		opened = 1;
	}
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	evs_add_options ao = EVS_ADD_OPTIONS_INIT;
	ao.report = on_report;
	ao.cancel = on_cancel;
	ao.progress = on_progress;
	ao.ctx = r;
	ao.format = r->format;
	ao.expand_from = r->expand_from;
	ao.expand_to = r->expand_to;
	r->current = name;
	r->base = stats->read;
	evs_status st = evs_index_add_stream(idx, fd, name, &ao, stats);
	if (opened)
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

/* Deletes the events whose ids are ids[0..n). */
static int do_delete(evs_index *idx, char **ids, int n, int quiet)
{
	unsigned deleted = 0, missing = 0;
	for (int i = 0; i < n; i++) {
		evs_status st = evs_index_delete(idx, ids[i]);
		if (st == EVS_OK) {
			deleted++;
		} else if (st == EVS_E_NOTFOUND) {
			cli_error(prog, "%s", evs_errmsg(idx));
			missing++;
		} else {
			cli_error(prog, "%s", evs_errmsg(idx));
			return cli_exit_status(st);
		}
	}
	if (!quiet)
		fprintf(stderr, "%s: %u deleted, %u not found\n", prog, deleted,
		        missing);
	return missing ? CLI_EXIT_SKIPPED : CLI_EXIT_OK;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Writes the --report document (docs/operations.md). */
static int write_report(const char *path, const char *dir, const args *a,
                        const run *r, const evs_add_stats *stats,
                        const evs_switch_report *sw, evs_status st,
                        const char *reason, double secs, time_t started)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		cli_error(prog, "--report %s: %s", path, strerror(errno));
		return -1;
	}
	char when[32];
	struct tm tm;
	gmtime_r(&started, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "{\n  \"format_version\": 1,\n  \"kind\": \"%s\",\n",
	        a->sync ? "sync" : "rebuild");
	fputs("  \"index\": ", f);
	cli_json_string(f, dir);
	fprintf(f, ",\n  \"started\": \"%s\",\n  \"duration_seconds\": %.3f,\n",
	        when, secs);
	fprintf(f, "  \"switched\": %s,\n  \"status\": ",
	        st == EVS_OK ? "true" : "false");
	cli_json_string(f, evs_status_str(st));
	fputs(",\n  \"reason\": ", f);
	if (reason)
		cli_json_string(f, reason);
	else
		fputs("null", f);
	fprintf(f,
	        ",\n  \"records\": {\"read\": %llu, \"added\": %llu, "
	        "\"replaced\": %llu, \"unchanged\": %llu, \"skipped\": %llu, "
	        "\"warnings\": %llu},\n",
	        (unsigned long long)stats->read, (unsigned long long)stats->added,
	        (unsigned long long)stats->replaced,
	        (unsigned long long)stats->unchanged,
	        (unsigned long long)stats->skipped,
	        (unsigned long long)stats->warnings);
	fputs("  \"errors\": [", f);
	for (size_t i = 0; i < r->nerrors; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		cli_json_string(f, r->errors[i]);
	}
	fputs(r->nerrors ? "\n  ],\n" : "],\n", f);
	if (st == EVS_OK) {
		fputs("  \"generations\": {\"old\": ", f);
		if (sw->old_generation)
			cli_json_string(f, sw->old_generation);
		else
			fputs("null", f);
		fputs(", \"new\": ", f);
		cli_json_string(f, sw->new_generation);
		fprintf(f,
		        "},\n  \"events\": {\"before\": %llu, \"after\": %llu, "
		        "\"deleted\": %llu, \"dropped\": %llu},\n  \"bytes\": %llu\n",
		        (unsigned long long)sw->live_events,
		        (unsigned long long)sw->new_events,
		        (unsigned long long)sw->deleted,
		        (unsigned long long)sw->dropped, (unsigned long long)sw->bytes);
	} else {
		fputs("  \"generations\": null,\n  \"events\": null,\n  \"bytes\": "
		      "null\n",
		      f);
	}
	fputs("}\n", f);
	if (fclose(f) != 0) {
		cli_error(prog, "--report %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Whether one of the inputs can be read; reports those that cannot. */
static int any_input(char **paths, int n)
{
	int ok = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(paths[i], "-") == 0 || access(paths[i], R_OK) == 0)
			ok = 1;
	}
	for (int i = 0; i < n && !ok; i++) {
		int err = access(paths[i], R_OK) < 0 ? errno : EACCES;
		cli_error(prog, "%s: %s", paths[i], strerror(err));
	}
	return ok;
}

/* Opens dir to read and fills *info; returns the status of the open
 * (*idx is NULL unless EVS_OK, and then info was read). */
static evs_status read_info(const char *dir, evs_index **idx,
                            evs_index_info *info)
{
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	memset(info, 0, sizeof *info);
	info->version = EVS_INDEX_INFO_VERSION;
	*idx = NULL;
	evs_status st = evs_index_open(idx, dir, &oo, NULL);
	if (st == EVS_OK && (st = evs_index_info_get(*idx, info)) != EVS_OK) {
		evs_index_close(*idx);
		*idx = NULL;
	}
	return st;
}

/* The bytes of the inputs that can be measured: files, the *.jsonl and
 * *.ics files of a directory, a file on standard input (a pipe: 0). */
static uint64_t input_bytes(char **paths, int n)
{
	uint64_t total = 0;
	for (int i = 0; i < n; i++) {
		struct stat sb;
		int stdin_ = strcmp(paths[i], "-") == 0;
		if ((stdin_ ? fstat(0, &sb) : stat(paths[i], &sb)) < 0)
			continue;
		if (S_ISREG(sb.st_mode)) {
			total += (uint64_t)sb.st_size;
			continue;
		}
		DIR *d = S_ISDIR(sb.st_mode) && !stdin_ ? opendir(paths[i]) : NULL;
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char *f = NULL;
			if (e->d_name[0] == '.' || (!has_suffix(e->d_name, ".jsonl") &&
			                            !has_suffix(e->d_name, ".ics")) ||
			    asprintf(&f, "%s/%s", paths[i], e->d_name) < 0)
				continue;
			if (stat(f, &sb) == 0 && S_ISREG(sb.st_mode))
				total += (uint64_t)sb.st_size;
			free(f);
		}
		if (d)
			closedir(d);
	}
	return total;
}

/* How a plain run writes. */
typedef enum plain_path {
	IN_PLACE,    /* into the live generation, committed in batches */
	FIRST_BUILD, /* a new or empty index: built as --rebuild does */
	BATCH        /* a large batch: a new generation, as --sync does */
} plain_path;

/* A batch of records takes the parallel path when it is at least this
 * large, and at least a quarter of the live generation's size: there it
 * is faster than writing in place, although the live generation is
 * copied and compacted with it (docs/operations.md has the figures). */
#define BATCH_MIN_BYTES (4u << 20)

static plain_path choose_path(const char *dir, char **paths, int n)
{
	evs_index *idx;
	evs_index_info info;
	evs_status st = read_info(dir, &idx, &info);
	plain_path path = IN_PLACE;
	if (st == EVS_E_NOTFOUND || (st == EVS_OK && info.events == 0)) {
		path = FIRST_BUILD;
	} else if (st == EVS_OK) {
		uint64_t in = input_bytes(paths, n);
		if (in >= BATCH_MIN_BYTES && in >= info.bytes / 4)
			path = BATCH;
	}
	evs_index_close(idx);
	return path;
}

/* Makes a first build or a batch live (st: how the reading ended), as a
 * plain run's commit would, also after Ctrl-C. */
static evs_status switch_first(evs_index *idx, evs_status st)
{
	evs_switch_options checks = EVS_SWITCH_OPTIONS_INIT;
	checks.min_events = 0;
	checks.max_shrink_percent = 0;
	checks.max_errors = -1;
	evs_switch_report sw;
	memset(&sw, 0, sizeof sw);
	sw.version = EVS_SWITCH_REPORT_VERSION;
	evs_status sst = evs_index_switch(idx, &checks, &sw);
	if (sst != EVS_OK)
		return sst;
	return st;
}

/* Removes the directory a failed first build created (it holds only the
 * writer's lock file by now), so that no empty index is left behind. */
static void remove_new_dir(const char *dir)
{
	char *lock = NULL;
	if (asprintf(&lock, "%s/lock", dir) < 0)
		return;
	unlink(lock);
	free(lock);
	rmdir(dir); /* fails, and keeps it, when anything else is in it */
}

/* Says which generation a rollback made live, and which it left. */
static void report_rollback(const char *dir)
{
	evs_index *idx;
	evs_index_info info;
	if (read_info(dir, &idx, &info) == EVS_OK)
		fprintf(stderr,
		        "%s: %s: rolled back: %s is live again with %llu event%s "
		        "(the generation it replaced is kept: --rollback again "
		        "returns to it)\n",
		        prog, dir, info.generation, (unsigned long long)info.events,
		        plural(info.events));
	else
		fprintf(stderr, "%s: %s: rolled back to the previous generation\n",
		        prog, dir);
	evs_index_close(idx);
}

static int usage_error(const char *msg)
{
	cli_error(prog, "%s (see evindex --help)", msg);
	return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	args a;
	memset(&a, 0, sizeof a);
	evs_switch_options checks = EVS_SWITCH_OPTIONS_INIT;
	a.checks = checks;
	int nargs = 0, rc = CLI_EXIT_OK;
	int made_dir = 0; /* a first build into a directory it creates */
	char *dir = NULL, *msg = NULL;
	evs_index *idx = NULL;
	run r;
	memset(&r, 0, sizeof r);
	/* Past a file size limit (ulimit -f), the index's writes fail with
	 * EFBIG and are reported like a full disk, with the index at its last
	 * commit, instead of SIGXFSZ killing us mid-write without a word. */
	signal(SIGXFSZ, SIG_IGN);
	if (cli_parse(prog, argc, argv, options, on_option, &a, &nargs) < 0)
		return CLI_EXIT_USAGE;
	int done = cli_help_or_version(prog, "evindex (evsearch)", a.help,
	                               a.version, usage);
	if (done >= 0)
		return done;
	int modes = a.info + a.delete_ids + a.rebuild + a.sync + a.rollback;
	if (modes > 1)
		return usage_error("--info, --delete, --rebuild, --sync and "
		                   "--rollback go one at a time");
	if ((a.info || a.rollback) && nargs)
		return usage_error(a.info ? "--info takes no FILE"
		                          : "--rollback takes no FILE");
	if (!a.info && !a.rollback && nargs == 0)
		return usage_error(a.delete_ids ? "--delete needs at least one ID"
		                                : "no input FILE given (use - for "
		                                  "standard input)");
	if (a.report && !a.rebuild && !a.sync)
		return usage_error("--report goes with --rebuild or --sync");
	if (a.shards && !a.rebuild)
		return usage_error("--shards goes with --rebuild");
	dir = a.index ? strdup(a.index) : cli_default_index();
	if (!dir) {
		cli_error(prog, "no index directory: give --index DIR or set "
		                "EVSEARCH_INDEX");
		return CLI_EXIT_USAGE;
	}

	if (!a.info && !a.rollback && !a.delete_ids && !any_input(argv, nargs)) {
		/* Nothing to read: no index is made or touched for it. */
		cli_error(prog, "%s: no input could be read; the index is not "
		                "touched", dir);
		rc = CLI_EXIT_IO;
		goto done;
	}
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.stemmer = a.stemmer;
	oo.wait_seconds = a.wait;
	oo.threads = a.jobs;
	oo.shards = a.shards;
	evs_status st;
	if (a.rollback) {
		st = evs_index_rollback(dir, &oo, &msg);
		if (st != EVS_OK)
			cli_error(prog, "%s", msg ? msg : evs_status_str(st));
		else if (!a.quiet)
			report_rollback(dir);
		rc = cli_exit_status(st);
		goto done;
	}
	/* A plain run into a new or empty index builds it as --rebuild does:
	 * on several threads, merged and compacted at the end (twice as fast
	 * and half the size of adding to it in place). A large batch into an
	 * index is written the same way beside a copy of the live generation
	 * (EVS_OPEN_BATCH). Either is live when the run ends, also after
	 * Ctrl-C. */
	plain_path path = a.info || a.delete_ids || a.rebuild || a.sync
	                      ? IN_PLACE
	                      : choose_path(dir, argv, nargs);
	int first = path == FIRST_BUILD;
	struct stat dir_sb;
	made_dir = first && stat(dir, &dir_sb) < 0 && errno == ENOENT;
	oo.flags = a.info         ? EVS_OPEN_READ
	           : first        ? EVS_OPEN_REBUILD | EVS_OPEN_CREATE
	           : path == BATCH ? EVS_OPEN_BATCH
	           : a.delete_ids ? EVS_OPEN_WRITE
	           : a.rebuild    ? EVS_OPEN_REBUILD | EVS_OPEN_CREATE
	           : a.sync       ? EVS_OPEN_SYNC | EVS_OPEN_CREATE
	                          : EVS_OPEN_WRITE | EVS_OPEN_CREATE;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	time_t started = time(NULL);
	st = evs_index_open(&idx, dir, &oo, &msg);
	if (st != EVS_OK) {
		cli_error(prog, "%s", msg ? msg : evs_status_str(st));
		rc = cli_exit_status(st);
		if (a.report) {
			/* Monitoring must see this night's failure, not last night's
			 * success. */
			evs_add_stats none = {0};
			evs_switch_report sw;
			memset(&sw, 0, sizeof sw);
			write_report(a.report, dir, &a, &r, &none, &sw, st,
			             msg ? msg : evs_status_str(st), seconds_since(&t0),
			             started);
		}
		goto done;
	}
	if (a.info) {
		rc = cli_finish_stdout(prog, do_info(idx, dir));
		goto done;
	}
	if (a.delete_ids) {
		rc = do_delete(idx, argv, nargs, a.quiet);
		goto done;
	}

	install_signals();
	r.tty = isatty(2);
	r.quiet = a.quiet;
	r.format = a.format;
	r.expand_from = a.expand_from;
	r.expand_to = a.expand_to;
	evs_add_stats stats = {0};
	int io_failed = 0;
	for (int i = 0; i < nargs && st == EVS_OK; i++)
		st = index_file(idx, argv[i], &r, &stats, &io_failed);
	if (r.tty)
		fputs("\r\033[K", stderr);
	if (path != IN_PLACE && (st == EVS_OK || st == EVS_E_CANCELLED))
		st = switch_first(idx, st);
	if (st == EVS_E_IO && !a.rebuild && !a.sync)
		/* Reading an input was reported in index_file(): this is the
		 * index that could not be written (a full disk, EFBIG). */
		cli_error(prog, "%s: cannot write the index: %s; %s", dir,
		          evs_errmsg(idx),
		          !first     ? "it holds what was committed before"
		          : made_dir ? "no index is left behind"
		                     : "it stays empty");
	else if (st != EVS_OK && st != EVS_E_CANCELLED)
		cli_error(prog, "%s", evs_errmsg(idx));

	if (a.rebuild || a.sync) {
		const char *what = a.sync ? "sync" : "rebuild";
		evs_switch_report sw;
		memset(&sw, 0, sizeof sw);
		sw.version = EVS_SWITCH_REPORT_VERSION;
		char reason[600] = "";
		if (st == EVS_OK && io_failed) {
			/* A source that could not be read would make the new index
			 * lose its events: never switch to that. */
			st = EVS_E_REJECTED;
			snprintf(reason, sizeof reason,
			         "a source could not be read; the live index is "
			         "unchanged");
			cli_error(prog, "%s: %s", dir, reason);
		} else if (st == EVS_OK) {
			st = evs_index_switch(idx, &a.checks, &sw);
			if (st != EVS_OK) {
				snprintf(reason, sizeof reason, "%s", evs_errmsg(idx));
				cli_error(prog, "%s", reason);
			}
		} else {
			snprintf(reason, sizeof reason, "%s",
			         st == EVS_E_CANCELLED ? "interrupted" : evs_errmsg(idx));
		}
		if (st == EVS_OK && !a.quiet) {
			fprintf(stderr,
			        "%s: %s: %llu record%s read: %llu added, %llu replaced, "
			        "%llu unchanged, %llu skipped\n",
			        prog, what, (unsigned long long)stats.read,
			        plural(stats.read), (unsigned long long)stats.added,
			        (unsigned long long)stats.replaced,
			        (unsigned long long)stats.unchanged,
			        (unsigned long long)stats.skipped);
			fprintf(stderr, "%s: %s: %s is live with %llu event%s", prog,
			        dir, sw.new_generation, (unsigned long long)sw.new_events,
			        plural(sw.new_events));
			if (sw.old_generation)
				fprintf(stderr,
				        " (was %s with %llu; %s kept for "
				        "--rollback)",
				        sw.old_generation, (unsigned long long)sw.live_events,
				        sw.old_generation);
			else if (a.sync && stats.added == 0 && stats.replaced == 0 &&
			         sw.deleted == 0)
				fputs(" (nothing changed: it stays, and --rollback still "
				      "goes back to the generation before it)",
				      stderr);
			fputc('\n', stderr);
			if (sw.deleted)
				fprintf(stderr,
				        "%s: %llu event%s no longer in the sources "
				        "%s deleted\n",
				        prog, (unsigned long long)sw.deleted,
				        plural(sw.deleted), sw.deleted == 1 ? "was" : "were");
			if (sw.dropped)
				fprintf(stderr,
				        "%s: %llu event%s of the old generation %s "
				        "not in the sources and %s gone\n",
				        prog, (unsigned long long)sw.dropped,
				        plural(sw.dropped), sw.dropped == 1 ? "is" : "are",
				        sw.dropped == 1 ? "is" : "are");
		} else if (st == EVS_E_CANCELLED) {
			fprintf(stderr,
			        "%s: %s interrupted; the live index is "
			        "unchanged\n",
			        prog, what);
		}
		if (a.report &&
		    write_report(a.report, dir, &a, &r, &stats, &sw, st,
		                 *reason ? reason : NULL, seconds_since(&t0),
		                 started) < 0 &&
		    st == EVS_OK)
			rc = CLI_EXIT_IO;
		if (st != EVS_OK)
			rc = cli_exit_status(st);
		goto done;
	}

	evs_status cst = evs_index_close(idx);
	idx = NULL;
	if (cst != EVS_OK && st == EVS_OK) {
		cli_error(prog, "%s: could not commit: %s", dir, evs_status_str(cst));
		st = cst;
	}
	int failed = st != EVS_OK && st != EVS_E_CANCELLED;
	if (failed && path != IN_PLACE) {
		/* A new generation that failed was thrown away whole. */
		stats.added = stats.replaced = stats.unchanged = 0;
	}
	if (!a.quiet || st != EVS_OK) {
		char unchanged[48] = "";
		if (stats.unchanged)
			snprintf(unchanged, sizeof unchanged, "%llu unchanged, ",
			         (unsigned long long)stats.unchanged);
		fprintf(stderr,
		        "%s: %s%llu record%s read: %llu added, %llu replaced, %s%llu "
		        "skipped%s%s\n",
		        prog, st == EVS_E_CANCELLED ? "interrupted: " : "",
		        (unsigned long long)stats.read, plural(stats.read),
		        (unsigned long long)stats.added,
		        (unsigned long long)stats.replaced, unchanged,
		        (unsigned long long)stats.skipped,
		        stats.warnings ? " (with warnings)" : "",
		        !failed             ? ""
		        : path != IN_PLACE ? " (nothing was committed)"
		                           : " (as of the last commit)");
	}
	if (st != EVS_OK)
		rc = cli_exit_status(st);
	else if (io_failed)
		rc = CLI_EXIT_IO;
	else if (stats.skipped)
		rc = CLI_EXIT_SKIPPED;
done:
	if (r.hidden)
		fprintf(stderr, "%s: %llu warning%s not shown (-q)\n", prog,
		        (unsigned long long)r.hidden, plural(r.hidden));
	if (idx) {
		st = evs_index_close(idx);
		if (st != EVS_OK && rc == CLI_EXIT_OK)
			rc = cli_exit_status(st);
	}
	if (made_dir && rc != CLI_EXIT_OK && rc != CLI_EXIT_SKIPPED)
		remove_new_dir(dir);
	for (size_t i = 0; i < r.nerrors; i++)
		free(r.errors[i]);
	evs_free(msg);
	free(dir);
	return rc;
}
