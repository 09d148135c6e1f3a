/* cli.c: what the tools share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _DEFAULT_SOURCE
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define EXIT_COMMON_TOP                                                        \
	"Exit status:\n"                                                           \
	"  0    success (a search with no hits is a success)\n"
#define EXIT_USAGE                                                             \
	"  2    bad usage, bad option value or query syntax error\n"               \
	"  3    no index at the given path\n"
#define EXIT_COMMON_BOTTOM                                                     \
	"  5    the index is damaged: rebuild it\n"                                \
	"  6    the index was built with another schema or settings: "             \
	"rebuild it\n"                                                             \
	"  7    input or index unreadable or unwritable (missing file, disk "      \
	"full,\n"                                                                  \
	"       permission denied)\n"                                              \
	"  8    internal error (out of memory, unexpected backend error)\n"

const char cli_exit_help_evindex[] = EXIT_COMMON_TOP
    "  1    some records were bad and skipped; the rest are "
    "indexed\n" EXIT_USAGE "  4    another process is writing the index (see "
                           "--wait)\n" EXIT_COMMON_BOTTOM
    "  9    --rebuild/--sync: the new generation failed its checks; the "
    "live\n"
    "       index is unchanged\n"
    "  130  interrupted (what was committed before stays)\n";

const char cli_exit_help_evsearch[] =
    EXIT_COMMON_TOP EXIT_USAGE EXIT_COMMON_BOTTOM;

int cli_finish_stdout(const char *prog, int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return rc;
		cli_error(prog, "writing the output: %s", strerror(errno));
		return rc == CLI_EXIT_OK ? CLI_EXIT_IO : rc;
	}
	return rc;
}

size_t cli_terminal_width(void)
{
	struct winsize ws;
	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

int cli_exit_status(evs_status st)
{
	switch (st) {
	case EVS_OK: return CLI_EXIT_OK;
	case EVS_E_INVALID:
	case EVS_E_QUERY_SYNTAX: return CLI_EXIT_USAGE;
	case EVS_E_NOTFOUND: return CLI_EXIT_NOINDEX;
	case EVS_E_LOCKED: return CLI_EXIT_LOCKED;
	case EVS_E_CORRUPT: return CLI_EXIT_CORRUPT;
	case EVS_E_VERSION: return CLI_EXIT_VERSION;
	case EVS_E_IO:
	case EVS_E_READONLY: return CLI_EXIT_IO;
	case EVS_E_CANCELLED: return CLI_EXIT_INTERRUPTED;
	case EVS_E_REJECTED: return CLI_EXIT_REJECTED;
	case EVS_E_UNAVAILABLE: return CLI_EXIT_UNAVAILABLE;
	case EVS_E_MODIFIED:
	case EVS_E_NOMEM:
	case EVS_E_BACKEND: return CLI_EXIT_INTERNAL;
	}
	return CLI_EXIT_INTERNAL;
}

/* The last message of cli_error(), for a tool that also reports it in its
 * output (evsearch --json). A tool is one thread: static storage will do. */
static char last_error[1024];

void cli_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	va_start(ap, fmt);
	int n = vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof last_error) {
		/* Cut at a character boundary: the message goes into JSON. */
		size_t k = sizeof last_error - 1;
		while (k > 0 && ((unsigned char)last_error[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)last_error[k - 1] & 0xC0) == 0xC0)
			k--;
		last_error[k] = '\0';
	}
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *cli_last_error(void)
{
	return last_error;
}

int cli_use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	if ((nc && *nc) || (term && strcmp(term, "dumb") == 0))
		return 0;
	return isatty(fileno(f));
}

char *cli_default_index(void)
{
	const char *e = getenv("EVSEARCH_INDEX");
	if (e && *e)
		return strdup(e);
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	/* The XDG spec says a relative XDG_DATA_HOME is to be ignored. */
	const char *base = xdg && xdg[0] == '/' ? xdg : NULL;
	const char *suffix = "/evsearch/index";
	const char *mid = "";
	if (!base) {
		if (!home || !*home)
			return NULL;
		base = home;
		mid = "/.local/share";
	}
	size_t n = strlen(base) + strlen(mid) + strlen(suffix) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s%s", base, mid, suffix);
	return p;
}

