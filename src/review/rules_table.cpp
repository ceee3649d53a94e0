/*
 * rules_table.cpp — ALTER TABLE, sub-command by sub-command, and CREATE TABLE.
 *
 *   table_rewrite             a sub-command that rewrites (or copies) every row
 *                             of an existing, non-empty table under its lock:
 *                             ADD COLUMN with a volatile default / identity /
 *                             stored generated / constrained domain, ALTER
 *                             COLUMN TYPE that is not binary-coercible (or
 *                             that rebuilds an index: a new collation or
 *                             operator class on the column), SET
 *                             LOGGED / UNLOGGED (rewrite.h decides, as
 *                             PostgreSQL does); SET ACCESS METHOD and SET
 *                             TABLESPACE in rules_storage.cpp
 *   not_null_without_default  ADD COLUMN ... NOT NULL without a default (or with
 *                             one that is NULL: PostgreSQL stores none) fails on
 *                             a non-empty table
 * and hands constraints to rules_constraints.cpp.  The lock is
 * AlterTableGetLockLevel() of all sub-commands, on the table; a foreign key
 * also locks the table it references, a partition its parent.
 */
#include "common/bridge.h"
#include "review/locks.h"
#include "review/rewrite.h"
#include "review/rules.h"

extern "C" {
#include "parser/parse_type.h"
}

