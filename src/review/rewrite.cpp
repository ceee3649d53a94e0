/* rewrite.cpp — see rewrite.h. */
#include "common/bridge.h"
#include "guard/classify.h"
#include "review/rewrite.h"
#include "review/rules.h"
#include "review/subxact.h"

extern "C" {
#include "access/relation.h"
#include "catalog/heap.h"
#include "catalog/pg_inherits.h"
#include "commands/defrem.h"
#include "utils/rel.h"
#include "catalog/pg_proc.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "parser/parse_relation.h"
#include "parser/parse_type.h"
#include "utils/fmgroids.h"
#include "utils/ruleutils.h"
#include "utils/typcache.h"
}

namespace mg::review {
namespace {

/* The first volatile function a raw (untransformed) expression names, looked up by name. */
bool volatile_call_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, FuncCall)) {
        FuncCall *fc = castNode(FuncCall, node);
        FuncCandidateList c = FuncnameGetCandidates(fc->funcname, -1, NIL, false, false, false, true);
        for (; c != nullptr; c = c->next)
            if (func_volatile(c->oid) == PROVOLATILE_VOLATILE) {
                *static_cast<char **>(context) = NameListToString(fc->funcname);
                return true;
            }
    }
    return raw_expression_tree_walker(node, MG_WALKER(volatile_call_walker), context);
}

bool is_serial(TypeName *tn)
{
    if (tn == nullptr || list_length(tn->names) > 2 || tn->arrayBounds != NIL || tn->pct_type)
        return false;
    if (list_length(tn->names) == 2 && strcmp(strVal(linitial(tn->names)), "pg_catalog") != 0)
        return false;
    const char *name = strVal(llast(tn->names));
    return strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0 || strcmp(name, "bigserial") == 0 ||
           strcmp(name, "serial8") == 0 || strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0;
}

RewriteDecision decision(Rewrite r, char *why, char *detail = nullptr)
{
    return RewriteDecision{r, why, detail};
}

char *error_text(ErrorData *err)
{
    return err && err->message ? err->message : pstrdup("unknown error");
}

} // namespace

ParseState *parse_state_for(Oid relid, Relation *rel_out)
{
    ParseState *pstate = make_parsestate(nullptr);
    *rel_out = nullptr;
    if (OidIsValid(relid) && ConditionalLockRelationOid(relid, AccessShareLock)) {
        Relation rel = try_relation_open(relid, NoLock);
        if (rel != nullptr) {
            ParseNamespaceItem *ns = addRangeTableEntryForRelation(pstate, rel, AccessShareLock, nullptr, false, true);
            addNSItemToQuery(pstate, ns, true, true, true);
            *rel_out = rel;
        }
    }
    return pstate;
}

Node *cook_check_expression(ParseState *pstate, Node *raw)
{
    Node *expr = transformExpr(pstate, copy_node(raw), EXPR_KIND_CHECK_CONSTRAINT);
    expr = coerce_to_boolean(pstate, expr, "CHECK");
    assign_expr_collations(pstate, expr);
    return reinterpret_cast<Node *>(canonicalize_qual(reinterpret_cast<Expr *>(expr), true));
}

void parse_state_done(ParseState *pstate, Relation rel)
{
    if (rel != nullptr)
        relation_close(rel, NoLock); /* the lock goes with the subtransaction */
    free_parsestate(pstate);
}