static const cli_option *find_long(const cli_option *opts, const char *name,
                                   size_t len)
{
	for (const cli_option *o = opts; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

int cli_parse(const char *prog, int argc, char **argv, const cli_option *opts,
              int (*on_option)(void *ctx, int which, const char *arg),
              void *ctx, int *nargs)
{
	int n = 0, only_args = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_args || a[0] != '-' || strcmp(a, "-") == 0) {
			argv[n++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		const cli_option *o = NULL;
		const char *val = NULL;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			o = find_long(opts, a + 2, len);
			if (!o) {
				cli_error(prog, "unknown option --%.*s (see %s --help)",
				          (int)len, a + 2, prog);
				return -1;
			}
			if (eq && !o->has_arg) {
				cli_error(prog, "--%s takes no value", o->name);
				return -1;
			}
			val = eq ? eq + 1 : NULL;
		} else {
			for (const cli_option *p = opts; p->name; p++)
				if (p->short_name && p->short_name == a[1])
					o = p;
			if (!o) {
				cli_error(prog,
				          "unknown option %s (see %s --help; put arguments "
				          "that begin with '-' after --)",
				          a, prog);
				return -1;
			}
			if (a[2]) {
				/* "-n5" is -n 5, but "-treaty" is no "-t reaty": only
				 * numbers attach, so a query word that begins with '-'
				 * is not taken for an option with a value. */
				if (!o->has_arg || strcmp(o->arg, "N") != 0 ||
				    strspn(a + 2, "0123456789") != strlen(a + 2)) {
					cli_error(prog,
					          "unknown option %s (see %s --help; put "
					          "arguments that begin with '-' after --)",
					          a, prog);
					return -1;
				}
				val = a + 2;
			}
		}
		if (o->has_arg == 1 && !val) {
			if (i + 1 >= argc) {
				cli_error(prog, "--%s needs a value (%s)", o->name, o->arg);
				return -1;
			}
			val = argv[++i];
		}
		if (on_option(ctx, (int)(o - opts), val) < 0)
			return -1;
	}
	*nargs = n;
	return 0;
}

int cli_parse_count(const char *prog, const char *opt, const char *v,
                    unsigned long long min, unsigned long long max,
                    unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end || end == v || v[0] == '-' || n < min || n > max) {
		cli_error(prog, "--%s: \"%s\" is not a number from %llu to %llu", opt,
		          v, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

int cli_parse_number(const char *prog, const char *opt, const char *v,
                     double min, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !(d >= min && d <= 1e15)) { /* NaN too */
		cli_error(prog, "--%s: \"%s\" is not a number of %g or more", opt, v,
		          min);
		return -1;
	}
	*out = d;
	return 0;
}

int cli_help_or_version(const char *prog, const char *name, int help,
                        int version, void (*usage)(FILE *out))
{
	if (help)
		usage(stdout);
	else if (version)
		printf("%s %s\n", name, evs_version());
	else
		return -1;
	return cli_finish_stdout(prog, CLI_EXIT_OK);
}

void cli_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void cli_print_options(FILE *out, const cli_option *opts)
{
	for (const cli_option *o = opts; o->name; o++) {
		char left[64];
		const char *sep = o->has_arg == 2 ? "[=" : o->has_arg ? " " : "";
		const char *arg = o->has_arg ? o->arg : "";
		const char *end = o->has_arg == 2 ? "]" : "";
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s%s", o->short_name,
			         o->name, sep, arg, end);
		else
			snprintf(left, sizeof left, "    --%s%s%s%s", o->name, sep, arg,
			         end);
		/* The help wrapped at 79 columns, under its first line. */
		const char *h = o->help;
		int first = 1;
		while (*h) {
			size_t room = 79 - 29, n = strlen(h);
			if (n > room) {
				n = room;
				while (n > 0 && h[n] != ' ')
					n--;
				if (n == 0)
					n = room;
			}
			fprintf(out, "  %-26s %.*s\n", first ? left : "", (int)n, h);
			first = 0;
			h += n;
			while (*h == ' ')
				h++;
		}
	}
}
