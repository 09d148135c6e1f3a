/* settings.h: an index's settings (schema version, normalisation,
 * stemmer), kept in its metadata and refused when they are not this
 * library's.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_SETTINGS_H
#define EVS_SETTINGS_H

#include "handle.h"

/* An index's settings, read from its metadata. */
typedef struct evs_settings {
	int schema_version;
	char *stemmer, *normalisation;
	xs_stem *stem;
} evs_settings;

/* Reads and checks the settings of db into *s, with messages on idx. */
evs_status evs_settings__read(evs_index *idx, xs_db *db, evs_settings *s);

/* Gives idx the settings s (which are moved). */
void evs_settings__apply(evs_index *idx, evs_settings *s);

void evs_settings__dispose(evs_settings *s);

/* Reads the settings of the database idx->db into idx, refusing (with
 * EVS_E_VERSION) a schema or normalisation other than this library's. */
evs_status evs_index__load_settings(evs_index *idx);

/* Writes the settings of a new database db (its stemmer given; the schema
 * version, the normalisation and EVS_META_FORM_KEYS this library's). */
evs_status evs_settings__write(xs_db *db, const char *stemmer, char *err);

/* Writes the settings of a new database (idx->db) and sets up idx's
 * stemmer: EVS_E_INVALID for an unknown stemmer. */
evs_status evs_index__init_settings(evs_index *idx, const char *stemmer);

#endif
