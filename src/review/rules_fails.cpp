/*
 * rules_fails.cpp — statements that fail as soon as they run, for a reason
 * the catalog (and the script's replayed effects) show without running
 * anything: a column that does not exist (COPY's column list, RENAME COLUMN),
 * a column or relation name that is taken (ADD COLUMN, CREATE TABLE / VIEW /
 * SEQUENCE / MATERIALIZED VIEW without IF NOT EXISTS / OR REPLACE), a COPY
 * with a column twice, into a relation COPY cannot write, or with options
 * PostgreSQL's own ProcessCopyOptions() refuses.
 *
 * A deploy run with ON_ERROR_STOP stops there, half done; without it, every
 * later statement of the block fails too.  Rules: unknown_object (a name
 * that does not exist), already_exists, invalid_statement (warn, as
 * unknown_object).  What else would fail (types, privileges, data) is not
 * predicted (README, Limits).
 */
#include "common/bridge.h"
#include "review/rules.h"
#include "review/subxact.h"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "catalog/pg_trigger.h"
#include "commands/copy.h"
#include "commands/trigger.h"
#include "nodes/makefuncs.h"
#include "parser/parse_node.h"
#include "utils/fmgroids.h"
}

namespace mg::review {
namespace {

void report_fails(Statement *st, const char *rule, const char *what, const char *hint)
{
    add_finding(st, rule, Severity::warn, psprintf("%s: the statement fails when it runs", what), hint);
}

/* Does existing relid (or the script) have column `name` at this point of the script? */
bool has_column(ScriptState *state, Oid relid, const char *name)
{
    const char *live = live_column_name(state, relid, name);
    return get_attnum(relid, live) != InvalidAttrNumber || find_added_column(state, relid, name) != nullptr;
}

/* A view COPY FROM can write into: one with an INSTEAD OF INSERT trigger. */
bool view_takes_insert(Oid relid)
{
    Relation tgrel = table_open(TriggerRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
    SysScanDesc scan = systable_beginscan(tgrel, TriggerRelidNameIndexId, true, nullptr, 1, &key);
    bool found = false;
    HeapTuple tup;
    while (!found && HeapTupleIsValid(tup = systable_getnext(scan))) {
        Form_pg_trigger t = reinterpret_cast<Form_pg_trigger>(GETSTRUCT(tup));
        found = TRIGGER_FOR_INSTEAD(t->tgtype) && TRIGGER_FOR_INSERT(t->tgtype) && t->tgenabled != TRIGGER_DISABLED;
    }
    systable_endscan(scan);
    table_close(tgrel, AccessShareLock);
    return found;
}

void review_copy(Statement *st, ScriptState *state, CopyStmt *cs)
{
    /* the options, as PostgreSQL checks them before it opens anything */
    ErrorData *err = attempt([&] {
        CopyFormatOptions opts;
        memset(&opts, 0, sizeof opts);
        ParseState *pstate = make_parsestate(nullptr);
        ProcessCopyOptions(pstate, &opts, cs->is_from, cs->options);
    });
    if (err != nullptr) {
        report_fails(st, "invalid_statement", psprintf("COPY refuses its options (%s)", err->message),
                     "Fix the COPY options.");
        return;
    }
    if (cs->relation == nullptr)
        return;
    RelRef ref = resolve_relation(state, cs->relation);
    if (ref.state != RelState::existing)
        return; /* missing: unknown_object (rules_locks.cpp); created by the script: its columns are not tracked */
    if (cs->is_from) {
        char kind = get_rel_relkind(ref.relid);
        bool writable = kind == RELKIND_RELATION || kind == RELKIND_PARTITIONED_TABLE || kind == RELKIND_FOREIGN_TABLE ||
                        (kind == RELKIND_VIEW && view_takes_insert(ref.relid));
        if (!writable) {
            report_fails(st, "invalid_statement",
                         psprintf("COPY FROM cannot write into %s, %s", ref.name,
                                  kind == RELKIND_VIEW ? "a view without an INSTEAD OF INSERT trigger"
                                                       : "which is not a table"),
                         "Copy into the table itself.");
            return;
        }
    }
    /* columns the script adds may be renamed later: only the catalog's are known for sure */
    bool added = table_has_added_columns(state, ref.relid);
    ListCell *lc;
    foreach (lc, cs->attlist) {
        const char *col = strVal(lfirst(lc));
        if (!added && !has_column(state, ref.relid, col)) {
            report_fails(st, "unknown_object",
                         psprintf("column %s of %s does not exist and no earlier statement of this script adds it",
                                  quote_identifier(col), ref.name),
                         "Check the column list.");
            return;
        }
        for (ListCell *other = lnext(cs->attlist, lc); other != nullptr; other = lnext(cs->attlist, other))
            if (strcmp(col, strVal(lfirst(other))) == 0) {
                report_fails(st, "invalid_statement",
                             psprintf("column %s is named twice in the column list of COPY", quote_identifier(col)),
                             "Name each column once.");
                return;
            }
    }
}

void review_rename_column(Statement *st, ScriptState *state, RenameStmt *rs)
{
    if (rs->renameType != OBJECT_COLUMN || rs->relation == nullptr || rs->subname == nullptr || rs->missing_ok)
        return;
    RelRef ref = resolve_relation(state, rs->relation);
    if (ref.state != RelState::existing)
        return;
    if (!table_has_added_columns(state, ref.relid) && !has_column(state, ref.relid, rs->subname))
        report_fails(st, "unknown_object",
                     psprintf("column %s of %s does not exist and no earlier statement of this script adds it",
                              quote_identifier(rs->subname), ref.name),
                     "Check the column name.");
    else if (rs->newname != nullptr && has_column(state, ref.relid, rs->newname))
        report_fails(st, "already_exists",
                     psprintf("column %s of %s already exists", quote_identifier(rs->newname), ref.name),
                     "Choose another name, or drop the other column first.");
}

void review_add_columns(Statement *st, ScriptState *state, AlterTableStmt *at)
{
    RelRef ref = resolve_relation(state, at->relation);
    if (ref.state != RelState::existing)
        return;
    ListCell *lc;
    foreach (lc, at->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        if (cmd->subtype != AT_AddColumn || cmd->missing_ok)
            continue;
        ColumnDef *col = castNode(ColumnDef, cmd->def);
        if (has_column(state, ref.relid, col->colname)) {
            report_fails(st, "already_exists",
                         psprintf("column %s of %s already exists", quote_identifier(col->colname), ref.name),
                         psprintf("ADD COLUMN IF NOT EXISTS %s, if the column is meant to be there already.",
                                  quote_identifier(col->colname)));
            return;
        }
    }
}

/* CREATE of a relation whose name is taken in the schema it goes to. */
void review_create(Statement *st, ScriptState *state, const RangeVar *rv, bool tolerant)
{
    if (rv == nullptr || tolerant)
        return;
    RangeVar *where = makeRangeVar(pstrdup(new_relation_schema(state, rv)), rv->relname, -1);
    RelRef ref = resolve_relation(state, where);
    if (ref.state == RelState::missing)
        return;
    report_fails(st, "already_exists",
                 psprintf("relation %s already exists%s", ref.name,
                          ref.state == RelState::created ? " (an earlier statement of this script creates it)" : ""),
                 "Choose another name, or use IF NOT EXISTS if the relation is meant to be there already.");
}

} // namespace

void review_fails(Statement *st, ScriptState *state)
{
    Node *stmt = st->stmt;
    switch (nodeTag(stmt)) {
    case T_CopyStmt:
        review_copy(st, state, castNode(CopyStmt, stmt));
        break;
    case T_RenameStmt:
        review_rename_column(st, state, castNode(RenameStmt, stmt));
        break;
    case T_AlterTableStmt:
        review_add_columns(st, state, castNode(AlterTableStmt, stmt));
        break;
    case T_CreateStmt: {
        CreateStmt *cs = castNode(CreateStmt, stmt);
        review_create(st, state, cs->relation, cs->if_not_exists);
        break;
    }
    case T_ViewStmt: {
        ViewStmt *vs = castNode(ViewStmt, stmt);
        review_create(st, state, vs->view, vs->replace);
        break;
    }
    case T_CreateSeqStmt: {
        CreateSeqStmt *cs = castNode(CreateSeqStmt, stmt);
        review_create(st, state, cs->sequence, cs->if_not_exists);
        break;
    }
    case T_CreateTableAsStmt: {
        CreateTableAsStmt *ct = castNode(CreateTableAsStmt, stmt);
        review_create(st, state, ct->into->rel, ct->if_not_exists);
        break;
    }
    default:
        break;
    }
}

} // namespace mg::review
