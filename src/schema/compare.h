/*
 * compare.h — the differences between two schema exports, one per changed
 * attribute, added object or removed object (compare_schema()).
 *
 * Objects are matched by type and identity.  An object whose parent (the
 * table of a column, constraint, index, trigger, policy, ...; the
 * publication of a publication member) was added or removed with it is not
 * listed: the parent's row says it.  An attribute an export leaves out has
 * its default value (attribute_defaults.h), shown as such.
 */
#pragma once

#include "schema/export_format.h"

namespace mg {

struct Difference {
    int rank;
    const char *identity;
    const char *change;    /* ADDED, REMOVED, CHANGED */
    const char *attribute; /* nullptr for ADDED / REMOVED */
    const char *before;
    const char *after;
    const char *severity; /* danger, warn, info (severity.h) */
};

struct DifferenceList {
    Difference *items;
    int count;
};

/* Ordered by type, identity, attribute. */
DifferenceList compare_exports(const ParsedExport &before, const ParsedExport &after);

/* The rows of compare_schema(): object_type, object_identity, change, attribute, before_value, after_value, severity. */
void put_differences(ReturnSetInfo *rsinfo, const DifferenceList &diffs);

/* The live database, exported with the scope of `like` (schemas that no longer exist simply select nothing). */
ParsedExport export_live_like(const ParsedExport &like);

/* NOTICE when the two exports come from different PostgreSQL major versions. */
void notice_version_mismatch(const ParsedExport &before, const ParsedExport &after);

} // namespace mg
