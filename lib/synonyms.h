/* synonyms.h: the operator's synonyms, applied at query time.
 *
 * A rule is one line of words sides joined by "=" ("UN = United
 * Nations", "postgres = postgresql"): a query word, or run of words, that
 * is one side also finds the others. The rules live outside the index (a
 * file in the index directory, or one given to evs_index_set_synonyms()),
 * so that changing them needs no rebuild; a small set for the event
 * domain is built in (EVS_SYNONYMS_DEFAULT, listed in
 * docs/query-syntax.md). Sides are stored normalised (normalize.h), their
 * words joined by one space, and looked up by binary search.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_SYNONYMS_H
#define EVS_SYNONYMS_H

#include <stddef.h>

#include "handle.h"

/* Limits of a rule: words on a side, sides on a line, bytes on a line. */
#define EVS_SYN_MAX_WORDS 8
#define EVS_SYN_MAX_SIDES 16
#define EVS_SYN_MAX_LINE 1024

/* The file in the index directory read when no other is set. */
#define EVS_SYNONYMS_FILE "synonyms"

typedef struct evs_synonyms evs_synonyms;

/* Parses the rules of text (n bytes) into *s (created when NULL), after
 * those it has; name is what messages call the text. Statuses:
 * EVS_E_INVALID with "name:line: what is wrong" in idx's message,
 * EVS_E_NOMEM. */
evs_status evs_synonyms__parse(evs_index *idx, evs_synonyms **s,
                               const char *name, const char *text, size_t n);

/* The rules for idx's queries: built in, and those of its file (read at
 * the first call on the handle). *out is owned by idx. Statuses as
 * evs_synonyms__parse, EVS_E_IO when the file cannot be read. */
evs_status evs_synonyms__of(evs_index *idx, const evs_synonyms **out);

void evs_synonyms__free(evs_synonyms *s);

/* The most words a side has. */
size_t evs_synonyms__max_words(const evs_synonyms *s);

/* The other sides of the rules that have the side key (normalised, words
 * joined by one space), at most cap of them, each once, into out (valid
 * while s is). Returns how many. */
size_t evs_synonyms__find(const evs_synonyms *s, const char *key,
                          const char **out, size_t cap);

#endif
