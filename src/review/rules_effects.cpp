/*
 * rules_effects.cpp — the guard's checks at the point of effect, predicted
 * from the statement.
 *
 * Some of the guard's refusals are not decided by classify_utility() before a
 * statement runs but where it takes effect: object_access_hook (an index or
 * an inheritance child hung on migrate_guard's tables, the identity sequence
 * DROP IDENTITY drops), the dependencies a statement leaves
 * (new_dependencies.h: a view calling the extension's internal functions, a
 * C function bound to its library, a permanent object depending on a
 * temporary one) and setval()/nextval() when a query is planned
 * (seq_guard.h).  The review runs none of that, so it asks the same
 * questions of the parse tree, with the guard's own answers to "does this
 * belong to migrate_guard" (ext_objects.h), "is this sequence protected"
 * (seq_guard.h) and "is this temporary" (new_dependencies.h), and hands the
 * matches to report_guard(), which asks decide() what the guard would do.
 *
 * What is judged (see README, Limits, for what is not):
 *   guard_tamper   CREATE INDEX / POLICY / RULE / TRIGGER / STATISTICS on,
 *                  CREATE TABLE ... INHERITS / PARTITION OF / OF the row
 *                  type of, a FOREIGN KEY referencing, ALTER TABLE ...
 *                  INHERIT one of the extension's relations; a new object
 *                  named in schema migrate_guard;
 *                  setval()/nextval() on its sequences by a constant name in
 *                  a query or DML; a view whose query calls one of its
 *                  internal functions; a trigger or event trigger running
 *                  one; a C function whose library is migrate_guard's.
 *   drop_sequence  ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY of an
 *                  existing identity column (its sequence is dropped).
 *   drop_cascade   a permanent table given a column default calling
 *                  nextval()/currval() on a temporary sequence, or a column
 *                  of a temporary type (existing, or created earlier in the
 *                  script): named in the statement.
 */
#include "common/bridge.h"
#include "common/ext_state.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "guard/ext_objects.h"
#include "guard/seq_guard.h"
#include "review/live_names.h"
#include "review/rules.h"
#include "review/subxact.h"

extern "C" {
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_proc.h"
#include "commands/defrem.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
}

namespace mg::review {
namespace {

Match *with_detail(List *matches, const char *detail)
{
    Match *m = static_cast<Match *>(llast(matches));
    m->detail = const_cast<char *>(detail);
    return m;
}

/* An existing relation of migrate_guard named by rv (InvalidOid: none). */
Oid extension_relation(ScriptState *state, const RangeVar *rv)
{
    if (rv == nullptr)
        return InvalidOid;
    RelRef ref = resolve_relation(state, rv);
    return ref.state == RelState::existing && is_extension_relation(ref.relid) ? ref.relid : InvalidOid;
}

/* ---- guard_tamper ---- */

List *tamper_relation(List *out, Oid relid, const char *how)
{
    if (!OidIsValid(relid))
        return out;
    return add_match(out, Rule::guard_tamper, psprintf("%s (%s)", relation_identity(relid), how), relid);
}

/* FOREIGN KEY constraints of a list of table elements or constraints, referencing the extension's tables. */
List *tamper_foreign_keys(ScriptState *state, List *elements, List *out)
{
    ListCell *lc;
    foreach (lc, elements) {
        Node *n = static_cast<Node *>(lfirst(lc));
        List *constraints = NIL;
        if (IsA(n, ColumnDef))
            constraints = castNode(ColumnDef, n)->constraints;
        else if (IsA(n, Constraint))
            constraints = list_make1(n);
        ListCell *cc;
        foreach (cc, constraints) {
            Constraint *con = lfirst_node(Constraint, cc);
            if (con->contype == CONSTR_FOREIGN)
                out = tamper_relation(out, extension_relation(state, con->pktable), "a foreign key references it");
        }
    }
    return out;
}

bool raw_sequence_call_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, FuncCall)) {
        const char *name = strVal(llast(castNode(FuncCall, node)->funcname));
        if (strcmp(name, "setval") == 0 || strcmp(name, "nextval") == 0)
            return true;
    }
    return raw_expression_tree_walker(node, MG_WALKER(raw_sequence_call_walker), context);
}

