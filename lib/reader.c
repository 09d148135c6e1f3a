/* reader.c: JSON Lines reading: streaming, so that memory does not grow
 * with the input, only with the longest line (up to EVS_MAX_LINE).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)

int evs_reader__init(evs_line_reader *r, int fd)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->buf = malloc(READ_CHUNK);
	return r->buf ? 0 : -1;
}

void evs_reader__dispose(evs_line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	evs_buf__dispose(&r->line);
}

/* Refills the read buffer; returns 1, 0 at end of input, -1 on error, -2
 * when cancelled. */
static int fill(evs_line_reader *r)
{
	if (r->eof)
		return 0;
	for (;;) {
		ssize_t n = read(r->fd, r->buf, READ_CHUNK);
		if (n < 0 && errno == EINTR) {
			if (r->cancel && r->cancel(r->cancel_ctx))
				return -2;
			continue;
		}
		if (n < 0)
			return -1;
		r->len = (size_t)n;
		r->pos = 0;
		if (n == 0)
			r->eof = 1;
		return n > 0;
	}
}

int evs_reader__peek(evs_line_reader *r, const char **p, size_t *n)
{
	if (r->pos == r->len && !r->eof) {
		int f = fill(r);
		if (f == -1 || f == -2)
			return -1;
	}
	*p = r->buf + r->pos;
	*n = r->len - r->pos;
	return 0;
}

int evs_reader__next(evs_line_reader *r)
{
	int too_long = 0, any = 0;
	evs_buf__clear(&r->line);
	if (evs_buf__grow(&r->line, 0) < 0)
		return EVS_LINE_ERROR;
	for (;;) {
		if (r->pos == r->len) {
			int f = fill(r);
			if (f == -2)
				return EVS_LINE_CANCELLED;
			if (f < 0)
				return EVS_LINE_ERROR;
			if (f == 0) {
				if (!any)
					return EVS_LINE_EOF;
				break;
			}
		}
		any = 1;
		char *start = r->buf + r->pos;
		char *nl = memchr(start, '\n', r->len - r->pos);
		size_t n = nl ? (size_t)(nl - start) : r->len - r->pos;
		if (!too_long) {
			if (r->line.len + n > EVS_MAX_LINE) {
				too_long = 1;
				evs_buf__clear(&r->line);
			} else if (evs_buf__add(&r->line, start, n) < 0) {
				errno = ENOMEM;
				return EVS_LINE_ERROR;
			}
		}
		r->pos += n + (nl != NULL);
		if (nl)
			break;
	}
	r->lineno++;
	if (too_long)
		return EVS_LINE_TOO_LONG;
	if (r->line.len && r->line.p[r->line.len - 1] == '\r')
		r->line.p[--r->line.len] = '\0';
	if (r->lineno == 1 && r->line.len >= 3 &&
	    memcmp(r->line.p, "\xEF\xBB\xBF", 3) == 0) {
		memmove(r->line.p, r->line.p + 3, r->line.len - 2);
		r->line.len -= 3;
	}
	return EVS_LINE_OK;
}
