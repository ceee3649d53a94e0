/*
 * audit_catalog_dml.cpp — rows for direct writes to system catalogs.
 *
 * A superuser can change the schema without any DDL statement:
 * UPDATE pg_catalog.pg_class SET relrowsecurity = false ..., DELETE FROM
 * pg_catalog.pg_trigger ...  No event trigger sees that, so every
 * INSERT/UPDATE/DELETE/MERGE whose target is a system catalog (a relation
 * with a pinned OID: the catalogs, their TOAST tables and indexes) gets a row
 * when it starts executing, in its transaction (a failed statement takes its
 * row with it).  Each execution of a prepared statement gets its own row.
 */
#include "common/bridge.h"
#include "audit/audit.h"

extern "C" {
#include "access/parallel.h"
#include "catalog/catalog.h"
#include "executor/executor.h"
#include "parser/parsetree.h"
}

namespace mg {
namespace {

const char *dml_command(CmdType type)
{
    switch (type) {
    case CMD_INSERT:
        return "INSERT";
    case CMD_UPDATE:
        return "UPDATE";
    case CMD_DELETE:
        return "DELETE";
#if MG_HAVE_MERGE
    case CMD_MERGE:
        return "MERGE";
#endif
    default:
        return "SELECT"; /* a writable CTE */
    }
}

void log_catalog_writes(QueryDesc *desc)
{
    PlannedStmt *ps = desc->plannedstmt;
    ListCell *lc;
    foreach (lc, ps->resultRelations) {
        RangeTblEntry *rte = rt_fetch(lfirst_int(lc), ps->rtable);
        if (rte->rtekind != RTE_RELATION || !IsCatalogRelationOid(rte->relid))
            continue;
        StatementFrame frame = {desc->sourceText, ps->stmt_location, ps->stmt_len,
                                Verdict{false, Rule::drop_table, nullptr, InvalidOid, false}};
        const char *schema = get_namespace_name(get_rel_namespace(rte->relid));
        AuditRow row = {dml_command(ps->commandType), "table", schema, relation_identity(rte->relid),
                        "catalog_dml", "direct write to a system catalog"};
        audit_write(row, &frame);
    }
}

/* Does the statement write a system catalog?  The cheap test first: user relations have OIDs past the catalogs'. */
bool writes_catalog(const PlannedStmt *ps)
{
    ListCell *lc;
    foreach (lc, ps->resultRelations) {
        RangeTblEntry *rte = rt_fetch(lfirst_int(lc), ps->rtable);
        if (rte->rtekind == RTE_RELATION && rte->relid < FirstNormalObjectId && IsCatalogRelationOid(rte->relid))
            return true;
    }
    return false;
}

} // namespace

void audit_executor_starting(QueryDesc *desc, int eflags)
{
    /* only statements that write a catalog (resultRelations) and really run */
    if (writes_catalog(desc->plannedstmt) && !(eflags & EXEC_FLAG_EXPLAIN_ONLY) && !IsParallelWorker() &&
        !creating_extension && !running_internal_sql() && audit_enabled())
        log_catalog_writes(desc);
}

} // namespace mg
