/*
 * rules_storage.cpp — statements that move or rewrite a relation's files:
 *
 *   ALTER TABLE / INDEX / MATERIALIZED VIEW ... SET TABLESPACE
 *       copies every file of the relation (a table's TOAST with it, not its
 *       indexes) under an AccessExclusiveLock -- nothing when it already is
 *       there (ATExecSetTableSpace), nothing but a default for a partitioned
 *       table or index;
 *   ALTER TABLE / INDEX / MATERIALIZED VIEW ALL IN TABLESPACE a [OWNED BY r]
 *       SET TABLESPACE b
 *       the same for every relation PostgreSQL selects (AlterTableMoveAll):
 *       of that kind, in tablespace a, outside pg_catalog, TOAST and temporary
 *       schemas, owned by the roles named (all of them without OWNED BY: the
 *       statement fails if the caller does not own one), each locked
 *       AccessExclusive until the end of the transaction;
 *   ALTER TABLE ... SET ACCESS METHOD
 *       writes every row again, unless the table already uses it.
 *
 * table_rewrite with the sizes (relation_facts(): the relation alone, never
 * its partitions or children, which these statements do not touch).
 */
#include "common/bridge.h"
#include "guard/classify.h"
#include "review/locks.h"
#include "review/rules.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_tablespace.h"
#include "commands/defrem.h"
#include "commands/tablespace.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
}

namespace mg::review {
namespace {

constexpr int kListed = 10;
/* relations looked at (a bounded read each, locked AccessShare until the statement is judged); statistics beyond */
constexpr int kLooked = 100;

struct Named {
    Oid relid;
    char *name;
};

int by_name(const ListCell *a, const ListCell *b)
{
    return strcmp(static_cast<const Named *>(lfirst(a))->name, static_cast<const Named *>(lfirst(b))->name);
}

/* The relations in name order (pg_class's physical order changes with every update of a row). */
List *sorted_by_name(List *relids)
{
    List *named = NIL;
    ListCell *lc;
    foreach (lc, relids) {
        Named *n = static_cast<Named *>(palloc(sizeof(Named)));
        *n = Named{lfirst_oid(lc), qualified_name(lfirst_oid(lc))};
        named = lappend(named, n);
    }
    list_sort(named, by_name);
    List *out = NIL;
    foreach (lc, named)
        out = lappend_oid(out, static_cast<Named *>(lfirst(lc))->relid);
    return out;
}

/* The tablespace PostgreSQL stores for name: InvalidOid for the database's default (pg_class.reltablespace = 0). */
bool stored_tablespace(const char *name, Oid *out)
{
    Oid ts = get_tablespace_oid(name, true);
    if (!OidIsValid(ts))
        return false;
    *out = ts == MyDatabaseTableSpace ? InvalidOid : ts;
    return true;
}

Oid current_tablespace(Oid relid)
{
    HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(tup))
        return InvalidOid;
    Oid ts = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->reltablespace;
    ReleaseSysCache(tup);
    return ts == MyDatabaseTableSpace ? InvalidOid : ts;
}

char *tablespace_text(Oid ts)
{
    char *name = get_tablespace_name(OidIsValid(ts) ? ts : MyDatabaseTableSpace);
    return psprintf("tablespace %s", name ? quote_identifier(name) : "?");
}

const char *relkind_word(char kind)
{
    switch (kind) {
    case RELKIND_INDEX:
    case RELKIND_PARTITIONED_INDEX:
        return "index";
    case RELKIND_MATVIEW:
        return "materialized view";
    default:
        return "table";
    }
}

/* PostgreSQL checks CREATE on the tablespace a relation moves to, unless it is the database's default. */
bool may_create_in(Statement *st, Oid stored, const char *name)
{
    if (!OidIsValid(stored) || mg_tablespace_aclcheck(stored, GetUserId(), ACL_CREATE) == ACLCHECK_OK)
        return true;
    add_finding(st, "table_rewrite", Severity::danger,
                psprintf("the statement fails: this role may not create objects in tablespace %s (CREATE privilege)",
                         quote_identifier(name)),
                psprintf("GRANT CREATE ON TABLESPACE %s to the role that runs the migration, or run it as a role that "
                         "has it.",
                         quote_identifier(name)));
    return false;
}

void missing_tablespace(Statement *st, const char *name)
{
    add_finding(st, "unknown_object", Severity::warn,
                psprintf("tablespace %s does not exist: the statement fails when it runs", quote_identifier(name)),
                "Check the tablespace name (\\db in psql lists them).");
}

} // namespace

