/* fuzz-ics.c: a whole iCalendar stream through the reader (unfolding,
 * components, libical, time zones, recurrence expansion), each record it
 * hands on through the record checks, as evindex does with a .ics file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libical/ical.h>

#include "event.h"
#include "ics/ics.h"
#include "ics/read.h"
#include "reader.h"

static evs_status on_record(void *ctx, const char *json, size_t len,
                            uint64_t line)
{
	(void)ctx;
	(void)line;
	char err[XS_ERRLEN];
	evs_record rec;
	memset(&rec, 0, sizeof rec);
	evs_status st = evs_event__check(&rec, json, len, err, NULL, NULL);
	if (st == EVS_E_INVALID && err[0] == '\0')
		__builtin_trap(); /* every refusal says why */
	evs_record__dispose(&rec);
	return EVS_OK;
}

static void on_diag(void *ctx, evs_severity sev, uint64_t line, const char *msg,
                    int skipped)
{
	(void)ctx;
	(void)sev;
	(void)line;
	(void)skipped;
	if (!msg || !*msg)
		__builtin_trap(); /* every message says something */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-ics", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	evs_ics_window win;
	char why[512]; /* EVS_ERRLEN */
	/* A fixed window and today, so that a run can be repeated. */
	if (evs_ics__window(&win, "2025-01-01", "2027-12-31", 1767225600, why) < 0)
		__builtin_trap();
	evs_line_reader rd;
	if (evs_reader__init(&rd, fd) == 0) {
		evs_ics_sink sink = {on_record, on_diag, NULL, NULL};
		char msg[XS_ERRLEN];
		evs_ics__read(&rd, "fuzz.ics", &win, &sink, msg);
		evs_reader__dispose(&rd);
	}
	close(fd);
	/* libical keeps temporary strings in a ring per thread: freed here,
	 * so that each run frees what it allocates and libFuzzer's leak check
	 * (run when the counts differ) does not run after every input. */
	icalmemory_free_ring();
	return 0;
}
