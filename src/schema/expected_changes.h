/*
 * expected_changes.h — postflight()'s expected_row_changes argument.
 *
 * A JSON object mapping tables to the change of their row count that is
 * allowed (anything else that loses rows, or a table that disappeared, is a
 * FAIL; a count outside its expectation is a FAIL too):
 *
 *   {"public.sessions": "-10..0", "public.tmp_import": "removed", "audit": "any"}
 *
 *   key      a table: schema.table (quoted identifiers allowed: "My Schema"."T"),
 *            or table alone (the first schema of search_path that has it, in
 *            the database or in the preflight's snapshot)
 *   value    "removed"           the table may be gone (any count otherwise)
 *            "any"               no check at all
 *            "unchanged", 0      exactly as many rows as before
 *            N, "N", "+N", "-N"  exactly this change (a JSON integer or a string)
 *            "A..B"              a change from A to B, both included; signed
 *                                integers, either may be left out ("..0": no
 *                                rows gained, "-100..": at most 100 lost)
 * Words are case-insensitive; spaces around them are ignored.  Anything else
 * is an ERROR naming the key, before postflight() checks anything.
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "utils/jsonb.h"
}

namespace mg {

struct RowExpectation {
    const char *key;    /* as given */
    List *name;         /* its parsed name: 1 or 2 identifiers (char *), unquoted and case-folded */
    const char *table;  /* schema-qualified and quoted, once resolved; nullptr before */
    const char *text;   /* the expectation as given, for messages */
    bool removed;       /* the table may disappear */
    bool any;           /* no check */
    bool has_min, has_max;
    int64 min, max;     /* allowed change of the row count */
    bool matched;       /* a table of the comparison had it */
};

/* ERROR on anything outside the grammar; nullptr/0 for a NULL argument. */
RowExpectation *parse_row_expectations(Jsonb *j, int *count);

/* Is a change of `delta` rows (table still there) or the removal allowed? */
bool expectation_allows(const RowExpectation &e, bool removed, int64 delta);

} // namespace mg
