/*
 * audit.h — the DDL audit log (migrate_guard.ddl_log).
 *
 * Rows are written in the transaction of the change, through SPI, as the
 * owner of the log table (callers need no privilege on it).  Sources:
 *   - the extension's event triggers (ddl_command_end, sql_drop,
 *     table_rewrite), implemented in audit_events.cpp;
 *   - the ProcessUtility hook, for what event triggers never see: TRUNCATE
 *     and cluster-level statements (audit_utility.cpp);
 *   - the guard, for DML that matched a rule (audit rows of DELETE/UPDATE).
 *
 * The guard's verdict and the text of the statement being run travel from
 * the hooks to the event triggers on a small stack of statement frames.
 */
#pragma once

#include "guard/verdict.h"

namespace mg {

/* What is being run: where its text is, and what the guard said about it. */
struct StatementFrame {
    const char *source; /* query string the statement is part of */
    int location;       /* its byte range in source (-1: all of it) */
    int length;
    Verdict verdict;
};

void push_statement(const StatementFrame &frame);
void pop_statement();
/* The innermost statement being run, or nullptr. */
const StatementFrame *current_statement();
/* Forget every frame (transaction end). */
void reset_statements();
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

/* Hook side: rows for statements that event triggers do not report. */
void audit_utility_statement(Node *stmt, const StatementFrame &frame);

/* True while migrate_guard runs its own SQL: the hooks leave it alone. */
bool running_internal_sql();
void begin_internal_sql();
void end_internal_sql(); /* also reset by reset_statements() at transaction end */

} // namespace mg
