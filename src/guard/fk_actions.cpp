/* fk_actions.cpp — see fk_actions.h. */
#include "common/bridge.h"
#include "guard/exemptions.h"
#include "guard/fk_actions.h"

extern "C" {
#include "access/genam.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_trigger.h"
#include "nodes/bitmapset.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"
}

namespace mg {
namespace {

/*
 * What the statement does to the rows of one relation: deletes them, or
 * updates them (all: any column may change; otherwise those in cols).
 */
struct Reach {
    Oid relid;
    bool deleted;
    bool all;
    Bitmapset *cols;
};

struct Closure {
    List *queue;   /* Reach *, processed in order (breadth first) */
    List *seen;    /* Reach *: per relation and kind, what was queued so far */
    List *named;   /* Match * already added, to add each (relation, rule) once */
    List *matches;
};

Oid rti_relid(PlannedStmt *plan, Index rti)
{
    if (rti == 0 || rti > static_cast<Index>(list_length(plan->rtable)))
        return InvalidOid;
    RangeTblEntry *rte = rt_fetch(rti, plan->rtable);
    return rte->rtekind == RTE_RELATION ? rte->relid : InvalidOid;
}

/* Queue what the statement does to relid, unless it is already covered. */
void reach(Closure &c, Oid relid, bool deleted, bool all, Bitmapset *cols)
{
    if (!OidIsValid(relid))
        return;
    ListCell *lc;
    foreach (lc, c.seen) {
        Reach *s = static_cast<Reach *>(lfirst(lc));
        if (s->relid != relid || s->deleted != deleted)
            continue;
        if (deleted || s->all || (!all && bms_is_subset(cols, s->cols)))
            return;
        s->all |= all;
        s->cols = bms_union(s->cols, cols);
        break;
    }
    if (lc == nullptr) {
        Reach *s = static_cast<Reach *>(palloc(sizeof(Reach)));
        *s = Reach{relid, deleted, all, bms_copy(cols)};
        c.seen = lappend(c.seen, s);
    }
    Reach *r = static_cast<Reach *>(palloc(sizeof(Reach)));
    *r = Reach{relid, deleted, all, cols};
    c.queue = lappend(c.queue, r);
}

/* The same columns, numbered as in relation to (by name: partitions may number them differently). */
Bitmapset *map_columns(Oid from, const Bitmapset *cols, Oid to)
{
    if (from == to)
        return bms_copy(cols);
    Bitmapset *out = nullptr;
    int att = -1;
    while ((att = bms_next_member(cols, att)) >= 0) {
        char *name = get_attname(from, static_cast<AttrNumber>(att), true);
        AttrNumber mapped = name ? get_attnum(to, name) : InvalidAttrNumber;
        if (mapped > 0)
            out = bms_add_member(out, mapped);
    }
    return out;
}

Bitmapset *int_list_columns(List *attnos)
{
    Bitmapset *out = nullptr;
    ListCell *lc;
    foreach (lc, attnos)
        if (lfirst_int(lc) > 0)
            out = bms_add_member(out, lfirst_int(lc));
    return out;
}

/* Columns the node's i-th result relation assigns; false when not known (then: any). */
bool assigned_columns(ModifyTable *mt, int i, Bitmapset **cols)
{
    *cols = nullptr;
#if MG_HAVE_MERGE
    if (mt->operation == CMD_MERGE) {
        if (i >= list_length(mt->mergeActionLists))
            return false;
        ListCell *lc;
        foreach (lc, static_cast<List *>(list_nth(mt->mergeActionLists, i))) {
            MergeAction *action = lfirst_node(MergeAction, lc);
            if (action->commandType == CMD_UPDATE)
                *cols = bms_join(*cols, int_list_columns(action->updateColnos));
        }
        return true;
    }
#endif
    if (i >= list_length(mt->updateColnosLists))
        return false;
    *cols = int_list_columns(static_cast<List *>(list_nth(mt->updateColnosLists, i)));
    return true;
}

/* The int2[] key columns of a pg_constraint row. */
Bitmapset *key_columns(HeapTuple con, AttrNumber att)
{
    bool isnull;
    Datum d = SysCacheGetAttr(CONSTROID, con, att, &isnull);
    if (isnull)
        return nullptr;
    ArrayType *arr = DatumGetArrayTypeP(d);
    const int16 *keys = reinterpret_cast<const int16 *>(ARR_DATA_PTR(arr));
    Bitmapset *out = nullptr;
    for (int i = 0; i < ARR_DIMS(arr)[0]; i++)
        if (keys[i] > 0)
            out = bms_add_member(out, keys[i]);
    return out;
}

/* May an UPDATE assigning cols change one of the referenced key columns of relid? */
bool key_may_change(Oid relid, const Bitmapset *key, const Bitmapset *cols)
{
    if (bms_overlap(key, cols))
        return true;
    int att = -1;
    while ((att = bms_next_member(key, att)) >= 0)
        if (get_attgenerated(relid, static_cast<AttrNumber>(att)) != '\0')
            return true; /* computed from other columns */
    return false;
}

/* The name the user gave the foreign key: that of the constraint a partition's clone comes from. */
char *constraint_name(Oid constraint, Oid parent)
{
    while (OidIsValid(parent)) {
        HeapTuple tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(parent));
        if (!HeapTupleIsValid(tup))
            break;
        constraint = parent;
        parent = reinterpret_cast<Form_pg_constraint>(GETSTRUCT(tup))->conparentid;
        ReleaseSysCache(tup);
    }
    char *name = get_constraint_name(constraint);
    return name ? name : pstrdup("?");
}

struct Action {
    Oid constraint;
    Oid referencing;
    bool deletes;      /* the referencing rows are deleted (else overwritten) */
    const char *words; /* "ON DELETE CASCADE", ... */
};

/* The RI action trigger functions (ri_triggers.c) for what happens to the referenced rows. */
bool action_of(Oid tgfoid, bool deleted, Action *a)
{
    a->deletes = false;
    if (deleted) {
        switch (tgfoid) {
        case F_RI_FKEY_CASCADE_DEL:
            a->deletes = true;
            a->words = "ON DELETE CASCADE";
            return true;
        case F_RI_FKEY_SETNULL_DEL:
            a->words = "ON DELETE SET NULL";
            return true;
        case F_RI_FKEY_SETDEFAULT_DEL:
            a->words = "ON DELETE SET DEFAULT";
            return true;
        default:
            return false;
        }
    }
    switch (tgfoid) {
    case F_RI_FKEY_CASCADE_UPD:
        a->words = "ON UPDATE CASCADE";
        return true;
    case F_RI_FKEY_SETNULL_UPD:
        a->words = "ON UPDATE SET NULL";
        return true;
    case F_RI_FKEY_SETDEFAULT_UPD:
        a->words = "ON UPDATE SET DEFAULT";
        return true;
    default:
        return false;
    }
}

void name_table(Closure &c, Oid relid, Rule rule, char *detail)
{
    ListCell *lc;
    foreach (lc, c.named) {
        const Match *m = static_cast<const Match *>(lfirst(lc));
        if (m->relid == relid && m->rule == rule)
            return;
    }
    c.matches = add_match(c.matches, rule, relation_identity(relid), relid);
    Match *m = static_cast<Match *>(llast(c.matches));
    m->detail = detail;
    c.named = lappend(c.named, m);
}

/* The referential actions fired by what the statement does to r->relid. */
void follow(Closure &c, const Reach *r)
{
    List *actions = NIL;
    bool key_rewritten_by_trigger = false;
    Relation trig = table_open(TriggerRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(r->relid));
    SysScanDesc scan = systable_beginscan(trig, TriggerRelidNameIndexId, true, nullptr, 1, &key);
    HeapTuple tup;
    while (HeapTupleIsValid(tup = systable_getnext(scan))) {
        Form_pg_trigger t = reinterpret_cast<Form_pg_trigger>(GETSTRUCT(tup));
        if (!r->deleted && !t->tgisinternal && TRIGGER_FOR_ROW(t->tgtype) && TRIGGER_FOR_BEFORE(t->tgtype) &&
            TRIGGER_FOR_UPDATE(t->tgtype))
            key_rewritten_by_trigger = true; /* it may change any column */
        Action a;
        if (!OidIsValid(t->tgconstraint) || !action_of(t->tgfoid, r->deleted, &a))
            continue;
        a.constraint = t->tgconstraint;
        a.referencing = t->tgconstrrelid;
        Action *copy = static_cast<Action *>(palloc(sizeof(Action)));
        *copy = a;
        actions = lappend(actions, copy);
    }
    systable_endscan(scan);
    table_close(trig, AccessShareLock);

    ListCell *lc;
    foreach (lc, actions) {
        const Action *a = static_cast<const Action *>(lfirst(lc));
        HeapTuple con = SearchSysCache1(CONSTROID, ObjectIdGetDatum(a->constraint));
        if (!HeapTupleIsValid(con))
            continue;
        bool fires = r->deleted || r->all || key_rewritten_by_trigger ||
                     key_may_change(r->relid, key_columns(con, Anum_pg_constraint_confkey), r->cols);
        Bitmapset *fk_cols = key_columns(con, Anum_pg_constraint_conkey);
        Oid parent = reinterpret_cast<Form_pg_constraint>(GETSTRUCT(con))->conparentid;
        ReleaseSysCache(con);
        if (!fires || !OidIsValid(a->referencing))
            continue;
        Rule rule = a->deletes ? Rule::delete_without_where : Rule::update_without_where;
        char *detail = psprintf(
            "The foreign key %s of %s is %s: the statement %s every row of %s%s, so PostgreSQL %s every row of %s "
            "that references one. Exempting a table created in this transaction does not extend to the existing "
            "tables its foreign-key actions reach.",
            quote_identifier(constraint_name(a->constraint, parent)), relation_identity(a->referencing), a->words,
            r->deleted ? "deletes" : "may change the referenced key of", relation_identity(r->relid),
            relation_is_exempt(r->relid) ? " (created in this transaction)" : "",
            a->deletes ? "deletes" : "overwrites the foreign-key columns of", relation_identity(a->referencing));
        /* the action's query on a partitioned table reaches its partitions */
        List *targets = list_make1_oid(a->referencing);
        if (get_rel_relkind(a->referencing) == RELKIND_PARTITIONED_TABLE)
            targets = list_concat_unique_oid(targets, find_all_inheritors(a->referencing, NoLock, nullptr));
        bool named = false;
        ListCell *tc;
        foreach (tc, targets) {
            Oid target = lfirst_oid(tc);
            if (!named && !relation_is_exempt(target)) {
                name_table(c, target, rule, detail);
                named = true; /* a partitioned table stands for its partitions */
            }
            reach(c, target, a->deletes, false, a->deletes ? nullptr : map_columns(a->referencing, fk_cols, target));
        }
    }
}

} // namespace