/* Query or DML that may call setval()/nextval(): the guard refuses them on its sequences when planned. */
List *tamper_sequence_writes(Statement *st, ScriptState *state, List *out)
{
    Node *stmt = st->stmt;
    if (IsA(stmt, ExplainStmt))
        stmt = castNode(ExplainStmt, stmt)->query;
    else if (IsA(stmt, CopyStmt))
        stmt = castNode(CopyStmt, stmt)->query;
    /* a statement the script PREPAREd, also under EXPLAIN ANALYZE */
    if (stmt != nullptr && IsA(stmt, ExecuteStmt)) {
        const Prepared *p = find_prepared(state, castNode(ExecuteStmt, stmt)->name);
        stmt = p != nullptr ? p->query : nullptr;
    }
    if (stmt == nullptr || !(IsA(stmt, SelectStmt) || is_dml(stmt)) || !raw_sequence_call_walker(stmt, nullptr))
        return out;
    List *queries = state->analyzed_stmt == st->number ? state->analyzed_queries : NIL;
    volatile Oid seq = InvalidOid;
    if (queries == NIL) {
        attempt([&] {
            ListCell *lc;
            foreach (lc, analyze_statement(with_live_names(state, stmt), st)) {
                Oid s = protected_sequence_written(static_cast<Node *>(lfirst(lc)));
                if (OidIsValid(s)) {
                    seq = s;
                    break;
                }
            }
        });
    } else {
        ListCell *lc;
        foreach (lc, queries) {
            seq = protected_sequence_written(static_cast<Node *>(lfirst(lc)));
            if (OidIsValid(seq))
                break;
        }
    }
    if (OidIsValid(seq))
        out = add_match(out, Rule::guard_tamper, relation_identity(seq), seq);
    return out;
}

bool internal_call_walker(Node *node, Oid *found)
{
    if (node == nullptr)
        return false;
    Oid fn = InvalidOid;
    if (IsA(node, FuncExpr))
        fn = castNode(FuncExpr, node)->funcid;
    else if (IsA(node, OpExpr))
        fn = castNode(OpExpr, node)->opfuncid;
    else if (IsA(node, Aggref))
        fn = castNode(Aggref, node)->aggfnoid;
    else if (IsA(node, WindowFunc))
        fn = castNode(WindowFunc, node)->winfnoid;
    if (OidIsValid(fn) && is_internal_extension_function(fn)) {
        *found = fn;
        return true;
    }
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node), MG_WALKER(internal_call_walker), found, 0);
    return expression_tree_walker(node, MG_WALKER(internal_call_walker), found);
}

/* A view whose query calls one of the extension's internal functions. */
List *tamper_view(Statement *st, ScriptState *state, ViewStmt *view, List *out)
{
    volatile Oid fn = InvalidOid;
    attempt([&] {
        ListCell *lc;
        Oid found = InvalidOid;
        foreach (lc, analyze_statement(with_live_names(state, view->query), st)) {
            if (internal_call_walker(static_cast<Node *>(lfirst(lc)), &found))
                break;
        }
        fn = found;
    });
    if (!OidIsValid(fn))
        return out;
    char *who = psprintf("view %s", new_relation_name(state, view->view));
    ObjectAddress addr = {ProcedureRelationId, fn, 0};
    out = add_match(out, Rule::guard_tamper, who);
    with_detail(out, psprintf("%s would call or reference %s, an internal function of migrate_guard: only the "
                              "extension's own objects may.",
                              who, describe_object(addr)));
    return out;
}

/* A trigger or event trigger whose function is one of the extension's internal ones. */
List *tamper_trigger_function(List *funcname, const char *who, List *out)
{
    Oid fn = LookupFuncName(funcname, 0, nullptr, true);
    if (!OidIsValid(fn) || !is_internal_extension_function(fn))
        return out;
    ObjectAddress addr = {ProcedureRelationId, fn, 0};
    out = add_match(out, Rule::guard_tamper, pstrdup(who));
    with_detail(out, psprintf("%s would run %s, an internal function of migrate_guard: only the extension's own "
                              "objects may (it writes rows into migrate_guard.ddl_log).",
                              who, describe_object(addr)));
    return out;
}