void review_set_tablespace(Statement *st, ScriptState *state, const Target &t, const char *name)
{
    if (!target_exists(t))
        return;
    Oid to;
    if (!stored_tablespace(name, &to)) {
        missing_tablespace(st, name);
        return;
    }
    char kind = t.ref.relkind;
    const char *word = relkind_word(kind);
    if (!may_create_in(st, to, name))
        return;
    if (kind == RELKIND_PARTITIONED_TABLE || kind == RELKIND_PARTITIONED_INDEX) {
        add_finding(st, "table_rewrite", Severity::ok,
                    psprintf("SET TABLESPACE does not move %s: a partitioned %s has no storage, only the tablespace "
                             "its future partitions get by default changes (move each partition on its own)",
                             t.ref.name, word));
        return;
    }
    Oid from = current_tablespace(t.ref.relid);
    if (from == to) {
        add_finding(st, "table_rewrite", Severity::ok,
                    psprintf("SET TABLESPACE does not move %s: it already is in %s, so nothing is copied (the lock is "
                             "still taken, for a moment)",
                             t.ref.name, tablespace_text(to)));
        return;
    }
    Target alone = t;
    alone.facts = relation_facts(t.ref.relid);
    report_rewrite(st, alone, AccessExclusiveLock, psprintf("SET TABLESPACE %s", quote_identifier(name)),
                   psprintf("every file of the %s is copied from %s to %s%s", word, tablespace_text(from),
                            tablespace_text(to), kind == RELKIND_INDEX ? "" : ", its TOAST table with it"),
                   kind == RELKIND_INDEX
                       ? psprintf("Build a copy instead: CREATE INDEX CONCURRENTLY ... TABLESPACE %s, then DROP INDEX "
                                  "CONCURRENTLY the old one (or REINDEX CONCURRENTLY ... TABLESPACE, PostgreSQL 14+).",
                                  quote_identifier(name))
                       : "Move it with pg_repack (--tablespace), or in a maintenance window.",
                   "moves", "every file is copied");
}

void review_set_access_method(Statement *st, const Target &t, const char *name)
{
    if (!target_exists(t))
        return;
    const char *am = name ? name : default_table_access_method;
    Oid amoid = get_table_am_oid(am, true);
    if (!OidIsValid(amoid)) {
        add_finding(st, "unknown_object", Severity::warn,
                    psprintf("table access method %s does not exist: the statement fails when it runs",
                             quote_identifier(am)),
                    "Check the access method name (\\dA in psql lists them).");
        return;
    }
    HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(t.ref.relid));
    Oid current = InvalidOid;
    if (HeapTupleIsValid(tup)) {
        current = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relam;
        ReleaseSysCache(tup);
    }
    if (current == amoid || t.ref.relkind == RELKIND_PARTITIONED_TABLE) {
        add_finding(st, "table_rewrite", Severity::ok,
                    psprintf("SET ACCESS METHOD %s does not rewrite %s: %s", quote_identifier(am), t.ref.name,
                             current == amoid ? "it already uses that access method"
                                              : "a partitioned table has no storage of its own"));
        return;
    }
    Target alone = t;
    alone.facts = relation_facts(t.ref.relid);
    report_rewrite(st, alone, AccessExclusiveLock, psprintf("SET ACCESS METHOD %s", quote_identifier(am)),
                   "every row is written again into the new access method",
                   "There is no online form: run it in a maintenance window, or build a new table and switch over.");
}