RewriteDecision add_column_rewrite(Oid relid, ColumnDef *col)
{
    char kind = get_rel_relkind(relid);
    if (kind == RELKIND_FOREIGN_TABLE || kind == RELKIND_VIEW)
        return decision(Rewrite::no, pstrdup("a foreign table or view stores no rows here"));
    if (column_constraint(col, CONSTR_IDENTITY) != nullptr)
        return decision(Rewrite::yes, pstrdup("an identity column gets a value from its sequence in every existing row"));
    if (column_constraint(col, CONSTR_GENERATED) != nullptr)
        return decision(Rewrite::yes, pstrdup("a stored generated column is computed for every existing row"));
    if (is_serial(col->typeName))
        return decision(Rewrite::yes, psprintf("%s means a default of nextval(), which is volatile: every existing row "
                                               "gets its own value",
                                               strVal(llast(col->typeName->names))));

    Constraint *def = column_constraint(col, CONSTR_DEFAULT);
    int32 typmod = -1;
    Oid typid = InvalidOid;
    Type tup = LookupTypeName(nullptr, col->typeName, &typmod, true);
    if (tup != nullptr) {
        typid = typeTypeId(tup);
        ReleaseSysCache(tup);
    }
    if (OidIsValid(typid) && domain_has_constraints(typid))
        return decision(Rewrite::yes, psprintf("its type %s is a domain with constraints, checked in every existing row",
                                               format_type_be(typid)));
    if (def == nullptr || def->raw_expr == nullptr) {
        Node *type_default = OidIsValid(typid) ? get_typdefault(typid) : nullptr;
        if (type_default != nullptr && contain_volatile_functions(type_default))
            return decision(Rewrite::yes, psprintf("the default of its type %s is volatile", format_type_be(typid)));
        return decision(Rewrite::no, pstrdup("the column has no default: existing rows read it as NULL"));
    }

    /* cook the default as ALTER TABLE would (transform and coerce, nothing evaluated) */
    Node *cooked = nullptr;
    ErrorData *err = nullptr;
    if (OidIsValid(typid)) {
        err = attempt([&] {
            Relation rel;
            ParseState *pstate = parse_state_for(relid, &rel);
            cooked = cookDefault(pstate, copy_node(def->raw_expr), typid, typmod, col->colname, '\0');
            parse_state_done(pstate, rel);
        });
    }
    if (cooked == nullptr) {
        /* not resolvable now (a sequence or type the script creates, ...): judge the functions it names */
        char *fname = nullptr;
        if (volatile_call_walker(def->raw_expr, &fname))
            return decision(Rewrite::yes, psprintf("its default calls %s(), which is volatile: every existing row gets "
                                                   "its own value",
                                                   fname));
        return decision(Rewrite::unknown,
                        psprintf("its default could not be resolved against the catalog (%s)",
                                 err ? error_text(err) : psprintf("type %s does not exist yet",
                                                                  TypeNameToString(col->typeName))));
    }
    char *text = deparse_expression(cooked, NIL, false, false);
    /* AddRelationNewConstraints() stores no default that is a NULL constant: the column has none */
    if (IsA(cooked, Const) && castNode(Const, cooked)->constisnull) {
        RewriteDecision d = decision(Rewrite::no,
                                     psprintf("its default %s is no default (PostgreSQL does not store a NULL "
                                              "constant): existing rows read the column as NULL",
                                              text),
                                     text);
        d.null_default = true;
        return d;
    }
    if (contain_volatile_functions(cooked))
        return decision(Rewrite::yes, psprintf("the default %s is volatile: every existing row gets its own value", text),
                        text);
    RewriteDecision d = decision(Rewrite::no,
                                 psprintf("the default %s is not volatile: PostgreSQL evaluates it once and keeps it "
                                          "in the catalog, existing rows are not written",
                                          text),
                                 text);
    /* the value existing rows get: folded (never a volatile function, nor code defined in the database) */
    if (only_builtin_functions(cooked)) {
        Node *value = eval_const_expressions(nullptr, copy_node(cooked));
        d.null_default = IsA(value, Const) && castNode(Const, value)->constisnull;
    }
    return d;
}