/* CREATE FUNCTION ... LANGUAGE c AS '<migrate_guard's library>', '<symbol>'. */
List *tamper_c_function(ScriptState *state, CreateFunctionStmt *fn, List *out)
{
    const char *language = nullptr;
    List *as = NIL;
    ListCell *lc;
    foreach (lc, fn->options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, "language") == 0 && opt->arg != nullptr && IsA(opt->arg, String))
            language = strVal(opt->arg);
        else if (strcmp(opt->defname, "as") == 0 && opt->arg != nullptr && IsA(opt->arg, List))
            as = castNode(List, opt->arg);
    }
    if (language == nullptr || pg_strcasecmp(language, "c") != 0 || as == NIL || !IsA(linitial(as), String) ||
        !is_library_file(strVal(linitial(as))))
        return out;
    char *who = psprintf("function %s", NameListToQuotedString(fn->funcname));
    out = add_match(out, Rule::guard_tamper, who);
    with_detail(out, psprintf("%s would run C code of migrate_guard's own library: only the extension's own "
                              "functions may (its event trigger functions, run by an event trigger of anyone "
                              "else, write forged rows into migrate_guard.ddl_log).",
                              who));
    return out;
}

/* ---- drop_sequence: DROP IDENTITY ---- */

/* Is column attnum of relid an identity column? */
bool is_identity_column(Oid relid, AttrNumber attnum)
{
    HeapTuple tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
    if (!HeapTupleIsValid(tup))
        return false;
    bool identity = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(tup))->attidentity != '\0';
    ReleaseSysCache(tup);
    return identity;
}

List *dropped_identity(ScriptState *state, const RangeVar *rv, AlterTableCmd *cmd, List *out)
{
    RelRef ref = resolve_relation(state, rv);
    if (ref.state != RelState::existing || cmd->name == nullptr)
        return out;
    const char *column = live_column_name(state, ref.relid, cmd->name);
    AttrNumber attnum = get_attnum(ref.relid, column);
    if (attnum == InvalidAttrNumber || !is_identity_column(ref.relid, attnum))
        return out;
    Oid seq = getIdentitySequence(ref.relid, attnum, true);
    if (!OidIsValid(seq) || relation_is_exempt(seq))
        return out;
    out = add_match(out, Rule::drop_sequence, relation_identity(seq), seq);
    with_detail(out, psprintf("DROP IDENTITY drops %s, the identity sequence of %s. %s", relation_identity(seq),
                              column_identity(ref.relid, column), rule_info(Rule::drop_sequence).danger));
    return out;
}

/* ---- drop_cascade: a permanent object made to depend on a temporary one ---- */

bool is_temp_schema_name(const char *nsp)
{
    return nsp != nullptr && (strcmp(nsp, "pg_temp") == 0 || strncmp(nsp, "pg_temp_", 8) == 0);
}

/* A temporary relation named rv: existing, or created earlier in the script. */
bool relation_is_temporary_here(ScriptState *state, const RangeVar *rv)
{
    if (rv->relpersistence == RELPERSISTENCE_TEMP || is_temp_schema_name(rv->schemaname))
        return true;
    RelRef ref = resolve_relation(state, rv);
    if (ref.state == RelState::existing)
        return get_rel_persistence(ref.relid) == RELPERSISTENCE_TEMP;
    if (ref.state == RelState::created && ref.entry != nullptr) {
        if (is_temp_schema_name(ref.entry->key.nsp))
            return true;
        Node *def = ref.entry->definition;
        const RangeVar *created = def == nullptr                ? nullptr
                                  : IsA(def, CreateStmt)        ? castNode(CreateStmt, def)->relation
                                  : IsA(def, CreateSeqStmt)     ? castNode(CreateSeqStmt, def)->sequence
                                  : IsA(def, ViewStmt)          ? castNode(ViewStmt, def)->view
                                  : IsA(def, CreateTableAsStmt) ? castNode(CreateTableAsStmt, def)->into->rel
                                                                : nullptr;
        return created != nullptr && created->relpersistence == RELPERSISTENCE_TEMP;
    }
    return false;
}

