/*
 * rules_index.cpp — building and dropping indexes, and statements
 * PostgreSQL refuses inside a transaction block.
 *
 *   index_not_concurrent         CREATE INDEX / REINDEX without CONCURRENTLY
 *                                on an existing, non-empty table: ShareLock
 *                                (writes wait) for the whole build
 *   drop_index_not_concurrent    DROP INDEX without CONCURRENTLY: a brief
 *                                AccessExclusiveLock on the table that still
 *                                queues behind every running query
 *   concurrently_in_transaction  CONCURRENTLY (and VACUUM, CREATE DATABASE,
 *                                ...) inside BEGIN ... COMMIT: refused
 */
#include "common/bridge.h"
#include "review/locks.h"
#include "review/probes.h"
#include "review/rules.h"
#include "review/sql_text.h"

extern "C" {
#include "access/relation.h"
#include "catalog/index.h"
#include "commands/defrem.h"
#include "utils/formatting.h"
}

namespace mg::review {
namespace {

bool has_option(List *options, const char *name)
{
    ListCell *lc;
    foreach (lc, options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, name) == 0)
            return opt->arg == nullptr || defGetBoolean(opt);
    }
    return false;
}

char *concurrently(const Statement *st, const char *after_word)
{
    char *text = insert_after_word(st->text, after_word, "CONCURRENTLY");
    return text ? text : pstrdup(st->text);
}

const char *partitioned_index_recipe(const char *table)
{
    return psprintf("An index on partitioned table %s cannot be built concurrently. Create it ON ONLY %s (instant, "
                    "left invalid), then CREATE INDEX CONCURRENTLY on each partition and ALTER INDEX ... ATTACH "
                    "PARTITION each of them; the parent index becomes valid when all are attached.",
                    table, table);
}

void review_create_index(Statement *st, ScriptState *state, IndexStmt *is)
{
    Target t = target_of(state, is->relation);
    if (t.ref.state == RelState::missing) {
        report_missing(st, t, false);
        return;
    }
    LOCKMODE lock = statement_lock(st->stmt);
    if (target_exists(t))
        note_lock(st, t.ref.relid, lock);
    bool partitioned = target_exists(t) && t.ref.relkind == RELKIND_PARTITIONED_TABLE;
    if (is->concurrent) {
        if (partitioned)
            add_finding(st, "index_not_concurrent", Severity::danger,
                        psprintf("CREATE INDEX CONCURRENTLY fails on partitioned table %s: PostgreSQL builds indexes "
                                 "on partitioned tables only without CONCURRENTLY",
                                 target_text(t)),
                        partitioned_index_recipe(t.ref.name));
    } else if (partitioned && !is->relation->inh) {
        add_finding(st, "index_not_concurrent", Severity::ok,
                    psprintf("CREATE INDEX ON ONLY %s builds nothing: the index stays invalid until an index of "
                             "each partition is attached to it",
                             t.ref.name));
    } else if (target_is_trivial(t)) {
        add_finding(st, "index_not_concurrent", Severity::ok,
                    psprintf("CREATE INDEX takes %s on %s; %s", a_lock(lock), target_text(t), why_ok(t)));
    } else {
        add_finding(st, "index_not_concurrent", Severity::danger,
                    psprintf("CREATE INDEX takes %s on %s for the whole build: %s waits until it ends, for a "
                             "time that grows with the table",
                             a_lock(lock), target_text(t), who_waits(lock)),
                    partitioned ? partitioned_index_recipe(t.ref.name)
                                : psprintf("%s; -- outside a transaction block: ShareUpdateExclusiveLock, reads and "
                                           "writes go on (if it fails, DROP the INVALID index it leaves and retry)",
                                           concurrently(st, "index")));
    }
    if (is->unique && target_exists(t) && !t.facts->empty) {
        ProbeRequest req = {};
        req.kind = ProbeKind::duplicates;
        req.relid = t.ref.relid;
        ListCell *lc;
        foreach (lc, is->indexParams) {
            IndexElem *e = lfirst_node(IndexElem, lc);
            if (e->name == nullptr)
                return; /* an expression: not probed */
            req.columns = lappend(req.columns, e->name);
        }
        if (is->whereClause != nullptr)
            return; /* partial: not probed */
        req.what = psprintf("unique index (%s)", column_list_text(req.columns));
        req.include_children = true;
        request_probe(st, req);
    }
}

