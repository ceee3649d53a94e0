/*
 * fingerprint.h — one hash of an export's canonical form.
 *
 * The fingerprint is the SHA-256 (hex) of "migrate_guard schema export 1\n"
 * followed by jsonb's text of the "objects" array: jsonb orders and
 * de-duplicates object keys itself and the export orders its objects, so
 * equal schemas give equal fingerprints.  The scope and the PostgreSQL
 * version in the envelope are not part of it.
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "utils/jsonb.h"
}

namespace mg {

char *export_fingerprint(Jsonb *export_jsonb);

} // namespace mg
