/* sha256.h: SHA-256 (FIPS 180-4), for unique terms of ids too long to be
 * Xapian terms: a hash, unlike a cut, does not make two ids collide.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef EVS_SHA256_H
#define EVS_SHA256_H

#include <stddef.h>

/* Writes the digest of data as 64 lowercase hex digits and a NUL. */
void evs_sha256__hex(const void *data, size_t len, char out[65]);

#endif