struct TempSearch {
    ScriptState *state;
    char *found; /* the temporary sequence, as written */
};

/* nextval('s') / currval('s') / setval('s', ...) / 's'::regclass naming a temporary sequence. */
bool temp_sequence_walker(Node *node, TempSearch *ts)
{
    if (node == nullptr)
        return false;
    const char *text = nullptr;
    if (IsA(node, FuncCall)) {
        FuncCall *fc = castNode(FuncCall, node);
        const char *name = strVal(llast(fc->funcname));
        if ((strcmp(name, "nextval") == 0 || strcmp(name, "currval") == 0 || strcmp(name, "setval") == 0) &&
            fc->args != NIL) {
            Node *arg = static_cast<Node *>(linitial(fc->args));
            if (IsA(arg, TypeCast))
                arg = castNode(TypeCast, arg)->arg;
            if (IsA(arg, A_Const) && !castNode(A_Const, arg)->isnull && IsA(&castNode(A_Const, arg)->val, String))
                text = strVal(&castNode(A_Const, arg)->val);
        }
    } else if (IsA(node, TypeCast)) {
        TypeCast *tc = castNode(TypeCast, node);
        const char *tname = strVal(llast(tc->typeName->names));
        if (strcmp(tname, "regclass") == 0 && tc->arg != nullptr && IsA(tc->arg, A_Const) &&
            !castNode(A_Const, tc->arg)->isnull && IsA(&castNode(A_Const, tc->arg)->val, String))
            text = strVal(&castNode(A_Const, tc->arg)->val);
    }
    if (text != nullptr) {
        List *volatile names = NIL;
        ErrorData *err = attempt([&] { names = stringToQualifiedNameList(text); });
        if (err == nullptr && names != NIL && list_length(names) <= 2) {
            RangeVar *rv = makeRangeVarFromNameList(names);
            if (relation_is_temporary_here(ts->state, rv)) {
                ts->found = pstrdup(text);
                return true;
            }
        }
    }
    return raw_expression_tree_walker(node, MG_WALKER(temp_sequence_walker), ts);
}

/*
 * A temporary type: in pg_temp as written, created in pg_temp earlier in the
 * script, or one that resolves into this session's temporary schema.
 */
bool type_is_temporary(ScriptState *state, TypeName *tn)
{
    if (tn == nullptr || tn->names == NIL)
        return false;
    if (list_length(tn->names) >= 2 && is_temp_schema_name(strVal(list_nth(tn->names, list_length(tn->names) - 2))))
        return true;
    if (list_length(tn->names) == 1) {
        const char *name = strVal(linitial(tn->names));
        ListCell *lc;
        foreach (lc, state->objects) {
            const ScriptObject *o = static_cast<const ScriptObject *>(lfirst(lc));
            if ((o->type == OBJECT_TYPE || o->type == OBJECT_DOMAIN) && !o->dropped && is_temp_schema_name(o->schema) &&
                strcmp(o->name, name) == 0)
                return true;
        }
    }
    /* cheap case first: a session without a temporary schema has no temporary type to find */
    Oid temp_nsp = InvalidOid, temp_toast = InvalidOid;
    GetTempNamespaceState(&temp_nsp, &temp_toast);
    if (!OidIsValid(temp_nsp))
        return false;
    volatile Oid type = InvalidOid;
    ErrorData *err = attempt([&] { type = LookupTypeNameOid(nullptr, tn, true); });
    return err == nullptr && OidIsValid(type) && isAnyTempNamespace(type_namespace(type));
}

char *temp_detail(const char *who, const char *what)
{
    return psprintf("%s would depend on %s, a temporary object: when the session ends (or runs DISCARD TEMP) "
                    "PostgreSQL drops it with CASCADE, taking %s with it, without any refusal or audit row.",
                    who, what, who);
}