namespace mg::review {
namespace {

const char *kExpandContract =
    "Expand and contract instead: add a new column of the new type, write both (trigger or application), backfill "
    "it in batches, switch the readers, then drop the old column.";

void rewrite_finding(const ConstraintSite &site, const char *what, const char *why, const char *hint)
{
    report_rewrite(site.st, site.table, site.table_lock, what, why, hint);
}

bool column_not_null(ColumnDef *col)
{
    return col->is_not_null || column_constraint(col, CONSTR_NOTNULL) != nullptr ||
           column_constraint(col, CONSTR_PRIMARY) != nullptr;
}

bool column_gets_values(ColumnDef *col)
{
    return column_constraint(col, CONSTR_DEFAULT) != nullptr || column_constraint(col, CONSTR_IDENTITY) != nullptr ||
           column_constraint(col, CONSTR_GENERATED) != nullptr;
}

void review_add_column(const ConstraintSite &site, ColumnDef *col)
{
    const Target &t = site.table;
    const char *what = psprintf("ADD COLUMN %s", quote_identifier(col->colname));
    bool null_default = false;
    if (target_exists(t)) {
        RewriteDecision d = add_column_rewrite(t.ref.relid, col);
        null_default = d.null_default;
        if (d.rewrite == Rewrite::yes)
            rewrite_finding(site, what, d.why,
                            psprintf("Add the column without a volatile default (ALTER TABLE %s ADD COLUMN %s %s), "
                                     "then ALTER COLUMN %s SET DEFAULT for new rows, then backfill existing rows in "
                                     "batches (UPDATE ... WHERE id BETWEEN ... AND ...).",
                                     t.ref.name, quote_identifier(col->colname), TypeNameToString(col->typeName),
                                     quote_identifier(col->colname)));
        else if (d.rewrite == Rewrite::no && d.detail != nullptr)
            add_finding(site.st, "table_rewrite", Severity::ok,
                        psprintf("%s does not rewrite %s: %s", what, target_text(t), d.why));
        else if (d.rewrite == Rewrite::unknown && !target_is_trivial(t))
            add_finding(site.st, "table_rewrite", Severity::warn,
                        psprintf("the review could not tell whether %s rewrites %s: %s", what, target_text(t), d.why),
                        "Make sure the default is not volatile (a volatile default rewrites the table).");
    }
    if (column_not_null(col) && (!column_gets_values(col) || null_default) &&
        (target_exists(t) || target_is_new(t))) {
        /* a NULL default is no default: PostgreSQL stores none */
        const char *without = null_default ? "NOT NULL with a default that is NULL" : "NOT NULL without a default";
        if (target_is_trivial(t))
            add_finding(site.st, "not_null_without_default", Severity::ok,
                        psprintf("%s %s works only because %s", what, without,
                                 target_is_new(t) ? psprintf("%s is created earlier in this script", t.ref.name)
                                                  : psprintf("%s is empty", t.ref.name)));
        else
            add_finding(site.st, "not_null_without_default", Severity::danger,
                        psprintf("%s %s fails on %s: every existing row would hold NULL", what, without,
                                 target_text(t)),
                        psprintf("Give it a non-volatile default (ALTER TABLE %s ADD COLUMN %s %s NOT NULL DEFAULT "
                                 "...: stored once, no rewrite), or add it nullable, backfill it, then SET NOT NULL "
                                 "through a validated CHECK (... IS NOT NULL).",
                                 t.ref.name, quote_identifier(col->colname), TypeNameToString(col->typeName)));
    }
    ConstraintSite column_site = site;
    column_site.column = col->colname;
    ListCell *lc;
    foreach (lc, col->constraints) {
        Constraint *con = lfirst_node(Constraint, lc);
        switch (con->contype) {
        case CONSTR_CHECK:
        case CONSTR_PRIMARY:
        case CONSTR_UNIQUE:
        case CONSTR_FOREIGN:
            review_constraint(column_site, con);
            break;
        default:
            break;
        }
    }
}

void review_type_change(const ConstraintSite &site, AlterTableCmd *cmd, ScriptState *state)
{
    const Target &t = site.table;
    if (!target_exists(t))
        return;
    /* a column the script renamed: the catalog knows it by its old name */
    const char *live = live_column_name(state, t.ref.relid, cmd->name);
    if (get_attnum(t.ref.relid, live) == InvalidAttrNumber && !find_added_column(state, t.ref.relid, cmd->name)) {
        add_finding(site.st, "unknown_object", Severity::warn,
                    psprintf("column %s of %s does not exist and no earlier statement of this script adds it: the "
                             "statement fails when it runs",
                             quote_identifier(cmd->name), t.ref.name),
                    "Check the column name.");
        return;
    }
    AlterTableCmd *live_cmd = cmd;
    if (live != cmd->name) {
        live_cmd = copy_node(cmd);
        live_cmd->name = pstrdup(live);
    }
    RewriteDecision d = type_change_rewrite(t.ref.relid, live_cmd, state);
    const char *what = psprintf("ALTER COLUMN %s TYPE %s", quote_identifier(cmd->name),
                                d.detail ? d.detail : TypeNameToString(castNode(ColumnDef, cmd->def)->typeName));
    if (CollateClause *cc = castNode(ColumnDef, cmd->def)->collClause)
        what = psprintf("%s COLLATE %s", what, NameListToQuotedString(cc->collname));
    switch (d.rewrite) {
    case Rewrite::yes:
        rewrite_finding(site, what, d.why, kExpandContract);
        break;
    case Rewrite::no: {
        List *rebuilt = type_change_rebuilt_indexes(t.ref.relid, cmd);
        if (rebuilt == NIL) {
            add_finding(site.st, "table_rewrite", Severity::ok,
                        psprintf("%s does not rewrite %s: %s", what, target_text(t), d.why));
            break;
        }
        StringInfoData which;
        initStringInfo(&which);
        ListCell *lc;
        foreach (lc, rebuilt) {
            const RebuiltIndex *r = static_cast<const RebuiltIndex *>(lfirst(lc));
            appendStringInfo(&which, "%s%s (%s)", which.len ? ", " : "", qualified_name(r->indexid), r->why);
        }
        report_rewrite(site.st, t, site.table_lock, what,
                       psprintf("no row is written again, but PostgreSQL builds %s again: %s",
                                list_length(rebuilt) == 1 ? "an index" : psprintf("%d indexes", list_length(rebuilt)),
                                which.data),
                       kExpandContract, "rebuilds indexes of", "every index is built again");
        break;
    }
    case Rewrite::unknown:
        add_finding(site.st, "table_rewrite", Severity::warn,
                    psprintf("the review could not tell whether %s rewrites %s: %s", what, target_text(t), d.why),
                    kExpandContract);
        break;
    }
}

void review_attach_partition(const ConstraintSite &site, ScriptState *state, PartitionCmd *pc)
{
    Target part = target_of(state, pc->name);
    if (part.ref.state == RelState::missing) {
        report_missing(site.st, part, false);
        return;
    }
    if (!target_exists(part))
        return;
    note_lock(site.st, part.ref.relid, AccessExclusiveLock);
    if (target_is_trivial(part))
        return;
    add_finding(site.st, "validating_constraint", Severity::danger,
                psprintf("ATTACH PARTITION scans %s under an AccessExclusiveLock to check that every row fits the "
                         "partition bound, unless a validated CHECK constraint on it already implies the bound: "
                         "every query on it (reads included) waits until the scan ends",
                         target_text(part)),
                psprintf("Before attaching, ALTER TABLE %s ADD CONSTRAINT ... CHECK (<the partition bound>) NOT VALID, "
                         "then VALIDATE CONSTRAINT (reads and writes go on): ATTACH PARTITION then skips the scan.",
                         part.ref.name));
}

void review_alter_table(Statement *st, ScriptState *state, AlterTableStmt *at)
{
    Target t = target_of(state, at->relation);
    if (t.ref.state == RelState::missing) {
        report_missing(st, t, at->missing_ok);
        return;
    }
    LOCKMODE lock = statement_lock(st->stmt);
    if (target_exists(t))
        note_lock(st, t.ref.relid, lock);
    ConstraintSite site = {st, state, t, at->relation, lock, nullptr};
    ListCell *lc;
    foreach (lc, at->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        switch (cmd->subtype) {
        case AT_AddColumn:
            review_add_column(site, castNode(ColumnDef, cmd->def));
            break;
        case AT_AlterColumnType:
            review_type_change(site, cmd, state);
            break;
        case AT_SetNotNull:
            review_set_not_null(site, cmd->name);
            break;
        case AT_AddConstraint:
            review_constraint(site, castNode(Constraint, cmd->def));
            break;
        case AT_ValidateConstraint:
            review_validate_constraint(site, cmd->name);
            break;
        case AT_SetLogged:
        case AT_SetUnLogged:
            if (target_exists(t))
                rewrite_finding(site, cmd->subtype == AT_SetLogged ? "SET LOGGED" : "SET UNLOGGED",
                                "PostgreSQL copies every row into a new file",
                                "There is no online form: run it in a maintenance window, or build a new table and "
                                "switch over.");
            break;
#if MG_HAVE_SET_ACCESS_METHOD
        case AT_SetAccessMethod:
            review_set_access_method(st, t, cmd->name);
            break;
#endif
#if MG_HAVE_SET_EXPRESSION
        case AT_SetExpression:
            if (target_exists(t))
                rewrite_finding(site, "SET EXPRESSION", "the generated column is computed again for every row",
                                "There is no online form: run it in a maintenance window.");
            break;
#endif
        case AT_SetTableSpace:
            review_set_tablespace(st, state, t, cmd->name);
            break;
        case AT_AttachPartition:
            if (at->objtype == OBJECT_TABLE)
                review_attach_partition(site, state, castNode(PartitionCmd, cmd->def));
            break;
        case AT_DetachPartition: {
            PartitionCmd *pc = castNode(PartitionCmd, cmd->def);
            RelRef part = resolve_relation(state, pc->name);
            if (part.state == RelState::existing)
                note_lock(st, part.relid, pc->concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock);
            break;
        }
        default:
            break;
        }
    }
}

void review_create_table(Statement *st, ScriptState *state, CreateStmt *cs)
{
    /* the new table, as the rules of its constraints see it */
    RelRef self = {RelState::created, InvalidOid, RELKIND_RELATION, new_relation_name(state, cs->relation), nullptr};
    Target t = {self, nullptr};
    if (cs->if_not_exists && resolve_relation(state, cs->relation).state != RelState::missing)
        return; /* it does nothing */
    ListCell *lc;
    foreach (lc, cs->inhRelations) {
        RangeVar *parent = lfirst_node(RangeVar, lc);
        Target p = target_of(state, parent);
        if (p.ref.state == RelState::missing)
            report_missing(st, p, false);
        else if (target_exists(p))
            /* MergeAttributes: a new partition locks its parent AccessExclusive, INHERITS ShareUpdateExclusive */
            note_lock(st, p.ref.relid, cs->partbound ? AccessExclusiveLock : ShareUpdateExclusiveLock);
    }
    ConstraintSite site = {st, state, t, cs->relation, AccessExclusiveLock, nullptr};
    foreach (lc, cs->tableElts) {
        Node *elt = static_cast<Node *>(lfirst(lc));
        if (IsA(elt, Constraint) && castNode(Constraint, elt)->contype == CONSTR_FOREIGN) {
            review_constraint(site, castNode(Constraint, elt));
        } else if (IsA(elt, ColumnDef)) {
            ColumnDef *col = castNode(ColumnDef, elt);
            ConstraintSite column_site = site;
            column_site.column = col->colname;
            ListCell *cc;
            foreach (cc, col->constraints) {
                Constraint *con = lfirst_node(Constraint, cc);
                if (con->contype == CONSTR_FOREIGN)
                    review_constraint(column_site, con);
            }
        }
    }
}

} // namespace

void report_rewrite(Statement *st, const Target &t, LOCKMODE lock, const char *what, const char *why, const char *hint,
                    const char *verb, const char *until)
{
    st->rewrites = st->rewrites || target_exists(t);
    if (target_is_trivial(t))
        add_finding(st, "table_rewrite", Severity::ok,
                    psprintf("%s %s %s (%s); %s", what, verb, target_text(t), why, why_ok(t)));
    else
        add_finding(st, "table_rewrite", Severity::danger,
                    psprintf("%s %s %s under %s (%s): %s waits until %s, for a time that grows with the table", what,
                             verb, target_text(t), a_lock(lock), why, who_waits(lock), until),
                    hint);
}

void review_table(Statement *st, ScriptState *state)
{
    Node *stmt = st->stmt;
    if (IsA(stmt, AlterTableStmt))
        review_alter_table(st, state, castNode(AlterTableStmt, stmt));
    else if (IsA(stmt, CreateStmt))
        review_create_table(st, state, castNode(CreateStmt, stmt));
}

} // namespace mg::review
