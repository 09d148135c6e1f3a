/* schema.c: THE schema. One table says how each field of an event record
 * is indexed and which "field:" names a query may use for it; the
 * indexer (event.c), the query parser (query.c), the filters of search.c
 * and the forms (forms.c) all read it. docs/schema.md describes it for
 * people, and tests/test-schema.c checks the two against each other.
 *
 * Terms (prefixes follow Xapian's omega conventions):
 *   word        free text: title (x EVS_TITLE_WEIGHT), description,
 *               participants, organisers, location, tags, topics
 *   Zword       its stem (no positions), what plain query words match
 *   S, XP, XO, XL + word (and Z + prefix + stem): title, participant,
 *               organiser, location words, for "title:" etc.
 *   XOE name    an organiser's whole normalised name (--organiser)
 *   K tag       a tag's whole normalised value (--tag, "tag:")
 *   XC topic    a topic's whole normalised value ("topic:")
 *   Q id        the unique id term (XQH + SHA-256 hex for long ids)
 * Values: see the EVS_SLOT_* enum in schema.h.
 * Document data: the record as compact JSON, with cut fields cut.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "schema.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sha256.h"
#include "util.h"

size_t evs_schema__term(char *out, const char *prefix, const char *word,
                        size_t len)
{
	size_t pl = strlen(prefix);
	if (pl + len >= EVS_TERM_BUF)
		len = EVS_TERM_BUF - pl - 1;
	memcpy(out, prefix, pl);
	memcpy(out + pl, word, len);
	out[pl + len] = '\0';
	return pl + len;
}

size_t evs_schema__exact_term(char *out, const char *prefix, const char *value,
                              size_t len)
{
	size_t pl = strlen(prefix);
	if (pl + len > EVS_MAX_ID_TERM)
		len = evs_util__utf8_cut(value, len, EVS_MAX_ID_TERM - pl);
	memcpy(out, prefix, pl);
	memcpy(out + pl, value, len);
	out[pl + len] = '\0';
	return pl + len;
}

/* THE table. Each row: JSON key; its "name:"s in queries; kind; word
 * prefix; whole-value prefix; value slot; facet; wdf in free text; bytes
 * kept of each value; items kept of a list. docs/schema.md describes the
 * same, and tests/test-schema.c checks that it does. */
/* A table reads best aligned. */
/* clang-format off */
const evs_field evs_schema__fields[] = {
    /* key, query names, kind,
     * words, whole value, slot, facet, wdf, bytes, items */
    {"title", {"title"}, EVS_FIELD_TEXT,
     "S", NULL, -1, -1, EVS_TITLE_WEIGHT, 4096, 0},
    {"description", {NULL}, EVS_FIELD_TEXT,
     NULL, NULL, -1, -1, 1, 1 << 20, 0},
    {"participants", {"participant", "participants", "speaker"},
     EVS_FIELD_PEOPLE,
     "XP", NULL, -1, -1, 1, 1024, 1000},
    {"organisers", {"organiser", "organizer", "organisers"}, EVS_FIELD_LIST,
     "XO", "XOE", EVS_SLOT_FACETS, EVS_FACET_ORGANISER, 1, 1024,
     EVS_MAX_MULTI},
    {"location", {"location"}, EVS_FIELD_TEXT,
     "XL", NULL, -1, -1, 1, 4096, 0},
    {"tags", {"tag", "tags"}, EVS_FIELD_LIST,
     NULL, "K", EVS_SLOT_FACETS, EVS_FACET_TAG, 1, 1024, EVS_MAX_MULTI},
    {"topics", {"topic", "topics"}, EVS_FIELD_LIST,
     NULL, "XC", EVS_SLOT_FACETS, EVS_FACET_TOPIC, 1, 1024, EVS_MAX_MULTI},
    {"id", {"id"}, EVS_FIELD_ID,
     NULL, EVS_PREFIX_ID, EVS_SLOT_ID, -1, 0, SIZE_MAX, 0},
};
/* clang-format on */

const size_t evs_schema__nfields =
    sizeof evs_schema__fields / sizeof evs_schema__fields[0];

const evs_field *evs_schema__query_field(const char *name, size_t n)
{
	for (size_t i = 0; i < evs_schema__nfields; i++) {
		const evs_field *f = &evs_schema__fields[i];
		for (size_t k = 0; f->names[k]; k++)
			if (strlen(f->names[k]) == n &&
			    strncasecmp(f->names[k], name, n) == 0)
				return f;
	}
	return NULL;
}

const char *evs_schema__query_prefix(const evs_field *f)
{
	return f->prefix ? f->prefix : f->exact_prefix;
}

int evs_schema__whole_value(const evs_field *f)
{
	return f->prefix == NULL;
}

const evs_field *evs_schema__facet_field(int facet)
{
	for (size_t i = 0; i < evs_schema__nfields; i++)
		if (evs_schema__fields[i].facet == facet)
			return &evs_schema__fields[i];
	return NULL;
}

void evs_schema__forms_prefix(char *out, const char *field_prefix)
{
	snprintf(out, EVS_FORMS_PREFIX_BUF, "%s%s", EVS_PREFIX_FORMS, field_prefix);
}

int evs_schema__id_term(const char *id, size_t len, evs_buf *out)
{
	evs_buf__clear(out);
	if (len + strlen(EVS_PREFIX_ID) <= EVS_MAX_ID_TERM)
		return evs_buf__adds(out, EVS_PREFIX_ID) < 0 ||
		               evs_buf__add(out, id, len) < 0
		           ? -1
		           : 0;
	char hex[65];
	evs_sha256__hex(id, len, hex);
	return evs_buf__adds(out, EVS_PREFIX_ID_HASH) < 0 ||
	               evs_buf__adds(out, hex) < 0
	           ? -1
	           : 0;
}

uint64_t evs_schema__id_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}