RewriteDecision type_change_rewrite(Oid relid, AlterTableCmd *cmd, const ScriptState *state)
{
    char kind = get_rel_relkind(relid);
    if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE && kind != RELKIND_MATVIEW)
        return decision(Rewrite::no, pstrdup("it stores no rows here"));
    ColumnDef *def = castNode(ColumnDef, cmd->def);

    Oid oldtype = InvalidOid;
    int32 oldtypmod = -1;
    Oid oldcoll = InvalidOid;
    AttrNumber attnum = InvalidAttrNumber;
    HeapTuple atttup = SearchSysCacheAttName(relid, cmd->name);
    if (HeapTupleIsValid(atttup)) {
        Form_pg_attribute att = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(atttup));
        oldtype = att->atttypid;
        oldtypmod = att->atttypmod;
        oldcoll = att->attcollation;
        attnum = att->attnum;
        ReleaseSysCache(atttup);
    } else if (const AddedColumn *added = find_added_column(state, relid, cmd->name)) {
        Type t = LookupTypeName(nullptr, added->type, &oldtypmod, true);
        if (t == nullptr)
            return decision(Rewrite::unknown, psprintf("the type of column %s is not in the catalog yet",
                                                       quote_identifier(cmd->name)));
        oldtype = typeTypeId(t);
        oldcoll = typeTypeCollation(t);
        ReleaseSysCache(t);
        HeapTuple reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
        if (!HeapTupleIsValid(reltup))
            return decision(Rewrite::unknown, pstrdup("the table vanished"));
        /* where ADD COLUMN puts it */
        attnum = static_cast<AttrNumber>(reinterpret_cast<Form_pg_class>(GETSTRUCT(reltup))->relnatts + 1);
        ReleaseSysCache(reltup);
    } else {
        return decision(Rewrite::unknown, psprintf("column %s does not exist", quote_identifier(cmd->name)));
    }

    Rewrite result = Rewrite::unknown;
    char *why = nullptr;
    char *newtype = nullptr;
    ErrorData *err = attempt([&] {
        Oid targettype;
        int32 targettypmod;
        typenameTypeIdAndMod(nullptr, def->typeName, &targettype, &targettypmod);
        newtype = format_type_with_typemod(targettype, targettypmod);
        Relation rel;
        ParseState *pstate = parse_state_for(relid, &rel);
        Node *transform;
        if (def->raw_default != nullptr) {
            if (rel == nullptr) {
                why = pstrdup("the table is locked by another session, so its USING clause could not be read");
                parse_state_done(pstate, rel);
                return;
            }
            transform = transformExpr(pstate, copy_node(def->raw_default), EXPR_KIND_ALTER_COL_TRANSFORM);
        } else {
            transform = reinterpret_cast<Node *>(makeVar(1, attnum, oldtype, oldtypmod, oldcoll, 0));
        }
        Node *coerced = coerce_to_target_type(pstate, transform, exprType(transform), targettype, targettypmod,
                                              COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
        if (coerced == nullptr) {
            why = psprintf("there is no assignment cast from %s to %s: the statement fails without a USING clause",
                           format_type_be(exprType(transform)), newtype);
            parse_state_done(pstate, rel);
            return;
        }
        assign_expr_collations(pstate, coerced);
        parse_state_done(pstate, rel);
        if (!only_builtin_functions(coerced)) {
            result = Rewrite::yes;
            why = psprintf("the conversion to %s calls %s, which is not built into PostgreSQL (directly or through a "
                           "domain's CHECK), so every stored value is converted",
                           newtype, user_function_text(coerced));
            return;
        }
        /* plan it as PostgreSQL does before deciding (length coercions simplify away here) */
        Node *planned = reinterpret_cast<Node *>(expression_planner(reinterpret_cast<Expr *>(coerced)));
        if (!conversion_keeps_values(planned, attnum)) { /* the guard's own test */
            result = Rewrite::yes;
            if (IsA(planned, CoerceToDomain) && DomainHasConstraints(castNode(CoerceToDomain, planned)->resulttype))
                why = psprintf("%s to %s checks the domain's constraints on every stored value, writing every row "
                               "again",
                               format_type_with_typemod(oldtype, oldtypmod), newtype);
            else
                why = psprintf("%s to %s is not binary-coercible%s: every stored value is converted and written again",
                               format_type_with_typemod(oldtype, oldtypmod), newtype,
                               def->raw_default ? " (USING clause)" : "");
        } else {
            result = Rewrite::no;
            why = psprintf("%s to %s is binary-coercible: PostgreSQL changes the catalog only, no row is written",
                           format_type_with_typemod(oldtype, oldtypmod), newtype);
        }
    });
    if (err != nullptr)
        return decision(Rewrite::unknown, psprintf("the new type could not be resolved (%s)", error_text(err)));
    return decision(result, why ? why : pstrdup("the conversion could not be judged"), newtype);
}

namespace {

bool uses_column(HeapTuple tup, int anum, AttrNumber attnum)
{
    bool isnull;
    Datum d = SysCacheGetAttr(INDEXRELID, tup, anum, &isnull);
    if (isnull)
        return false;
    Bitmapset *attrs = nullptr;
    pull_varattnos(static_cast<Node *>(stringToNode(TextDatumGetCString(d))), 1, &attrs);
    return bms_is_member(attnum - FirstLowInvalidHeapAttributeNumber, attrs) ||
           bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs); /* whole row */
}

char *collation_text(Oid coll)
{
    return pstrdup(OidIsValid(coll) ? quote_identifier(get_collation_name(coll)) : "none");
}