void review_drop_index(Statement *st, ScriptState *state, DropStmt *ds)
{
    LOCKMODE lock = statement_lock(st->stmt);
    ListCell *lc;
    foreach (lc, ds->objects) {
        RelRef idx = resolve_name_list(state, castNode(List, lfirst(lc)));
        if (idx.state == RelState::missing) {
            Target t = {idx, nullptr};
            report_missing(st, t, ds->missing_ok);
            continue;
        }
        if (idx.state == RelState::created) {
            if (!ds->concurrent)
                add_finding(st, "drop_index_not_concurrent", Severity::ok,
                            psprintf("index %s is created earlier in this script", idx.name));
            continue;
        }
        Oid table = IndexGetRelation(idx.relid, true);
        if (!OidIsValid(table))
            continue;
        note_lock(st, table, lock);
        note_lock(st, idx.relid, lock);
        if (ds->concurrent)
            continue;
        Target t = target_of_relid(table);
        if (target_is_trivial(t))
            add_finding(st, "drop_index_not_concurrent", Severity::ok,
                        psprintf("DROP INDEX %s takes an AccessExclusiveLock on %s; %s", idx.name, target_text(t),
                                 why_ok(t)));
        else
            add_finding(st, "drop_index_not_concurrent", Severity::warn,
                        psprintf("DROP INDEX %s takes an AccessExclusiveLock on %s: brief, but it waits for every "
                                 "running query on the table, and %s queues behind it meanwhile",
                                 idx.name, target_text(t), who_waits(AccessExclusiveLock)),
                        t.ref.relkind == RELKIND_PARTITIONED_TABLE
                            ? "DROP INDEX CONCURRENTLY does not work on a partitioned table: set lock_timeout and "
                              "retry."
                            : psprintf("%s; -- outside a transaction block (one index per statement, no CASCADE)",
                                       concurrently(st, "index")));
    }
}

void review_reindex(Statement *st, ScriptState *state, ReindexStmt *rs)
{
    bool concurrent = has_option(rs->params, "concurrently");
    const char *kind_word = rs->kind == REINDEX_OBJECT_INDEX    ? "index"
                            : rs->kind == REINDEX_OBJECT_TABLE  ? "table"
                            : rs->kind == REINDEX_OBJECT_SCHEMA ? "schema"
                            : rs->kind == REINDEX_OBJECT_SYSTEM ? "system"
                                                                : "database";
    if (rs->relation == nullptr) {
        if (!concurrent)
            add_finding(st, "index_not_concurrent", Severity::danger,
                        psprintf("REINDEX %s rebuilds every index in it, each under a ShareLock on its table (writes "
                                 "wait) and an AccessExclusiveLock on the index (queries that would use it wait)",
                                 asc_toupper(kind_word, strlen(kind_word))),
                        psprintf("%s;", concurrently(st, kind_word)));
        return;
    }
    RelRef ref = resolve_relation(state, rs->relation);
    if (ref.state == RelState::missing) {
        Target t = {ref, nullptr};
        report_missing(st, t, false);
        return;
    }
    if (ref.state == RelState::created)
        return;
    Oid table = rs->kind == REINDEX_OBJECT_INDEX ? IndexGetRelation(ref.relid, true) : ref.relid;
    if (!OidIsValid(table))
        return;
    LOCKMODE table_lock = statement_lock(st->stmt);
    LOCKMODE index_lock = concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock;
    note_lock(st, table, table_lock);
    if (rs->kind == REINDEX_OBJECT_INDEX) {
        note_lock(st, ref.relid, index_lock);
    } else if (ConditionalLockRelationOid(table, AccessShareLock)) {
        Relation rel = relation_open(table, NoLock);
        ListCell *lc;
        foreach (lc, RelationGetIndexList(rel))
            note_lock(st, lfirst_oid(lc), index_lock);
        relation_close(rel, NoLock);
    }
    st->rewrites = true;
    if (concurrent)
        return;
    Target t = target_of_relid(table);
    if (target_is_trivial(t))
        add_finding(st, "index_not_concurrent", Severity::ok,
                    psprintf("REINDEX takes a ShareLock on %s; %s", target_text(t), why_ok(t)));
    else
        add_finding(st, "index_not_concurrent", Severity::danger,
                    psprintf("REINDEX takes a ShareLock on %s and an AccessExclusiveLock on the index while it "
                             "rebuilds it: every write waits, and so does every query that would use the index, "
                             "for a time that grows with the table",
                             target_text(t)),
                    psprintf("%s; -- outside a transaction block", concurrently(st, kind_word)));
}

