/* cli.h: what evindex and evsearch share: the option table, messages,
 * exit statuses and the default index location.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_CLI_H
#define EVS_CLI_H

#include <stdio.h>

#include "evsearch.h"

/* Exit statuses of both tools (also in their --help and docs/cli.md). */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_SKIPPED = 1,  /* evindex: some records were bad and skipped */
	CLI_EXIT_USAGE = 2,    /* bad option or query syntax */
	CLI_EXIT_NOINDEX = 3,  /* no index at the path */
	CLI_EXIT_LOCKED = 4,   /* another process is writing the index */
	CLI_EXIT_CORRUPT = 5,  /* the index is damaged */
	CLI_EXIT_VERSION = 6,  /* built by another version: rebuild */
	CLI_EXIT_IO = 7,       /* input unreadable, disk full, permission */
	CLI_EXIT_INTERNAL = 8, /* out of memory or an unexpected error */
	CLI_EXIT_REJECTED = 9, /* evindex: a rebuild failed its checks; the
	                          live index is unchanged */
	CLI_EXIT_UNAVAILABLE = 10, /* a shard of a cluster does not answer */
	CLI_EXIT_INTERRUPTED = 130
};

/* The exit statuses as each tool's --help prints them. */
extern const char cli_exit_help_evindex[];
extern const char cli_exit_help_evsearch[];

/* Flushes stdout at the end of a run; when that fails (a full disk, not a
 * reader that went away) says so and returns CLI_EXIT_IO, else rc. */
int cli_finish_stdout(const char *prog, int rc);

/* Columns of the terminal on stdout (0 when it is none). */
size_t cli_terminal_width(void);

/* The exit status for a library status. */
int cli_exit_status(evs_status st);

/* One option of a tool's table. */
typedef struct cli_option {
	const char *name; /* long name, without "--" */
	char short_name;  /* 0 for none */
	int has_arg;      /* 0 no, 1 required, 2 optional (--name=VALUE) */
	const char *arg;  /* its name in --help, "DIR" */
	const char *help; /* one line */
} cli_option;

/* Parses argv against opts (terminated by a zeroed entry). Calls
 * on_option(ctx, index into opts, argument or NULL) for each option and
 * collects the other arguments into argv[0..*nargs). "--" ends options.
 * Returns 0, or -1 after printing "PROG: ..." for an unknown option or a
 * missing argument. */
int cli_parse(const char *prog, int argc, char **argv, const cli_option *opts,
              int (*on_option)(void *ctx, int which, const char *arg),
              void *ctx, int *nargs);

/* Reads the value v of option --opt as a whole number from min to max
 * into *out. Returns 0, or -1 after "PROG: --opt: "v" is not a number
 * from MIN to MAX". */
int cli_parse_count(const char *prog, const char *opt, const char *v,
                    unsigned long long min, unsigned long long max,
                    unsigned long long *out);

/* Reads v as a number (fractions allowed) of min or more into *out.
 * Returns 0, or -1 after "PROG: --opt: "v" is not a number of MIN or
 * more". */
int cli_parse_number(const char *prog, const char *opt, const char *v,
                     double min, double *out);

/* After cli_parse: prints the usage (help) or "NAME VERSION" (version)
 * to stdout and returns the exit status; returns -1 when neither was
 * asked for. */
int cli_help_or_version(const char *prog, const char *name, int help,
                        int version, void (*usage)(FILE *out));

/* Prints the option table, aligned. */
void cli_print_options(FILE *out, const cli_option *opts);

/* The default index directory: $EVSEARCH_INDEX, else
 * $XDG_DATA_HOME/evsearch/index, else ~/.local/share/evsearch/index.
 * Returns a malloc'ed string or NULL. */
char *cli_default_index(void);

/* Writes s as a JSON string (quoted and escaped) to out. */
void cli_json_string(FILE *out, const char *s);

/* Prints "PROG: message" to stderr. */
void cli_error(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The message of the last cli_error() call (without "PROG: "; cut at
 * 1023 bytes), or "" when there was none. */
const char *cli_last_error(void);

/* Whether to use colour on the stream: a terminal and NO_COLOR unset. */
int cli_use_color(FILE *f);

#endif
