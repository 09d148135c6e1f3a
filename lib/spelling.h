/* spelling.h: corrections of query words from the index's own terms.
 *
 * A query word with few matches is compared with the words of the index
 * one edit away (a letter deleted, inserted, replaced, or two swapped),
 * found by looking up each candidate's term frequency. Only term
 * frequencies are read, which Xapian's remote backend serves too (it has
 * no spelling table), and nothing is read for a word that has enough
 * matches, so that correct queries cost nothing more.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_SPELLING_H
#define EVS_SPELLING_H

#include <stddef.h>
#include <stdint.h>

#include "handle.h"

/* What to do with a correction. */
typedef enum evs_spell_level {
	EVS_SPELL_NONE = 0, /* no better word */
	EVS_SPELL_SUGGEST,  /* offered only: the word has matches of its own */
	EVS_SPELL_APPLY     /* the word has none, or far fewer */
} evs_spell_level;

/* Whether a word may be corrected at all: at least 4 ASCII letters and
 * nothing else. */
int evs_spelling__eligible(const char *w, size_t len);

/* Looks for a correction of the normalised word w (len bytes) under
 * prefix ("" for free text) that matches freq events (as its forms do).
 * On EVS_OK, *level says what to do and out (cap bytes) holds the
 * correction unless *level is EVS_SPELL_NONE. ndocs is the number of
 * events of the index. Statuses from the backend. */
evs_status evs_spelling__correct(evs_index *idx, const char *prefix,
                                 const char *w, size_t len, uint64_t freq,
                                 uint64_t ndocs, char *out, size_t cap,
                                 evs_spell_level *level);

#endif
