/*
 * audit_concurrent.cpp — the row of CREATE INDEX CONCURRENTLY and DROP INDEX
 * CONCURRENTLY, written in their first transaction.
 *
 * Both commit a catalog change in a transaction of their own before they
 * finish: CREATE INDEX CONCURRENTLY commits the new (invalid) index before
 * building it, DROP INDEX CONCURRENTLY commits the index marked invalid before
 * waiting for other sessions.  If a later step fails (a duplicate for a
 * unique index, a cancel, a deadlock), that change stays, but the event
 * triggers, which fire at the very end, never run.  So the row is written
 * in that first transaction, and the frame is marked logged so that the event
 * triggers add no second row when the statement completes:
 *   - CREATE: from the object_access_hook when the index is created (its
 *     catalog rows are not visible yet: its name comes from the relation
 *     cache);
 *   - DROP: the object_access_hook only notes the index (DROP INDEX
 *     CONCURRENTLY refuses to start once its transaction wrote anything); the
 *     row is written just before that first transaction commits.
 */
#include "common/bridge.h"
#include "audit/audit.h"

extern "C" {
#include "catalog/objectaccess.h"
#include "catalog/pg_collation.h"
#include "utils/relcache.h"
}

namespace mg {
namespace {

Oid g_dropping_index = InvalidOid; /* DROP INDEX CONCURRENTLY: noted, row at pre-commit */

const char *const kCreatedDetail =
    "CONCURRENTLY: logged when the index was created; it stays invalid if the build fails";
const char *const kDropDetail =
    "CONCURRENTLY: logged when the drop started; the index stays invalid if the drop does not complete";

void log_index_created(Oid indexid, const StatementFrame &frame)
{
    /* the index's catalog rows are not visible before the next command: ask the relation cache */
    Relation index = RelationIdGetRelation(indexid);
    if (index == nullptr)
        return;
    bool is_index = index->rd_rel->relkind == RELKIND_INDEX;
    char *name = pstrdup(NameStr(index->rd_rel->relname));
    Oid nsp = index->rd_rel->relnamespace;
    RelationClose(index);
    if (!is_index)
        return;
    set_current_statement_audit(FrameAudit::logged);
    char *schema = get_namespace_name(nsp);
    AuditRow row = {"CREATE INDEX", "index", schema, quote_qualified_identifier(schema, name), "utility",
                    kCreatedDetail};
    audit_write(row, &frame);
}

void log_index_dropped(Oid indexid, const StatementFrame &frame)
{
    if (get_rel_relkind(indexid) != RELKIND_INDEX)
        return;
    set_current_statement_audit(FrameAudit::logged);
    char *schema = get_namespace_name(get_rel_namespace(indexid));
    AuditRow row = {"DROP INDEX", "index", schema, relation_identity(indexid), "sql_drop", kDropDetail};
    audit_write(row, &frame);
}

/* Out of line: the transaction callback's common case stays a test. */
pg_noinline void log_pending_index_drop(Oid index)
{
    guarded("transaction callback", [&] {
        const StatementFrame *frame = current_statement();
        if (frame != nullptr && frame->audit == FrameAudit::await_index_drop && audit_enabled())
            log_index_dropped(index, *frame);
    });
}

} // namespace

void audit_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId)
{
    if (classId == CollationRelationId && access == OAT_POST_CREATE) {
        audit_collation_created(objectId);
        return;
    }
    if (classId != RelationRelationId || subId != 0 || (access != OAT_POST_CREATE && access != OAT_DROP))
        return; /* the common case, e.g. every function execution check */
    guarded("object_access hook", [&] {
        const StatementFrame *frame = current_statement();
        if (frame == nullptr || frame->audit == FrameAudit::normal || frame->audit == FrameAudit::logged)
            return;
        if (!audit_enabled() || running_internal_sql())
            return;
        if (access == OAT_POST_CREATE && frame->audit == FrameAudit::await_index_create)
            log_index_created(objectId, *frame);
        else if (access == OAT_DROP && frame->audit == FrameAudit::await_index_drop)
            g_dropping_index = objectId;
    });
}

void audit_concurrent_xact(XactEvent event)
{
    if (!OidIsValid(g_dropping_index))
        return; /* every transaction but those of a DROP INDEX CONCURRENTLY */
    if (event == XACT_EVENT_PRE_COMMIT) {
        Oid index = g_dropping_index;
        g_dropping_index = InvalidOid;
        log_pending_index_drop(index);
    } else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_COMMIT) {
        g_dropping_index = InvalidOid;
    }
}

} // namespace mg