/* ALTER TABLE / INDEX / MATERIALIZED VIEW ALL IN TABLESPACE ... SET TABLESPACE ... */
void review_move_all(Statement *st, AlterTableMoveAllStmt *m)
{
    Oid from, to;
    if (!stored_tablespace(m->orig_tablespacename, &from)) {
        missing_tablespace(st, m->orig_tablespacename);
        return;
    }
    if (!stored_tablespace(m->new_tablespacename, &to)) {
        missing_tablespace(st, m->new_tablespacename);
        return;
    }
    if (from == GLOBALTABLESPACE_OID || to == GLOBALTABLESPACE_OID)
        return; /* PostgreSQL refuses it */
    const char *kinds = m->objtype == OBJECT_INDEX     ? "indexes"
                        : m->objtype == OBJECT_MATVIEW ? "materialized views"
                                                       : "tables";
    const char *kind1 = m->objtype == OBJECT_INDEX     ? "index"
                        : m->objtype == OBJECT_MATVIEW ? "materialized view"
                                                       : "table";
    if (from == to) {
        add_finding(st, "table_rewrite", Severity::ok,
                    psprintf("ALL IN TABLESPACE moves nothing: both names are %s", tablespace_text(from)));
        return;
    }
    if (!may_create_in(st, to, m->new_tablespacename))
        return;
    List *roles = NIL;
    ListCell *lc;
    foreach (lc, m->roles) {
        RoleSpec *spec = lfirst_node(RoleSpec, lc);
        Oid role = get_rolespec_oid(spec, true);
        if (!OidIsValid(role)) {
            add_finding(st, "unknown_object", Severity::warn,
                        psprintf("role %s does not exist: the statement fails when it runs",
                                 spec->rolename ? quote_identifier(spec->rolename) : "?"),
                        "Check the role names of OWNED BY (\\du in psql lists them).");
            return;
        }
        roles = lappend_oid(roles, role);
    }
    /* the relations AlterTableMoveAll() selects */
    List *moved = NIL;
    char *not_owned = nullptr;
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_class_reltablespace, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(from));
    Relation pg_class = table_open(RelationRelationId, AccessShareLock);
    TableScanDesc scan = table_beginscan_catalog(pg_class, 1, &key);
    HeapTuple tup;
    while ((tup = heap_getnext(scan, ForwardScanDirection)) != nullptr) {
        Form_pg_class c = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup));
        if (IsCatalogNamespace(c->relnamespace) || c->relisshared || isAnyTempNamespace(c->relnamespace) ||
            IsToastNamespace(c->relnamespace))
            continue;
        bool kind = m->objtype == OBJECT_TABLE
                        ? (c->relkind == RELKIND_RELATION || c->relkind == RELKIND_PARTITIONED_TABLE)
                    : m->objtype == OBJECT_INDEX ? (c->relkind == RELKIND_INDEX || c->relkind == RELKIND_PARTITIONED_INDEX)
                                                 : c->relkind == RELKIND_MATVIEW;
        if (!kind || (roles != NIL && !list_member_oid(roles, c->relowner)))
            continue;
        moved = lappend_oid(moved, c->oid);
    }
    table_endscan(scan);
    table_close(pg_class, AccessShareLock);
    moved = sorted_by_name(moved);
    foreach (lc, moved)
        if (not_owned == nullptr && !mg_relation_ownercheck(lfirst_oid(lc), GetUserId()))
            not_owned = qualified_name(lfirst_oid(lc));

    if (moved == NIL) {
        add_finding(st, "table_rewrite", Severity::ok,
                    psprintf("ALL IN TABLESPACE moves nothing: no %s%s is in %s now", kind1,
                             roles != NIL ? " of the roles named" : "", tablespace_text(from)));
        return;
    }
    if (not_owned != nullptr) {
        add_finding(st, "table_rewrite", Severity::danger,
                    psprintf("ALL IN TABLESPACE fails: it selects %s, which this role does not own (without OWNED BY "
                             "it moves the %s of every role, and only their owner may move them)",
                             not_owned, kinds),
                    "Add OWNED BY with the roles whose objects are to move, or run it as their owner.");
        return;
    }
    /* the guard judges each relation it moves (guard_tamper for migrate_guard's own): its classifier on each */
    foreach (lc, moved) {
        Oid relid = lfirst_oid(lc);
        AlterTableCmd *cmd = makeNode(AlterTableCmd);
        cmd->subtype = AT_SetTableSpace;
        cmd->name = m->new_tablespacename;
        AlterTableStmt *at = makeNode(AlterTableStmt);
        at->relation = makeRangeVar(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid), -1);
        at->cmds = list_make1(cmd);
        at->objtype = m->objtype;
        at->missing_ok = true;
        report_guard(st, classify_utility(reinterpret_cast<Node *>(at), false, AccessShareLock));
    }
    double rows = 0;
    int64 bytes = 0;
    int heavy = 0;
    StringInfoData list;
    initStringInfo(&list);
    int n = 0;
    foreach (lc, moved) {
        Oid relid = lfirst_oid(lc);
        note_lock(st, relid, AccessExclusiveLock);
        char kind = get_rel_relkind(relid);
        if (kind == RELKIND_PARTITIONED_TABLE || kind == RELKIND_PARTITIONED_INDEX)
            continue; /* no storage: only its default changes */
        TableFacts stats;
        const TableFacts *f = n < kLooked ? relation_facts(relid) : (stats = catalog_facts(relid), &stats);
        rows += f->rows;
        bytes += f->bytes;
        if (!f->empty)
            heavy++;
        if (n++ < kListed)
            appendStringInfo(&list, "%s%s (%s)", list.len ? ", " : "", qualified_name(relid), size_text(f));
    }
    if (n > kListed)
        appendStringInfo(&list, " and %d more", n - kListed);
    st->rewrites = st->rewrites || n > 0;
    char *size = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_size_pretty, Int64GetDatum(bytes))));
    char *what = psprintf("ALL IN TABLESPACE %s SET TABLESPACE %s copies every file of %d %s (%s in all%s): %s",
                          quote_identifier(m->orig_tablespacename), quote_identifier(m->new_tablespacename), n,
                          n == 1 ? kind1 : kinds, size,
                          m->objtype == OBJECT_INDEX ? "" : psprintf(", ~%s rows", grouped_number(rows)), list.data);
    if (heavy == 0) {
        add_finding(st, "table_rewrite", Severity::ok,
                    psprintf("%s; every one of them is empty, so each lock is held only for a moment", what));
        return;
    }
    add_finding(st, "table_rewrite", Severity::danger,
                psprintf("%s. It locks each of them AccessExclusive%s and keeps every lock until the end of the "
                         "transaction: every query on any of them waits until all are copied, for a time that grows "
                         "with their size",
                         what, m->nowait ? " (NOWAIT: it fails at once if one is in use)" : " (waiting for each)"),
                m->objtype == OBJECT_INDEX
                    ? "Move the indexes one at a time: REINDEX INDEX CONCURRENTLY ... TABLESPACE ... (or CREATE INDEX "
                      "CONCURRENTLY ... TABLESPACE ..., then DROP INDEX CONCURRENTLY the old one)."
                    : "Move the tables one at a time, each in its own transaction with a lock_timeout (ALTER TABLE ... "
                      "SET TABLESPACE ...), in a maintenance window, or online with pg_repack --tablespace.");
}

void review_storage(Statement *st, ScriptState *state)
{
    if (IsA(st->stmt, AlterTableMoveAllStmt))
        review_move_all(st, castNode(AlterTableMoveAllStmt, st->stmt));
}

} // namespace mg::review