List *temp_column(ScriptState *state, const char *table, ColumnDef *col, List *out)
{
    char *who = psprintf("%s.%s", table, quote_identifier(col->colname));
    if (type_is_temporary(state, col->typeName)) {
        out = add_match(out, Rule::drop_cascade, who);
        with_detail(out, temp_detail(who, psprintf("type %s", TypeNameToString(col->typeName))));
        return out;
    }
    TempSearch ts = {state, nullptr};
    Constraint *def = column_constraint(col, CONSTR_DEFAULT);
    if (def != nullptr && temp_sequence_walker(def->raw_expr, &ts)) {
        out = add_match(out, Rule::drop_cascade, psprintf("default of %s", who));
        with_detail(out, temp_detail(psprintf("the default of %s", who), psprintf("sequence %s", ts.found)));
    }
    return out;
}

List *review_alter_table(ScriptState *state, AlterTableStmt *stmt, List *out)
{
    RelRef ref = resolve_relation(state, stmt->relation);
    bool permanent = ref.state == RelState::existing ? get_rel_persistence(ref.relid) != RELPERSISTENCE_TEMP
                                                     : !relation_is_temporary_here(state, stmt->relation);
    const char *table = ref.state == RelState::existing ? relation_identity(ref.relid)
                                                        : (ref.name ? ref.name : stmt->relation->relname);
    ListCell *lc;
    foreach (lc, stmt->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        switch (cmd->subtype) {
        case AT_DropIdentity:
            out = dropped_identity(state, stmt->relation, cmd, out);
            break;
        case AT_AddInherit:
            out = tamper_relation(out, extension_relation(state, castNode(RangeVar, cmd->def)), "a new parent");
            break;
        case AT_AddConstraint:
            out = tamper_foreign_keys(state, list_make1(cmd->def), out);
            break;
        case AT_AddColumn:
            out = tamper_foreign_keys(state, list_make1(cmd->def), out);
            if (permanent)
                out = temp_column(state, table, castNode(ColumnDef, cmd->def), out);
            break;
        case AT_ColumnDefault: {
            TempSearch ts = {state, nullptr};
            if (permanent && cmd->def != nullptr && temp_sequence_walker(cmd->def, &ts)) {
                char *who = psprintf("the default of %s.%s", table, quote_identifier(cmd->name));
                out = add_match(out, Rule::drop_cascade, psprintf("default of %s.%s", table, quote_identifier(cmd->name)));
                with_detail(out, temp_detail(who, psprintf("sequence %s", ts.found)));
            }
            break;
        }
        case AT_AlterColumnType: {
            ColumnDef *def = castNode(ColumnDef, cmd->def);
            if (permanent && type_is_temporary(state, def->typeName)) {
                char *who = psprintf("%s.%s", table, quote_identifier(cmd->name));
                out = add_match(out, Rule::drop_cascade, who);
                with_detail(out, temp_detail(who, psprintf("type %s", TypeNameToString(def->typeName))));
            }
            break;
        }
        default:
            break;
        }
    }
    return out;
}

List *review_create_table(ScriptState *state, CreateStmt *stmt, List *out)
{
    ListCell *lc;
    foreach (lc, stmt->inhRelations)
        out = tamper_relation(out, extension_relation(state, lfirst_node(RangeVar, lc)),
                              stmt->partbound != nullptr ? "a new partition" : "a new inheritance child");
    if (stmt->ofTypename != nullptr) {
        volatile Oid type = InvalidOid;
        attempt([&] { type = LookupTypeNameOid(nullptr, stmt->ofTypename, true); });
        if (OidIsValid(type) && type_namespace(type) == ext_state().schema_oid)
            out = add_match(out, Rule::guard_tamper,
                            psprintf("type %s (a new typed table)", TypeNameToString(stmt->ofTypename)));
    }
    out = tamper_foreign_keys(state, stmt->tableElts, out);
    out = tamper_foreign_keys(state, stmt->constraints, out);
    bool permanent = stmt->relation->relpersistence != RELPERSISTENCE_TEMP &&
                     !is_temp_schema_name(stmt->relation->schemaname);
    if (permanent) {
        char *table = new_relation_name(state, stmt->relation);
        foreach (lc, stmt->tableElts)
            if (IsA(lfirst(lc), ColumnDef))
                out = temp_column(state, table, lfirst_node(ColumnDef, lc), out);
    }
    return out;
}

/* A schema name as written: is it migrate_guard's schema? */
bool is_extension_schema(const char *schema)
{
    return schema != nullptr && get_namespace_oid(schema, true) == ext_state().schema_oid;
}

