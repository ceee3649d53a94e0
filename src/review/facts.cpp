/* facts.cpp — see facts.h. */
#include "common/bridge.h"
#include "review/facts.h"
#include "review/review.h"

extern "C" {
#include "access/relation.h"
#include "access/tableam.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "executor/tuptable.h"
#include "optimizer/plancat.h"
#include "storage/bufmgr.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
}

#include <cmath>

namespace mg::review {
namespace {

constexpr BlockNumber kProbePages = 64;
constexpr int kMaxChildren = 1000;
/* an index of an empty table this small (a metapage and a few empty pages) is empty */
constexpr int64 kEmptyIndexPages = 8;

struct FactsEntry {
    int64 key;  /* the relation's OID: with its partitions and children; -OID - 1: the relation alone */
    TableFacts facts;
};

HTAB *g_facts = nullptr;

/* A visible row in the first pages?  Reads at most kProbePages pages. */
bool has_visible_row(Relation rel, BlockNumber nblocks)
{
    if (rel->rd_tableam == nullptr || rel->rd_tableam->scan_set_tidrange == nullptr)
        return true; /* cannot look cheaply: assume rows */
    BlockNumber limit = Min(nblocks, kProbePages);
    ItemPointerData mintid, maxtid;
    ItemPointerSet(&mintid, 0, FirstOffsetNumber);
    ItemPointerSet(&maxtid, limit - 1, MaxOffsetNumber);
    TableScanDesc scan = table_beginscan_tidrange(rel, GetActiveSnapshot(), &mintid, &maxtid);
    TupleTableSlot *slot = table_slot_create(rel, nullptr);
    bool found = table_scan_getnextslot_tidrange(scan, ForwardScanDirection, slot);
    ExecDropSingleTupleTableSlot(slot);
    table_endscan(scan);
    /* nothing in the first pages of a longer table: not proven empty */
    return found || nblocks > limit;
}

int64 toast_bytes(Oid toastid)
{
    if (!OidIsValid(toastid))
        return 0;
    HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(toastid));
    if (!HeapTupleIsValid(tup))
        return 0;
    int64 pages = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relpages;
    ReleaseSysCache(tup);
    return pages * BLCKSZ;
}

void add_from_catalog(TableFacts *f, Oid relid)
{
    HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(tup))
        return;
    Form_pg_class c = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup));
    if (c->reltuples > 0)
        f->rows += c->reltuples;
    f->bytes += static_cast<int64>(c->relpages) * BLCKSZ;
    if (c->relpages > 0 || c->reltuples != 0)
        f->empty = false;
    ReleaseSysCache(tup);
}

/*
 * May the caller read every row of relid (directly, or those of its children
 * through it)?  Not when row-level security hides some from it.
 */
bool readable(Oid relid)
{
    return pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
           check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}

void add_leaf(TableFacts *f, Oid relid, bool probe, bool may_read)
{
    char kind = get_rel_relkind(relid);
    if (kind == RELKIND_FOREIGN_TABLE) {
        add_from_catalog(f, relid);
        f->empty = false; /* its rows live elsewhere */
        return;
    }
    if (!RELKIND_HAS_STORAGE(kind) || kind == RELKIND_INDEX || kind == RELKIND_SEQUENCE)
        return;
    if (!may_read) {
        f->unreadable = true;
        f->empty = false;
        add_from_catalog(f, relid);
        return;
    }
    if (!probe) {
        add_from_catalog(f, relid);
        return;
    }
    if (!ConditionalLockRelationOid(relid, AccessShareLock)) {
        f->locked = true;
        f->empty = false;
        add_from_catalog(f, relid);
        return;
    }
    Relation rel = try_relation_open(relid, NoLock);
    if (rel == nullptr)
        return;
    BlockNumber nblocks = RelationGetNumberOfBlocks(rel);
    f->bytes += static_cast<int64>(nblocks) * BLCKSZ + toast_bytes(rel->rd_rel->reltoastrelid);
    if (nblocks > 0) {
        BlockNumber pages;
        double tuples, allvisfrac;
        estimate_rel_size(rel, nullptr, &pages, &tuples, &allvisfrac);
        if (has_visible_row(rel, nblocks)) {
            f->empty = false;
            f->rows += Max(tuples, 1.0);
        }
    }
    relation_close(rel, NoLock); /* the lock goes with the statement's subtransaction */
}

