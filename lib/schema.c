/* schema.c: THE schema. One table says how each field of an event record
 * is indexed; another says which "field:" names a query may use. Both are
 * described for people in docs/schema.md: change them together.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	if (pl + len > EVS_MAX_ID_TERM) {
		len = EVS_MAX_ID_TERM - pl;
		while (len > 0 && ((unsigned char)value[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, prefix, pl);
	memcpy(out + pl, value, len);
	out[pl + len] = '\0';
	return pl + len;
}

const evs_field evs_schema__fields[] = {
    /* key, kind, prefix, exact prefix, wdf, facet, bytes per value,
     * items */
    {"title", EVS_FIELD_TEXT, "S", NULL, EVS_TITLE_WEIGHT, -1, 4096, 0},
    {"description", EVS_FIELD_TEXT, NULL, NULL, 1, -1, 1 << 20, 0},
    {"participants", EVS_FIELD_PEOPLE, "XP", NULL, 1, -1, 1024, 1000},
    {"organisers", EVS_FIELD_LIST, "XO", "XOE", 1, EVS_FACET_ORGANISER, 1024,
     EVS_MAX_MULTI},
    {"location", EVS_FIELD_TEXT, "XL", NULL, 1, -1, 4096, 0},
    {"tags", EVS_FIELD_LIST, NULL, "K", 1, EVS_FACET_TAG, 1024, EVS_MAX_MULTI},
    {"topics", EVS_FIELD_LIST, NULL, "XC", 1, EVS_FACET_TOPIC, 1024,
     EVS_MAX_MULTI},
};

const size_t evs_schema__nfields =
    sizeof evs_schema__fields / sizeof evs_schema__fields[0];

static const evs_query_field query_fields[] = {
    {"title", "S", 0},
    {"participant", "XP", 0},
    {"participants", "XP", 0},
    {"speaker", "XP", 0},
    {"organiser", "XO", 0},
    {"organizer", "XO", 0},
    {"organisers", "XO", 0},
    {"location", "XL", 0},
    {"tag", "K", 1},
    {"tags", "K", 1},
    {"topic", "XC", 1},
    {"topics", "XC", 1},
    {"id", "Q", 1},
};

const evs_query_field *evs_schema__query_field(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof query_fields / sizeof query_fields[0]; i++)
		if (strlen(query_fields[i].name) == n &&
		    strncasecmp(query_fields[i].name, name, n) == 0)
			return &query_fields[i];
	return NULL;
}
