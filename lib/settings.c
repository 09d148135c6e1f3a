/* settings.c: an index's settings (schema version, normalisation,
 * stemmer), read from and written to its metadata.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void evs_settings__dispose(evs_settings *s)
{
	free(s->stemmer);
	free(s->normalisation);
	xs_stem_free(s->stem);
	memset(s, 0, sizeof *s);
}

evs_status evs_settings__read(evs_index *idx, xs_db *db, evs_settings *s)
{
	char *v = NULL;
	evs_status st;
	memset(s, 0, sizeof *s);
	if ((st = xs_db_get_metadata(db, EVS_META_SCHEMA, &v, idx->errmsg)) !=
	    EVS_OK)
		goto done;
	s->schema_version = atoi(v);
	if (s->schema_version != EVS_SCHEMA_VERSION) {
		st = evs_index__fail(idx, EVS_E_VERSION,
		                     "%s: index has schema version %d, this evsearch "
		                     "needs %d: rebuild it (evindex --rebuild)",
		                     idx->dir, s->schema_version, EVS_SCHEMA_VERSION);
		goto done;
	}
	if ((st = xs_db_get_metadata(db, EVS_META_NORMALISATION, &s->normalisation,
	                             idx->errmsg)) != EVS_OK)
		goto done;
	if (strcmp(s->normalisation, EVS_NORMALISATION_NAME) != 0) {
		st =
		    evs_index__fail(idx, EVS_E_VERSION,
		                    "%s: index uses text normalisation \"%s\", this "
		                    "evsearch uses \"%s\": rebuild it (evindex "
		                    "--rebuild)",
		                    idx->dir, s->normalisation, EVS_NORMALISATION_NAME);
		goto done;
	}
	if ((st = xs_db_get_metadata(db, EVS_META_STEMMER, &s->stemmer,
	                             idx->errmsg)) != EVS_OK)
		goto done;
	if (strcmp(s->stemmer, "none") != 0 &&
	    xs_stem_new(&s->stem, s->stemmer, idx->errmsg) != EVS_OK) {
		st = evs_index__fail(idx, EVS_E_VERSION,
		                     "%s: index uses stemmer \"%s\", which this "
		                     "Xapian does not have",
		                     idx->dir, s->stemmer);
		goto done;
	}
done:
	free(v);
	if (st != EVS_OK)
		evs_settings__dispose(s);
	return st;
}

void evs_settings__apply(evs_index *idx, evs_settings *s)
{
	free(idx->stemmer);
	free(idx->normalisation);
	xs_stem_free(idx->stem);
	idx->schema_version = s->schema_version;
	idx->stemmer = s->stemmer;
	idx->normalisation = s->normalisation;
	idx->stem = s->stem;
	memset(s, 0, sizeof *s);
}

evs_status evs_index__load_settings(evs_index *idx)
{
	evs_settings s;
	evs_status st = evs_settings__read(idx, idx->db, &s);
	if (st == EVS_OK)
		evs_settings__apply(idx, &s);
	return st;
}

evs_status evs_settings__write(xs_db *db, const char *stemmer, char *err)
{
	char ver[16];
	snprintf(ver, sizeof ver, "%d", EVS_SCHEMA_VERSION);
	evs_status st;
	if ((st = xs_db_set_metadata(db, EVS_META_SCHEMA, ver, err)) != EVS_OK ||
	    (st = xs_db_set_metadata(db, EVS_META_STEMMER, stemmer, err)) !=
	        EVS_OK ||
	    (st = xs_db_set_metadata(db, EVS_META_NORMALISATION,
	                             EVS_NORMALISATION_NAME, err)) != EVS_OK)
		return st;
	return xs_db_set_metadata(db, EVS_META_FORM_KEYS, "1", err);
}

evs_status evs_index__init_settings(evs_index *idx, const char *stemmer)
{
	evs_status st;
	if (strcmp(stemmer, "none") != 0 &&
	    xs_stem_new(&idx->stem, stemmer, idx->errmsg) != EVS_OK)
		return evs_index__fail(idx, EVS_E_INVALID,
		                       "unknown stemmer \"%s\" (try english, "
		                       "french, german, ... or none)",
		                       stemmer);
	if ((st = evs_settings__write(idx->db, stemmer, idx->errmsg)) != EVS_OK)
		return st;
	idx->schema_version = EVS_SCHEMA_VERSION;
	free(idx->stemmer);
	free(idx->normalisation);
	idx->stemmer = strdup(stemmer);
	idx->normalisation = strdup(EVS_NORMALISATION_NAME);
	if (!idx->stemmer || !idx->normalisation)
		return evs_index__fail(idx, EVS_E_NOMEM, "out of memory");
	return EVS_OK;
}
