/* feed-events.c: index events that a program holds in its own data
 * structures, then search them. Each event is handed to the library as a
 * JSON object (the format of docs/schema.md), written here with a small
 * escaping helper so that the example needs nothing but libevsearch.
 *
 *   cc feed-events.c $(pkg-config --cflags --libs evsearch) -o feed
 *   ./feed /tmp/my-index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <evsearch.h>
#include <stdio.h>
#include <string.h>

/* The program's own idea of an event. */
struct talk {
	const char *id;
	const char *title;
	const char *day; /* ISO 8601 date */
	const char *speaker;
	const char *room;
};

static const struct talk talks[] = {
    {"t1", "Rust in the Linux kernel", "2025-02-01", "Miguel Ojeda", "K.1"},
    {"t2", "Søren's guide to \"cargo\"", "2025-02-02", "Søren Ødegård",
     "H.2215"},
    {"t3", "Kernel scheduling, explained", "2025-02-02", "Ana Müller", "K.1"},
};

/* Appends s to out as a JSON string. Returns the new length, or cap when
 * it did not fit. */
static size_t put_json(char *out, size_t len, size_t cap, const char *s)
{
	if (len + 1 >= cap)
		return cap;
	out[len++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8] = "";
		if (c == '"' || c == '\\')
			snprintf(esc, sizeof esc, "\\%c", c);
		else if (c < 0x20)
			snprintf(esc, sizeof esc, "\\u%04x", c);
		size_t n = *esc ? strlen(esc) : 1;
		if (len + n + 2 >= cap)
			return cap;
		memcpy(out + len, *esc ? esc : (const char *)s, n);
		len += n;
	}
	out[len++] = '"';
	out[len] = '\0';
	return len;
}

static size_t put(char *out, size_t len, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (len >= cap || len + n >= cap)
		return cap;
	memcpy(out + len, s, n + 1);
	return len + n;
}

static size_t talk_json(const struct talk *t, char *out, size_t cap)
{
	size_t len = 0;
	len = put(out, len, cap, "{\"id\": ");
	len = put_json(out, len, cap, t->id);
	len = put(out, len, cap, ", \"title\": ");
	len = put_json(out, len, cap, t->title);
	len = put(out, len, cap, ", \"start\": ");
	len = put_json(out, len, cap, t->day);
	len = put(out, len, cap, ", \"participants\": [");
	len = put_json(out, len, cap, t->speaker);
	len = put(out, len, cap, "], \"location\": ");
	len = put_json(out, len, cap, t->room);
	return put(out, len, cap, "}");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s INDEX-DIR\n", argv[0]);
		return 2;
	}
	evs_open_options oo = EVS_OPEN_OPTIONS_INIT;
	oo.flags = EVS_OPEN_WRITE | EVS_OPEN_CREATE;
	evs_index *idx = NULL;
	char *msg = NULL;
	if (evs_index_open(&idx, argv[1], &oo, &msg) != EVS_OK) {
		fprintf(stderr, "%s\n", msg ? msg : "cannot open");
		evs_free(msg);
		return 1;
	}
	for (size_t i = 0; i < sizeof talks / sizeof talks[0]; i++) {
		char json[1024];
		size_t len = talk_json(&talks[i], json, sizeof json);
		evs_outcome outcome;
		if (len >= sizeof json ||
		    evs_index_add_json(idx, json, len, &outcome) != EVS_OK) {
			fprintf(stderr, "%s: %s\n", talks[i].id, evs_errmsg(idx));
			evs_index_close(idx);
			return 1;
		}
		printf("%s %s\n", talks[i].id,
		       outcome == EVS_ADDED ? "added" : "replaced");
	}
	if (evs_index_close(idx) != EVS_OK)
		return 1;

	/* Search through the one-call JSON entry point. */
	if (evs_index_open(&idx, argv[1], NULL, &msg) != EVS_OK)
		return 1;
	char *doc = NULL;
	if (evs_search_json(&doc, idx,
	                    "{\"query\": \"soren muller\", "
	                    "\"facets\": false, \"limit\": 5}") != EVS_OK) {
		fprintf(stderr, "%s\n", evs_errmsg(idx));
		evs_index_close(idx);
		return 1;
	}
	fputs(doc, stdout);
	evs_free(doc);
	return evs_index_close(idx) == EVS_OK ? 0 : 1;
}
