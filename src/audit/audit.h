/*
 * audit.h — the DDL audit log (migrate_guard.ddl_log).
 *
 * Rows are formed by the library and inserted directly into the table's heap
 * and index (audit_writer.cpp), in the transaction of the change; no SQL is
 * run, so callers need no privilege on the table and no search_path can
 * redirect it.  Sources:
 *   - the extension's event triggers (ddl_command_end, sql_drop,
 *     table_rewrite), implemented in audit_events.cpp;
 *   - the ProcessUtility hook, for what event triggers never see: TRUNCATE,
 *     cluster-level statements, REINDEX, CLUSTER, GRANT ON PARAMETER, ...
 *     (audit_utility.cpp);
 *   - statements that commit their catalog change in a transaction of their
 *     own before they finish (CREATE/DROP INDEX CONCURRENTLY, REINDEX
 *     CONCURRENTLY, DETACH PARTITION CONCURRENTLY): their row is written in
 *     that first transaction (audit_concurrent.cpp);
 *   - the guard, for DML that matched a rule (audit rows of DELETE/UPDATE);
 *   - an ExecutorStart hook, for INSERT/UPDATE/DELETE/MERGE writing a system
 *     catalog directly (audit_catalog_dml.cpp).
 *
 * The guard's verdict and the text of the statement being run travel from
 * the hooks to the event triggers on a stack of statement frames.  Frames are
 * pushed and popped by the ProcessUtility hook around each statement (popped
 * by PG_FINALLY on error too), so they survive the transaction ends that
 * happen inside a statement (COMMIT in a procedure, the internal commits of
 * CREATE INDEX CONCURRENTLY): the rows written after them keep their verdict.
 */
#pragma once

#include "guard/verdict.h"

extern "C" {
#include "access/transam.h"
#include "catalog/objectaccess.h"
#include "executor/execdesc.h"
}

namespace mg {

/* How the audit handles the statement of a frame (set before it runs). */
enum class FrameAudit : uint8 {
    normal,             /* event triggers (and the hook) write its rows */
    await_index_create, /* CREATE INDEX CONCURRENTLY: row when the index is created */
    await_index_drop,   /* DROP INDEX CONCURRENTLY: row when the index drop starts */
    logged,             /* its row is written: event triggers add none */
};

/* What is being run: where its text is, and what the guard said about it. */
struct StatementFrame {
    const char *source; /* query string the statement is part of */
    int location;       /* its byte range in source (-1: all of it) */
    int length;
    Verdict verdict;
    FrameAudit audit = FrameAudit::normal;
    bool defines_collation = false; /* CREATE COLLATION: event triggers report what it creates */
};

void push_statement(const StatementFrame &frame);
void pop_statement();
/* The innermost statement being run, or nullptr. */
const StatementFrame *current_statement();
/*
 * A verdict reached while the innermost statement runs (the guard judging an
 * object it really drops): its audit rows record it when the statement had
 * no rule of its own.
 */
void note_statement_verdict(const Verdict &v);

/* One row: the parts that do not come from the frame. */
struct AuditRow {
    const char *command_tag;
    const char *object_type;
    const char *schema_name;
    const char *object_identity;
    const char *event;  /* ddl_command_end, sql_drop, table_rewrite, utility, guard, purge */
    const char *detail;
};

/* Is auditing possible here (extension installed with its log table)? */
bool audit_enabled();

/* Write one row for `frame` (nullptr: the current statement). */
void audit_write(const AuditRow &row, const StatementFrame *frame = nullptr);

/* The event trigger bodies write set-based rows: which SRF to read. */
enum class AuditSource { ddl_commands, dropped_objects, table_rewrite };
/* Returns the number of rows written. */
uint64 audit_write_from(AuditSource source, const char *command_tag);

/* Has the current statement's row been written already (FrameAudit::logged)? */
bool current_statement_logged();
void set_current_statement_audit(FrameAudit audit);

/*
 * Hook side, before the statement runs: rows for statements that event
 * triggers do not report, and frame.audit for those that commit early.
 */
void audit_utility_statement(Node *stmt, StatementFrame &frame);
/*
 * Hook side, after a statement the guard did not apply to completed: the row
 * of CREATE EXTENSION migrate_guard itself (its event triggers did not exist
 * when it started).
 */
void audit_utility_done(Node *stmt, const StatementFrame &frame);

/*
 * The audit's parts of the hooks (called by hooks.cpp, which chains them):
 * the object_access_hook sees the index a CONCURRENTLY statement creates or
 * drops (audit_concurrent.cpp, with its part of the transaction callback,
 * audit_concurrent_xact()); ExecutorStart logs direct writes to
 * system catalogs before the statement starts (audit_catalog_dml.cpp).
 */
void audit_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId);
void audit_concurrent_xact(XactEvent event);
/*
 * A collation was created (object_access_hook, audit_function_writes.cpp):
 * its row when no statement event triggers report created it
 * (pg_import_system_collations()).
 */
void audit_collation_created(Oid collid);
void audit_executor_starting(QueryDesc *desc, int eflags);

/* Cheap test before audit_executor_starting(): only relations with OIDs below the users' can be catalogs. */
inline bool plan_may_write_catalog(const PlannedStmt *ps)
{
    const ListCell *lc;
    foreach (lc, ps->resultRelations) {
        const RangeTblEntry *rte = static_cast<const RangeTblEntry *>(list_nth(ps->rtable, lfirst_int(lc) - 1));
        if (rte->rtekind == RTE_RELATION && rte->relid < FirstNormalObjectId)
            return true;
    }
    return false;
}

/* True while migrate_guard runs its own SQL: the hooks leave it alone. */
namespace detail {
extern int g_internal_sql;
}
inline bool running_internal_sql() { return detail::g_internal_sql > 0; }
void begin_internal_sql();
void end_internal_sql();

} // namespace mg