/* The schema of a qualified name list ("s.f", "db.s.f"), nullptr when unqualified. */
const char *list_schema(List *names)
{
    int n = list_length(names);
    return n >= 2 ? strVal(list_nth(names, n - 2)) : nullptr;
}

/* CREATE of an object in schema migrate_guard, named with that schema. */
List *tamper_created_in_schema(Node *stmt, List *out)
{
    const char *schema = nullptr;
    switch (nodeTag(stmt)) {
    case T_CreateStmt:
        schema = castNode(CreateStmt, stmt)->relation->schemaname;
        break;
    case T_ViewStmt:
        schema = castNode(ViewStmt, stmt)->view->schemaname;
        break;
    case T_CreateSeqStmt:
        schema = castNode(CreateSeqStmt, stmt)->sequence->schemaname;
        break;
    case T_CreateTableAsStmt:
        schema = castNode(CreateTableAsStmt, stmt)->into->rel->schemaname;
        break;
    case T_CreateFunctionStmt:
        schema = list_schema(castNode(CreateFunctionStmt, stmt)->funcname);
        break;
    case T_DefineStmt:
        schema = list_schema(castNode(DefineStmt, stmt)->defnames);
        break;
    case T_CompositeTypeStmt:
        schema = castNode(CompositeTypeStmt, stmt)->typevar->schemaname;
        break;
    case T_CreateEnumStmt:
        schema = list_schema(castNode(CreateEnumStmt, stmt)->typeName);
        break;
    case T_CreateDomainStmt:
        schema = list_schema(castNode(CreateDomainStmt, stmt)->domainname);
        break;
    default:
        break;
    }
    if (is_extension_schema(schema))
        out = add_match(out, Rule::guard_tamper, pstrdup("schema migrate_guard (a new object in it)"));
    return out;
}

} // namespace

void review_effects(Statement *st, ScriptState *state)
{
    if (!ext_state().present || running_own_extension_script())
        return;
    Node *stmt = st->stmt;
    List *out = tamper_created_in_schema(stmt, NIL);
    switch (nodeTag(stmt)) {
    case T_IndexStmt:
        out = tamper_relation(out, extension_relation(state, castNode(IndexStmt, stmt)->relation), "a new index");
        break;
    case T_CreateStmt:
        out = review_create_table(state, castNode(CreateStmt, stmt), out);
        break;
    case T_AlterTableStmt:
        out = review_alter_table(state, castNode(AlterTableStmt, stmt), out);
        break;
    case T_ViewStmt:
        out = tamper_view(st, state, castNode(ViewStmt, stmt), out);
        break;
    case T_CreateFunctionStmt:
        out = tamper_c_function(state, castNode(CreateFunctionStmt, stmt), out);
        break;
    case T_CreatePolicyStmt:
        out = tamper_relation(out, extension_relation(state, castNode(CreatePolicyStmt, stmt)->table), "a new policy");
        break;
    case T_RuleStmt:
        out = tamper_relation(out, extension_relation(state, castNode(RuleStmt, stmt)->relation), "a new rule");
        break;
    case T_CreateStatsStmt: {
        ListCell *lc;
        foreach (lc, castNode(CreateStatsStmt, stmt)->relations)
            if (IsA(lfirst(lc), RangeVar))
                out = tamper_relation(out, extension_relation(state, lfirst_node(RangeVar, lc)), "new statistics");
        break;
    }
    case T_CreateTrigStmt: {
        CreateTrigStmt *t = castNode(CreateTrigStmt, stmt);
        out = tamper_relation(out, extension_relation(state, t->relation), "a new trigger");
        out = tamper_trigger_function(t->funcname, psprintf("trigger %s", quote_identifier(t->trigname)), out);
        break;
    }
    case T_CreateEventTrigStmt: {
        CreateEventTrigStmt *t = castNode(CreateEventTrigStmt, stmt);
        out = tamper_trigger_function(t->funcname, psprintf("event trigger %s", quote_identifier(t->trigname)), out);
        break;
    }
    default:
        out = tamper_sequence_writes(st, state, out);
        break;
    }
    if (out != NIL)
        report_guard(st, out);
}

} // namespace mg::review