/* Why a statement may not run inside a transaction block (NULL: it may). */
const char *refused_in_block(Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_IndexStmt:
        return castNode(IndexStmt, stmt)->concurrent ? "CREATE INDEX CONCURRENTLY" : nullptr;
    case T_DropStmt:
        return castNode(DropStmt, stmt)->concurrent ? "DROP INDEX CONCURRENTLY" : nullptr;
    case T_ReindexStmt: {
        ReindexStmt *rs = castNode(ReindexStmt, stmt);
        if (has_option(rs->params, "concurrently"))
            return "REINDEX CONCURRENTLY";
        return rs->kind == REINDEX_OBJECT_SCHEMA || rs->kind == REINDEX_OBJECT_DATABASE ||
                       rs->kind == REINDEX_OBJECT_SYSTEM
                   ? "REINDEX SCHEMA/DATABASE/SYSTEM"
                   : nullptr;
    }
    case T_AlterTableStmt: {
        ListCell *lc;
        foreach (lc, castNode(AlterTableStmt, stmt)->cmds) {
            AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
            if (cmd->subtype == AT_DetachPartition && cmd->def && castNode(PartitionCmd, cmd->def)->concurrent)
                return "DETACH PARTITION CONCURRENTLY";
        }
        return nullptr;
    }
    case T_VacuumStmt:
        return castNode(VacuumStmt, stmt)->is_vacuumcmd ? "VACUUM" : nullptr;
    case T_CreatedbStmt:
        return "CREATE DATABASE";
    case T_DropdbStmt:
        return "DROP DATABASE";
    case T_CreateTableSpaceStmt:
        return "CREATE TABLESPACE";
    case T_DropTableSpaceStmt:
        return "DROP TABLESPACE";
    case T_AlterSystemStmt:
        return "ALTER SYSTEM";
    default:
        return nullptr;
    }
}

} // namespace

void review_index(Statement *st, ScriptState *state)
{
    Node *stmt = st->stmt;
    if (IsA(stmt, IndexStmt))
        review_create_index(st, state, castNode(IndexStmt, stmt));
    else if (IsA(stmt, DropStmt) && castNode(DropStmt, stmt)->removeType == OBJECT_INDEX)
        review_drop_index(st, state, castNode(DropStmt, stmt));
    else if (IsA(stmt, ReindexStmt))
        review_reindex(st, state, castNode(ReindexStmt, stmt));
}

void review_transaction_block(Statement *st, ScriptState *state)
{
    if (!state->in_block)
        return;
    const char *what = refused_in_block(st->stmt);
    if (what == nullptr)
        return;
    add_finding(st, "concurrently_in_transaction", Severity::danger,
                psprintf("%s cannot run inside a transaction block (BEGIN on line %d): PostgreSQL refuses it there "
                         "and the migration stops",
                         what, state->block_line),
                psprintf("Run it outside BEGIN ... COMMIT: COMMIT before it, and start a new block after it if the "
                         "statements that follow need one."));
}

} // namespace mg::review
