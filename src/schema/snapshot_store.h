/*
 * snapshot_store.h — schema snapshots stored in migrate_guard.schema_snapshots
 * (a configuration table: pg_dump includes its rows).
 *
 * Who may read a stored export: it is the schema as it was, including what
 * has since been dropped (definitions, grants, policies), so PUBLIC sees only
 * the snapshot's metadata (id, label, when, by whom, scope, object count,
 * fingerprint).  The export itself is readable, through compare_schema() and
 * postflight(), by the role that took it (and roles with its privileges),
 * superusers, and roles granted SELECT on the table (the admin role is, when
 * it exists at CREATE EXTENSION).
 */
#pragma once

#include "schema/export_format.h"

namespace mg {

struct StoredSnapshot {
    int64 id;
    const char *label; /* nullptr when unlabelled */
    const char *taken_by;
    ParsedExport export_;
};

/*
 * The snapshot labelled `which` (or numbered, when no label matches); ERROR
 * naming `argname` when there is none, or when the caller may not read it.
 * Must be called inside an SPI connection; the export lives until SPI_finish.
 */
StoredSnapshot load_schema_snapshot(const char *which, const char *argname);
StoredSnapshot load_schema_snapshot_by_id(int64 id);

/* Exports the live schema and stores it; returns its id, object count and fingerprint. Inside SPI. */
int64 store_schema_snapshot(const char *label, ArrayType *schemas, int *objects, const char **fingerprint);

/* ERROR when a schema snapshot with this label exists. Inside SPI. */
void check_schema_label_free(const char *label);

} // namespace mg
