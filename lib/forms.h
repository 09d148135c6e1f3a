/* forms.h: stemming without stem terms. The index holds the words of an
 * event as written (with positions) and no term for their stems; instead
 *   - the synonym table files each word under "Z" + its stem (when the
 *     two differ), so that a query word can look for every form of its
 *     stem (OP_SYNONYM: one term whose wdf is the sum of theirs);
 *   - a document that holds m >= 2 distinct forms of one stem in one
 *     field gets the term "Z" + field prefix + stem with wdf m - 1, so
 *     that the number of events holding any form is known exactly:
 *     the sum of the forms' term frequencies less the collection
 *     frequency of that term (evs_forms__events()).
 * Xapian estimates the frequency of a synonym as if its forms were
 * independent, which they are not ("meeting" and "meetings" go
 * together); the query scales the synonym's weight so that BM25 uses the
 * exact frequency (evs_forms__scale()), as a stem term would.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_FORMS_H
#define EVS_FORMS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "xapian-shim.h"

/* The word forms of one document, collected while it is built. */
typedef struct evs_forms {
	evs_buf bytes; /* prefix, stem and word of each entry, back to back */
	struct evs_form_entry *e;
	size_t n, cap;
} evs_forms;

#define EVS_FORMS_INIT                                                         \
	{                                                                          \
		EVS_BUF_INIT, NULL, 0, 0                                               \
	}

/* Notes that the document holds word (wl bytes), whose stem is stem (sl
 * bytes), among the terms of prefix ("" for free text). Returns 0, or -1
 * when out of memory. */
int evs_forms__add(evs_forms *f, const char *prefix, const char *stem,
                   size_t sl, const char *word, size_t wl);

/* Adds the co-occurrence terms and the synonym entries of what was noted
 * to doc, and empties f for the next document. */
evs_status evs_forms__finish(evs_forms *f, xs_doc *doc, char *err);

void evs_forms__dispose(evs_forms *f);

/* The number of events holding any of k forms whose term frequencies are
 * tf[0..k), given the collection frequency cf of their co-occurrence
 * term. */
uint64_t evs_forms__events(const uint64_t *tf, size_t k, uint64_t cf);

/* One step of the synonym of k forms, as a tree of synonyms of two
 * (Xapian weighs only the outermost; an inner one is an OR): moves the
 * two least frequent of tf[0..k) to the end, with the items (of size
 * bytes each, at most 64; items NULL: none) at the same indexes, and
 * puts the frequency that Xapian estimates for the OR of the two, as if
 * they were independent and rounded (OrPostList), at tf[k - 2]. The
 * caller joins items k - 2 and k - 1 into item k - 2. Returns k - 1.
 * The tree is built here, not by Xapian from each database's own
 * frequencies, so that shards estimate the synonym's frequency alike
 * (and as one index does) to the last rounding. */
size_t evs_forms__or_step(uint64_t *tf, void *items, size_t size, size_t k,
                          double ndocs);

/* The factor by which to scale the weight of a synonym of k forms (term
 * frequencies tf[0..k), in n events, of a collection of ndocs) so that
 * BM25 gives it the weight of one term in n events. 1 when it needs
 * none. */
double evs_forms__scale(const uint64_t *tf, size_t k, uint64_t n,
                        uint64_t ndocs);

#endif
