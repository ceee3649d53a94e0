/*
 * rules_locks.cpp — the relations every other statement locks, and with
 * which lock (locks.h), so that lock_mode, relations, missing_lock_timeout
 * and lock_conflict cover them: TRUNCATE (every table it empties), DROP of
 * relations, triggers, policies and rules, RENAME, SET SCHEMA, CREATE
 * TRIGGER / POLICY / RULE, LOCK, DML.  Statements that rewrite under their
 * lock report table_rewrite (VACUUM FULL, CLUSTER, REFRESH MATERIALIZED
 * VIEW).  DO and CALL run code the review cannot see: opaque_code.
 */
#include "common/bridge.h"
#include "guard/classify.h"
#include "review/live_names.h"
#include "review/locks.h"
#include "review/rules.h"
#include "review/sql_text.h"

extern "C" {
#include "commands/defrem.h"
}

namespace mg::review {
namespace {

void lock_relation(Statement *st, ScriptState *state, const RangeVar *rv, LOCKMODE mode, bool missing_ok)
{
    if (rv == nullptr)
        return;
    RelRef ref = resolve_relation(state, rv);
    if (ref.state == RelState::existing)
        note_lock(st, ref.relid, mode);
    else if (ref.state == RelState::missing) {
        Target t = {ref, nullptr};
        report_missing(st, t, missing_ok);
    }
}

bool is_relation_drop(ObjectType t)
{
    return t == OBJECT_TABLE || t == OBJECT_VIEW || t == OBJECT_MATVIEW || t == OBJECT_SEQUENCE ||
           t == OBJECT_FOREIGN_TABLE;
}

bool is_relation_member_drop(ObjectType t)
{
    return t == OBJECT_TRIGGER || t == OBJECT_POLICY || t == OBJECT_RULE;
}

void review_drop(Statement *st, ScriptState *state, DropStmt *ds)
{
    ListCell *lc;
    if (is_relation_drop(ds->removeType)) {
        foreach (lc, ds->objects)
            lock_relation(st, state, makeRangeVarFromNameList(castNode(List, lfirst(lc))), AccessExclusiveLock,
                          ds->missing_ok);
    } else if (is_relation_member_drop(ds->removeType)) {
        /* DROP TRIGGER t ON rel: the last name is the member, the others name the relation */
        foreach (lc, ds->objects) {
            List *names = castNode(List, lfirst(lc));
            if (list_length(names) < 2)
                continue;
            List *rel = list_copy(names);
            rel = list_truncate(rel, list_length(rel) - 1);
            lock_relation(st, state, makeRangeVarFromNameList(rel), AccessExclusiveLock, ds->missing_ok);
        }
    }
}

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

void rewrite_under_lock(Statement *st, ScriptState *state, const RangeVar *rv, LOCKMODE lock, const char *what,
                        const char *why, const char *hint)
{
    Target t = target_of(state, rv);
    if (t.ref.state == RelState::missing) {
        report_missing(st, t, false);
        return;
    }
    if (!target_exists(t))
        return;
    note_lock(st, t.ref.relid, lock);
    report_rewrite(st, t, lock, what, why, hint);
}

void review_vacuum(Statement *st, ScriptState *state, VacuumStmt *v)
{
    bool full = v->is_vacuumcmd && has_option(v->options, "full");
    LOCKMODE lock = statement_lock(reinterpret_cast<Node *>(v));
    if (full && v->rels == NIL)
        add_finding(st, "table_rewrite", Severity::danger,
                    "VACUUM FULL without a table rewrites every table of the database, each under an "
                    "AccessExclusiveLock: every query on each of them waits while it is rewritten",
                    "Plain VACUUM reclaims space for reuse without blocking reads or writes; pg_repack compacts "
                    "tables online.");
    ListCell *lc;
    foreach (lc, v->rels) {
        VacuumRelation *vr = lfirst_node(VacuumRelation, lc);
        if (full)
            rewrite_under_lock(st, state, vr->relation, lock, "VACUUM FULL", "every live row is copied into a new file",
                               "Plain VACUUM reclaims space for reuse without blocking reads or writes; pg_repack "
                               "compacts a table online.");
        else
            lock_relation(st, state, vr->relation, lock, false);
    }
}

} // namespace

void review_locks(Statement *st, ScriptState *state)
{
    Node *stmt = st->stmt;
    LOCKMODE lock = statement_lock(stmt);
    switch (nodeTag(stmt)) {
    case T_TruncateStmt: {
        ListCell *lc;
        /* truncate_targets() looks the names up in the catalog: give it the catalog's names */
        foreach (lc, truncate_targets(castNode(TruncateStmt, with_live_names(state, stmt))))
            note_lock(st, lfirst_oid(lc), lock);
        break;
    }
    case T_DropStmt:
        if (castNode(DropStmt, stmt)->removeType != OBJECT_INDEX)
            review_drop(st, state, castNode(DropStmt, stmt));
        break;
    case T_RenameStmt: {
        RenameStmt *rs = castNode(RenameStmt, stmt);
        lock_relation(st, state, rs->relation, lock, rs->missing_ok);
        break;
    }
    case T_AlterObjectSchemaStmt: {
        AlterObjectSchemaStmt *as = castNode(AlterObjectSchemaStmt, stmt);
        lock_relation(st, state, as->relation, lock, as->missing_ok);
        break;
    }
    case T_CreateTrigStmt: {
        CreateTrigStmt *ct = castNode(CreateTrigStmt, stmt);
        lock_relation(st, state, ct->relation, lock, false);
        lock_relation(st, state, ct->constrrel, lock, false);
        break;
    }
    case T_CreatePolicyStmt:
        lock_relation(st, state, castNode(CreatePolicyStmt, stmt)->table, lock, false);
        break;
    case T_AlterPolicyStmt:
        lock_relation(st, state, castNode(AlterPolicyStmt, stmt)->table, lock, false);
        break;
    case T_RuleStmt:
        lock_relation(st, state, castNode(RuleStmt, stmt)->relation, lock, false);
        break;
    case T_LockStmt: {
        ListCell *lc;
        foreach (lc, castNode(LockStmt, stmt)->relations)
            lock_relation(st, state, lfirst_node(RangeVar, lc), lock, false);
        break;
    }
    case T_VacuumStmt:
        review_vacuum(st, state, castNode(VacuumStmt, stmt));
        break;
    case T_ClusterStmt: {
        ClusterStmt *cs = castNode(ClusterStmt, stmt);
        if (cs->relation == nullptr)
            add_finding(st, "table_rewrite", Severity::danger,
                        "CLUSTER without a table rewrites every clustered table of the database, each under an "
                        "AccessExclusiveLock",
                        "pg_repack reorders tables online.");
        else
            rewrite_under_lock(st, state, cs->relation, lock, "CLUSTER", "every row is copied in index order",
                               "pg_repack reorders a table online.");
        break;
    }
    case T_RefreshMatViewStmt: {
        RefreshMatViewStmt *rm = castNode(RefreshMatViewStmt, stmt);
        if (rm->concurrent)
            lock_relation(st, state, rm->relation, lock, false);
        else
            rewrite_under_lock(st, state, rm->relation, lock, "REFRESH MATERIALIZED VIEW",
                               "its query runs again and replaces every row",
                               psprintf("%s; (ExclusiveLock: reads go on; needs a unique index on the view)",
                                        insert_after_word(st->text, "view", "CONCURRENTLY")
                                            ? insert_after_word(st->text, "view", "CONCURRENTLY")
                                            : st->text));
        break;
    }
    /* DML: a missing target is reported by rules_guard.cpp */
    case T_InsertStmt:
        lock_relation(st, state, castNode(InsertStmt, stmt)->relation, lock, true);
        break;
    case T_UpdateStmt:
        lock_relation(st, state, castNode(UpdateStmt, stmt)->relation, lock, true);
        break;
    case T_DeleteStmt:
        lock_relation(st, state, castNode(DeleteStmt, stmt)->relation, lock, true);
        break;
#if MG_HAVE_MERGE
    case T_MergeStmt:
        lock_relation(st, state, castNode(MergeStmt, stmt)->relation, lock, true);
        break;
#endif
    case T_CopyStmt: {
        /* COPY FROM writes rows into the table (RowExclusiveLock, as INSERT); COPY (DML) TO runs the DML */
        CopyStmt *c = castNode(CopyStmt, stmt);
        if (c->is_from)
            lock_relation(st, state, c->relation, RowExclusiveLock, false);
        else if (c->query != nullptr && IsA(c->query, DeleteStmt))
            lock_relation(st, state, castNode(DeleteStmt, c->query)->relation, RowExclusiveLock, true);
        else if (c->query != nullptr && IsA(c->query, UpdateStmt))
            lock_relation(st, state, castNode(UpdateStmt, c->query)->relation, RowExclusiveLock, true);
        else if (c->query != nullptr && IsA(c->query, InsertStmt))
            lock_relation(st, state, castNode(InsertStmt, c->query)->relation, RowExclusiveLock, true);
#if MG_HAVE_MERGE
        else if (c->query != nullptr && IsA(c->query, MergeStmt))
            lock_relation(st, state, castNode(MergeStmt, c->query)->relation, RowExclusiveLock, true);
#endif
        break;
    }
    case T_DoStmt:
    case T_CallStmt:
        add_finding(st, "opaque_code", Severity::warn,
                    psprintf("%s runs procedural code: the review cannot see the statements it runs (the guard still "
                             "judges each of them when it runs)",
                             IsA(stmt, DoStmt) ? "DO" : "CALL"),
                    "Write the statements out in the migration, so that they can be reviewed.");
        break;
    default:
        break;
    }
}

} // namespace mg::review
