/* target.cpp — the table a statement acts on (rules.h). */
#include "common/bridge.h"
#include "review/rules.h"

namespace mg::review {

Target target_of(ScriptState *state, const RangeVar *rv)
{
    Target t = {resolve_relation(state, rv), nullptr};
    if (t.ref.state == RelState::existing)
        t.facts = table_facts(t.ref.relid);
    return t;
}

Target target_of_relid(Oid relid)
{
    RelRef ref = {RelState::existing, relid, get_rel_relkind(relid), qualified_name(relid), nullptr};
    Target t = {ref, table_facts(relid)};
    return t;
}

bool target_exists(const Target &t)
{
    return t.ref.state == RelState::existing;
}

bool target_is_new(const Target &t)
{
    return t.ref.state == RelState::created;
}

bool target_is_trivial(const Target &t)
{
    return target_is_new(t) || (target_exists(t) && t.facts != nullptr && t.facts->empty);
}

char *target_text(const Target &t)
{
    switch (t.ref.state) {
    case RelState::created:
        return psprintf("%s (created earlier in this script)", t.ref.name);
    case RelState::existing:
        return psprintf("%s (%s)", t.ref.name, size_text(t.facts));
    default:
        return pstrdup(t.ref.name);
    }
}

Severity scaled_severity(const Target &t)
{
    return target_is_trivial(t) ? Severity::ok : Severity::danger;
}

char *why_ok(const Target &t)
{
    if (target_is_new(t))
        return psprintf("%s is created earlier in this script, so nothing waits for it", t.ref.name);
    return psprintf("%s is empty, so the lock is held only for a moment", t.ref.name);
}

void report_missing(Statement *st, const Target &t, bool missing_ok)
{
    if (missing_ok)
        return; /* IF EXISTS: PostgreSQL skips it with a notice */
    add_finding(st, "unknown_object", Severity::warn,
                psprintf("relation %s does not exist and no earlier statement of this script creates it: "
                         "the statement fails when it runs (unless something the review cannot see, such as a "
                         "function or a DO block, creates it first)",
                         t.ref.name),
                "Check the name and the search_path the migration runs with.");
}

char *column_list_text(List *columns)
{
    StringInfoData buf;
    initStringInfo(&buf);
    ListCell *lc;
    foreach (lc, columns) {
        const char *c = static_cast<const char *>(lfirst(lc));
        appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", c ? quote_identifier(c) : "(expression)");
    }
    return buf.data;
}

List *string_names(List *strings)
{
    List *out = NIL;
    ListCell *lc;
    foreach (lc, strings)
        out = lappend(out, strVal(lfirst(lc)));
    return out;
}

Constraint *column_constraint(ColumnDef *col, ConstrType type)
{
    ListCell *lc;
    foreach (lc, col->constraints) {
        Node *n = static_cast<Node *>(lfirst(lc));
        if (IsA(n, Constraint) && castNode(Constraint, n)->contype == type)
            return castNode(Constraint, n);
    }
    return nullptr;
}

} // namespace mg::review