List *fk_action_matches(List *matches, PlannedStmt *plan, ModifyTable *mt, Rule rule)
{
    bool deletes = rule == Rule::delete_without_where;
    Closure c = {NIL, NIL, NIL, matches};
    /*
     * The relations whose rows the statement deletes or updates: the root of
     * a partitioned or inheritance target first (a row an UPDATE moves to
     * another partition fires the root's ON UPDATE actions; its foreign keys
     * are the ones the user named), then each result relation.
     */
    Oid root = rti_relid(plan, mt->rootRelation);
    if (OidIsValid(root)) {
        Bitmapset *root_cols = nullptr;
        bool root_all = false;
        int i = 0;
        ListCell *lc;
        foreach (lc, mt->resultRelations) {
            Oid relid = rti_relid(plan, static_cast<Index>(lfirst_int(lc)));
            Bitmapset *cols = nullptr;
            if (!deletes && !assigned_columns(mt, i, &cols))
                root_all = true;
            else if (OidIsValid(relid))
                root_cols = bms_join(root_cols, map_columns(relid, cols, root));
            i++;
        }
        reach(c, root, deletes, root_all, root_cols);
#if MG_PARTITION_MOVE_FIRES_DELETE_ACTIONS
        if (!deletes && get_rel_relkind(root) == RELKIND_PARTITIONED_TABLE) {
            ListCell *rc;
            foreach (rc, mt->resultRelations)
                reach(c, rti_relid(plan, static_cast<Index>(lfirst_int(rc))), true, false, nullptr);
        }
#endif
    }
    int i = 0;
    ListCell *lc;
    foreach (lc, mt->resultRelations) {
        Oid relid = rti_relid(plan, static_cast<Index>(lfirst_int(lc)));
        Bitmapset *cols = nullptr;
        bool known = deletes || assigned_columns(mt, i, &cols);
        reach(c, relid, deletes, !known, cols);
        i++;
    }
    for (int k = 0; k < list_length(c.queue); k++)
        follow(c, static_cast<const Reach *>(list_nth(c.queue, k)));
    return c.matches;
}

} // namespace mg