/* Why PostgreSQL builds index indexid of a table whose column attnum changes as given; nullptr: it keeps it. */
char *rebuild_reason(Oid indexid, AttrNumber attnum, Oid oldtype, Oid oldcoll, Oid newtype, Oid newcoll)
{
    HeapTuple tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexid));
    if (!HeapTupleIsValid(tup))
        return nullptr;
    Form_pg_index ix = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup));
    char *why = nullptr;
    if (uses_column(tup, Anum_pg_index_indexprs, attnum) || uses_column(tup, Anum_pg_index_indpred, attnum)) {
        why = pstrdup("an index whose expressions or predicate use the column is always built again");
    } else {
        bool isnull;
        oidvector *classes =
            reinterpret_cast<oidvector *>(DatumGetPointer(SysCacheGetAttr(INDEXRELID, tup, Anum_pg_index_indclass, &isnull)));
        oidvector *colls = reinterpret_cast<oidvector *>(
            DatumGetPointer(SysCacheGetAttr(INDEXRELID, tup, Anum_pg_index_indcollation, &isnull)));
        HeapTuple reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(indexid));
        Oid am = HeapTupleIsValid(reltup) ? reinterpret_cast<Form_pg_class>(GETSTRUCT(reltup))->relam : InvalidOid;
        if (HeapTupleIsValid(reltup))
            ReleaseSysCache(reltup);
        for (int i = 0; i < ix->indnkeyatts && why == nullptr; i++) {
            if (ix->indkey.values[i] != attnum)
                continue;
            /* the definition PostgreSQL re-parses names the collation / operator class only when not the default */
            Oid coll = colls->values[i];
            Oid new_coll = coll == oldcoll ? newcoll : coll;
            Oid opclass = classes->values[i];
            Oid new_opclass = opclass == GetDefaultOpClass(oldtype, am) ? GetDefaultOpClass(newtype, am) : opclass;
            if (new_coll != coll)
                why = psprintf("its collation on the column changes from %s to %s", collation_text(coll),
                               collation_text(new_coll));
            else if (new_opclass != opclass)
                why = pstrdup("its operator class on the column changes");
            else if (IsPolymorphicType(get_opclass_input_type(opclass)) && oldtype != newtype)
                why = pstrdup("its operator class is polymorphic and the column's type changes");
        }
    }
    ReleaseSysCache(tup);
    return why;
}

} // namespace

List *type_change_rebuilt_indexes(Oid relid, AlterTableCmd *cmd)
{
    ColumnDef *def = castNode(ColumnDef, cmd->def);
    List *rebuilt = NIL;
    ErrorData *err = attempt([&] {
        Oid newtype;
        int32 newtypmod;
        typenameTypeIdAndMod(nullptr, def->typeName, &newtype, &newtypmod);
        Oid newcoll = GetColumnDefCollation(nullptr, def, newtype);
        List *tables = find_all_inheritors(relid, NoLock, nullptr);
        ListCell *tc;
        foreach (tc, tables) {
            Oid table = lfirst_oid(tc);
            HeapTuple att = SearchSysCacheAttName(table, cmd->name);
            if (!HeapTupleIsValid(att))
                continue;
            Form_pg_attribute a = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(att));
            AttrNumber attnum = a->attnum;
            Oid oldtype = a->atttypid, oldcoll = a->attcollation;
            ReleaseSysCache(att);
            /* the index list without waiting: a table another session keeps readers out of is skipped */
            if (!ConditionalLockRelationOid(table, AccessShareLock))
                continue;
            Relation rel = try_relation_open(table, NoLock);
            if (rel == nullptr)
                continue;
            List *indexes = RelationGetIndexList(rel);
            relation_close(rel, NoLock);
            ListCell *ic;
            foreach (ic, indexes) {
                Oid indexid = lfirst_oid(ic);
                if (get_rel_relkind(indexid) != RELKIND_INDEX)
                    continue; /* a partitioned index has no storage: its partitions' indexes are listed */
                if (char *why = rebuild_reason(indexid, attnum, oldtype, oldcoll, newtype, newcoll)) {
                    RebuiltIndex *r = static_cast<RebuiltIndex *>(palloc(sizeof(RebuiltIndex)));
                    *r = RebuiltIndex{indexid, why};
                    rebuilt = lappend(rebuilt, r);
                }
            }
        }
    });
    return err != nullptr ? NIL : rebuilt;
}

} // namespace mg::review
