/* reader.h: JSON Lines from a file descriptor, line by line, with a cap.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_READER_H
#define EVS_READER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Lines longer than this are reported and skipped; reading goes on at the
 * next line. Well above the largest field limit, so that a record with a
 * 10 MB description is read (and its description cut to its 1 MiB limit,
 * with a warning). */
#define EVS_MAX_LINE ((size_t)64 << 20)

typedef struct evs_line_reader {
	int fd;
	char *buf; /* read buffer */
	size_t len, pos;
	int eof;
	uint64_t lineno; /* of the line last returned */
	evs_buf line;
	/* Asked when a read is interrupted by a signal (Ctrl-C while waiting
	 * on a pipe): non-zero stops reading. May be NULL. */
	int (*cancel)(void *ctx);
	void *cancel_ctx;
} evs_line_reader;

int evs_reader__init(evs_line_reader *r, int fd);
void evs_reader__dispose(evs_line_reader *r);

/* What evs_reader__next found. */
enum {
	EVS_LINE_EOF = 0,
	EVS_LINE_OK = 1,        /* r->line holds the line, without CR LF */
	EVS_LINE_TOO_LONG = 2,  /* skipped to the next line */
	EVS_LINE_CANCELLED = 3, /* a signal came and cancel() said stop */
	EVS_LINE_ERROR = -1     /* read(2) failed; errno says why */
};

/* Fills the buffer if nothing is read yet and sets *p and *n to what is
 * buffered, without consuming it: to tell formats apart. Returns 0, or -1
 * when reading fails (errno says why). */
int evs_reader__peek(evs_line_reader *r, const char **p, size_t *n);

/* Reads the next line; a UTF-8 BOM at the start of the stream and a CR
 * before LF are removed. */
int evs_reader__next(evs_line_reader *r);

#endif
