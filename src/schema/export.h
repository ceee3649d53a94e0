/*
 * export.h — the canonical export of a database schema (jsonb).
 *
 *   {"format": "migrate_guard schema export", "format_version": 1,
 *    "postgresql": 15, "scope": null | ["public", ...],
 *    "objects": [{"type": "table", "identity": "public.orders",
 *                 "attributes": {"kind": "ordinary", "owner": "alice", ...}},
 *                {"type": "column", "identity": "public.orders.amount",
 *                 "parent": "table public.orders",
 *                 "attributes": {"position": 2, "data_type": "numeric(12,2)", ...}}, ...]}
 *
 * Objects are ordered by type (object_types.h) then identity (byte order);
 * jsonb orders the keys of each object itself, so equal schemas give equal
 * exports, byte for byte.  What the objects hold: export_queries.h.
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "utils/array.h"
#include "utils/jsonb.h"
}

namespace mg {

extern const char *const kExportFormat;
constexpr int kExportFormatVersion = 1;

/*
 * Exports the live database; schemas NULL means every user schema (names
 * that do not exist select nothing: callers check them when they must).
 * Allocated in the caller's memory context; *nobjects receives the count.
 * Runs its own SPI connection and pins the settings of pinned_settings.h.
 */
Jsonb *export_live_schema(ArrayType *schemas, int *nobjects);

} // namespace mg
