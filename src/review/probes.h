/*
 * probes.h — probe => true: read-only data probes, run as the caller under a
 * bounded statement timeout (migrate_guard.probe_timeout), with search_path
 * pinned to pg_catalog and every name in the probe SQL qualified:
 *
 *   unique_violation     duplicates before UNIQUE / PRIMARY KEY / unique index
 *   not_null_violation   NULLs before SET NOT NULL / PRIMARY KEY
 *   fk_violation         orphans before a foreign key is validated
 *   check_violation      rows a new (or validated) CHECK rejects
 *   lock_conflict        sessions holding a lock that conflicts with the
 *                        statement's, right now (pid, state, for how long)
 *
 * A table the caller may not read is skipped with a note (severity ok); so is
 * a probe that runs out of time.
 */
#pragma once

#include "review/replay.h"
#include "review/review.h"

namespace mg::review {

enum class ProbeKind : uint8_t { duplicates, nulls, orphans, check };

struct ProbeRequest {
    ProbeKind kind;
    Oid relid;
    List *columns;      /* char *: duplicates, nulls, orphans (referencing side) */
    Oid ref_relid;      /* orphans: the referenced table; InvalidOid: created by the script (empty) */
    List *ref_columns;  /* orphans: referenced columns; NIL: its primary key */
    Node *raw_check;    /* check: the expression as written */
    Oid check_oid;      /* check: a constraint in the catalog (VALIDATE CONSTRAINT) */
    char *what;         /* "UNIQUE (email)", "CHECK orders_amount_check", ... */
    bool include_children; /* the constraint applies to partitions / children too */
};

void request_probe(Statement *st, const ProbeRequest &req);

/* The probe_timeout setting (milliseconds). */
void define_review_settings();
int probe_timeout_ms();

/* Runs st's data probes, then the lock_conflict probe of every relation it locks. */
void run_probes(Statement *st, const ScriptState *state);

} // namespace mg::review