/* An index: its size (the catalog's when it cannot be opened now), its table's rows; empty when its table is and it is small. */
TableFacts index_facts(Oid relid)
{
    TableFacts f = {true, false, 0, 0, 0};
    if (ConditionalLockRelationOid(relid, AccessShareLock)) {
        Relation rel = try_relation_open(relid, NoLock);
        if (rel != nullptr) {
            f.bytes = static_cast<int64>(RelationGetNumberOfBlocks(rel)) * BLCKSZ;
            relation_close(rel, NoLock);
        }
    } else {
        add_from_catalog(&f, relid);
        f.locked = true;
    }
    HeapTuple tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(relid));
    Oid table = InvalidOid;
    if (HeapTupleIsValid(tup)) {
        table = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup))->indrelid;
        ReleaseSysCache(tup);
    }
    const TableFacts *t = OidIsValid(table) ? relation_facts(table) : nullptr;
    /* an index of an empty table may still be a big file (pages freed by VACUUM stay): its size decides too */
    f.empty = t != nullptr && t->empty && f.bytes <= kEmptyIndexPages * BLCKSZ;
    f.unreadable = t != nullptr && t->unreadable;
    f.rows = t != nullptr ? t->rows : 0;
    return f;
}

TableFacts compute(Oid relid)
{
    TableFacts f = {true, false, 0, 0, 0};
    List *members = find_all_inheritors(relid, NoLock, nullptr);
    bool may_read = readable(relid); /* reading the table reads its children */
    int n = 0;
    ListCell *lc;
    foreach (lc, members) {
        add_leaf(&f, lfirst_oid(lc), n < kMaxChildren, may_read);
        n++;
    }
    f.children = list_length(members) - 1;
    return f;
}

} // namespace

void facts_reset()
{
    g_facts = nullptr;
}

namespace {

HTAB *facts_table()
{
    if (g_facts == nullptr) {
        HASHCTL ctl;
        memset(&ctl, 0, sizeof ctl);
        ctl.keysize = sizeof(int64);
        ctl.entrysize = sizeof(FactsEntry);
        ctl.hcxt = keep_context();
        g_facts = hash_create("migrate_guard review table facts", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
    return g_facts;
}

/* Cached under key (the relation's OID; its negation for the relation alone). */
template <typename Fn>
const TableFacts *cached(int64 key, Fn &&compute_it)
{
    bool found;
    FactsEntry *e = static_cast<FactsEntry *>(hash_search(facts_table(), &key, HASH_FIND, &found));
    if (e != nullptr)
        return &e->facts;
    TableFacts f = compute_it();
    e = static_cast<FactsEntry *>(hash_search(facts_table(), &key, HASH_ENTER, &found));
    e->facts = f;
    return &e->facts;
}

} // namespace

const TableFacts *table_facts(Oid relid)
{
    return cached(static_cast<int64>(relid), [&] { return compute(relid); });
}

TableFacts catalog_facts(Oid relid)
{
    TableFacts f = {false, false, 0, 0, 0};
    add_from_catalog(&f, relid);
    f.empty = false; /* statistics may be stale: never proof of emptiness */
    return f;
}

const TableFacts *relation_facts(Oid relid)
{
    return cached(-static_cast<int64>(relid) - 1, [&] {
        char kind = get_rel_relkind(relid);
        if (kind == RELKIND_INDEX || kind == RELKIND_PARTITIONED_INDEX)
            return index_facts(relid);
        TableFacts f = {true, false, 0, 0, 0};
        add_leaf(&f, relid, true, readable(relid));
        return f;
    });
}

char *grouped_number(double n)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", n < 0 ? 0 : std::floor(n + 0.5));
    int len = static_cast<int>(strlen(digits));
    StringInfoData out;
    initStringInfo(&out);
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            appendStringInfoChar(&out, ',');
        appendStringInfoChar(&out, digits[i]);
    }
    return out.data;
}

char *size_text(const TableFacts *f)
{
    if (f->empty)
        return pstrdup("empty");
    char *bytes = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_size_pretty, Int64GetDatum(f->bytes))));
    char *text = psprintf("~%s rows, %s", grouped_number(f->rows), bytes);
    if (f->children > 0)
        text = psprintf("%s in %d %s", text, f->children,
                        f->children == 1 ? "partition or child table" : "partitions or child tables");
    if (f->unreadable)
        text = psprintf("pg_class statistics: %s; this role may not read all of it (privileges, row-level "
                        "security), so the review did not look whether it holds rows",
                        text);
    if (f->locked)
        text = psprintf("%s; catalog estimate: another session holds a lock on it that keeps readers out right now", text);
    return text;
}

} // namespace mg::review
