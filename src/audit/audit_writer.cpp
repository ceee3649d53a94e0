/*
 * audit_writer.cpp — statement frames and writing rows into
 * migrate_guard.ddl_log.
 *
 * Rows are formed and inserted directly into the heap and its indexes, in the
 * transaction of the change: no SQL is parsed, planned or executed, so the
 * audit costs little per DDL statement, needs no privilege on the table (any
 * role's DDL is logged although PUBLIC has no right on it) and cannot be
 * redirected through search_path.  The event-trigger functions
 * pg_event_trigger_ddl_commands() and pg_event_trigger_dropped_objects() are
 * called through fmgr and their result sets read directly.
 *
 * Secrets (redact.h): statement and top_statement are redacted.  A row whose
 * own statement set a password shows no top_statement (the DO block or
 * function call that led to it may carry the password in any form, e.g. as a
 * function argument), and neither does any other row of the same top-level
 * statement in the same transaction: rows written before the password
 * statement get their top_statement replaced in place.
 *
 * migrate_guard.reason is recorded only on rows of statements that ran while
 * the flag was in force: anyone may set the reason, only admins the flag.
 *
 * Columns are found by name, so the library writes both layouts of the table:
 * 0.1.0's (no login_role) until ALTER EXTENSION UPDATE, and 0.2.0's, where
 * login_role was added last (rows written before it read as NULL).
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "common/ext_state.h"
#include "audit/redact.h"
#include "common/settings.h"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "catalog/index.h"
#include "commands/sequence.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "storage/bufmgr.h"
#include "tcop/pquery.h"
#include "utils/fmgroids.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "utils/xid8.h"
}

namespace mg {
namespace {

const char *const kHiddenTop = "(hidden: this top-level statement set a password)";

/* The frame stack: grows as needed (nesting depth is bounded by max_stack_depth only). */
StatementFrame *g_frames = nullptr;
int g_capacity = 0;
int g_depth = 0;

/*
 * Per transaction (TopTransactionContext; forgotten at transaction end):
 * top-level statements whose rows hide top_statement, and the rows written
 * so far that show one (candidates for hiding).
 */
struct ShownRow {
    ItemPointerData tid;
    const char *top; /* raw text of the top-level statement */
    bool hidden;
};
List *g_hidden_tops = NIL;
List *g_shown_rows = NIL;
const char *g_last_top = nullptr;          /* the text g_shown_rows refers to last (shared by its rows) */
const char *g_last_top_redacted = nullptr; /* and its redaction (a DO block's rows share one) */
bool g_xact_callback = false;

/* mg-lint: no-throw (transaction callback: resets pointers) */
void forget_transaction(XactEvent event, void *)
{
    switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PREPARE:
        g_hidden_tops = NIL;
        g_shown_rows = NIL;
        g_last_top = g_last_top_redacted = nullptr;
        break;
    default:
        break;
    }
}

void ensure_xact_callback()
{
    if (!g_xact_callback) {
        RegisterXactCallback(forget_transaction, nullptr);
        g_xact_callback = true;
    }
}

/* The top-level statement that led to the one being run. */
const char *top_level_statement()
{
    if (ActivePortal != nullptr && ActivePortal->sourceText != nullptr && ActivePortal->stmts != NIL) {
        PlannedStmt *ps = linitial_node(PlannedStmt, ActivePortal->stmts);
        return statement_text(ActivePortal->sourceText, ps->stmt_location, ps->stmt_len);
    }
    return debug_query_string ? statement_text(debug_query_string, -1, 0) : nullptr;
}

StatementFrame fallback_frame()
{
    StatementFrame f;
    f.source = debug_query_string;
    f.location = -1;
    f.length = 0;
    f.verdict = Verdict{false, Rule::drop_table, nullptr, InvalidOid, false};
    return f;
}

/* inet_client_addr(), which is NULL for a Unix-socket connection */
Datum client_addr(bool *isnull)
{
    FmgrInfo flinfo;
    fmgr_info(F_INET_CLIENT_ADDR, &flinfo);
    FunctionCallInfo fcinfo = static_cast<FunctionCallInfo>(palloc0(SizeForFunctionCallInfo(0)));
    InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, nullptr, nullptr);
    Datum d = FunctionCallInvoke(fcinfo);
    *isnull = fcinfo->isnull;
    return d;
}

Datum text_datum(const char *s, bool *isnull)
{
    *isnull = s == nullptr;
    return s ? CStringGetTextDatum(s) : (Datum) 0;
}

Datum name_datum(const char *s)
{
    Name n = static_cast<Name>(palloc0(NAMEDATALEN));
    namestrcpy(n, s ? s : "");
    return NameGetDatum(n);
}

/*
 * The parts of a row common to every row of one statement, computed once per
 * batch: who, where, what statement, and the guard's verdict.
 */
struct RowContext {
    Relation rel;
    TupleDesc desc;
    Oid seq;
    Datum *values;
    bool *nulls;
    AttrNumber command_tag, object_type, schema_name, object_identity, event, detail, id, logged_at;
    const char *track_top; /* rows showing this top-level statement are remembered */
};

AttrNumber column_number(TupleDesc desc, const char *column)
{
    for (int i = 0; i < desc->natts; i++)
        if (!TupleDescAttr(desc, i)->attisdropped && strcmp(NameStr(TupleDescAttr(desc, i)->attname), column) == 0)
            return static_cast<AttrNumber>(i + 1);
    return InvalidAttrNumber;
}

void set_column(RowContext &rc, const char *column, Datum value, bool isnull)
{
    AttrNumber att = column_number(rc.desc, column);
    if (att == InvalidAttrNumber)
        return;
    rc.values[att - 1] = value;
    rc.nulls[att - 1] = isnull;
}

/* Inserts the index entries of a heap tuple into every index of the log. */
void insert_index_entries(Relation rel, HeapTuple tuple)
{
    List *indexes = RelationGetIndexList(rel);
    if (indexes == NIL)
        return;
    TupleTableSlot *slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);
    ExecStoreHeapTuple(tuple, slot, false);
    EState *estate = nullptr;
    ListCell *lc;
    foreach (lc, indexes) {
        Relation index = index_open(lfirst_oid(lc), RowExclusiveLock);
        IndexInfo *info = BuildIndexInfo(index);
        if (info->ii_Predicate != NIL || info->ii_Expressions != NIL) {
            if (estate == nullptr)
                estate = CreateExecutorState();
            GetPerTupleExprContext(estate)->ecxt_scantuple = slot;
        }
        bool skip = false;
        if (info->ii_Predicate != NIL) {
            ExprState *pred = ExecPrepareQual(info->ii_Predicate, estate);
            skip = !ExecQual(pred, GetPerTupleExprContext(estate));
        }
        if (!skip) {
            Datum values[INDEX_MAX_KEYS];
            bool isnull[INDEX_MAX_KEYS];
            FormIndexDatum(info, slot, estate, values, isnull);
            index_insert(index, values, isnull, &tuple->t_self, rel,
                         index->rd_index->indisunique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO, false, info);
        }
        index_close(index, NoLock);
    }
    if (estate != nullptr)
        FreeExecutorState(estate);
    ExecDropSingleTupleTableSlot(slot);
}

bool top_is_hidden(const char *top)
{
    ListCell *lc;
    foreach (lc, g_hidden_tops)
        if (strcmp(static_cast<const char *>(lfirst(lc)), top) == 0)
            return true;
    return false;
}

/*
 * A statement that set a password ran under `top`: from now on no row of this
 * transaction shows `top`, and the rows written before stop showing it (the
 * new version of each replaces its top_statement).
 */
void hide_top(Relation rel, const char *top)
{
    ensure_xact_callback();
    MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
    g_hidden_tops = lappend(g_hidden_tops, pstrdup(top));
    MemoryContextSwitchTo(old);

    TupleDesc desc = RelationGetDescr(rel);
    AttrNumber att = column_number(desc, "top_statement");
    if (att == InvalidAttrNumber)
        return;
    ListCell *lc;
    foreach (lc, g_shown_rows) {
        ShownRow *row = static_cast<ShownRow *>(lfirst(lc));
        if (row->hidden || strcmp(row->top, top) != 0)
            continue;
        row->hidden = true;
        HeapTupleData tuple;
        tuple.t_self = row->tid;
        Buffer buf;
        if (!mg_heap_fetch(rel, SnapshotAny, &tuple, &buf))
            continue;
        /* only a version this transaction may still update (not one of an aborted subtransaction) */
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        TM_Result state = HeapTupleSatisfiesUpdate(&tuple, GetCurrentCommandId(false), buf);
        LockBuffer(buf, BUFFER_LOCK_UNLOCK);
        if (state != TM_Ok) {
            ReleaseBuffer(buf);
            continue;
        }
        Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * desc->natts));
        bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * desc->natts));
        heap_deform_tuple(&tuple, desc, values, nulls);
        values[att - 1] = CStringGetTextDatum(kHiddenTop);
        nulls[att - 1] = false;
        HeapTuple replacement = heap_form_tuple(desc, values, nulls);
        ReleaseBuffer(buf);
#if MG_HEAP_UPDATE_REPORTS_INDEXES
        TU_UpdateIndexes update_indexes;
        simple_heap_update(rel, &row->tid, replacement, &update_indexes);
        bool needs_index_entries = update_indexes != TU_None;
#else
        simple_heap_update(rel, &row->tid, replacement);
        bool needs_index_entries = !HeapTupleIsHeapOnly(replacement);
#endif
        if (needs_index_entries)
            insert_index_entries(rel, replacement);
    }
}

RowContext open_log(const StatementFrame &frame)
{
    const ExtState &ext = ext_state();
    RowContext rc;
    rc.rel = table_open(ext.ddl_log_oid, RowExclusiveLock);
    rc.desc = RelationGetDescr(rc.rel);
    rc.seq = get_relname_relid("ddl_log_id_seq", ext.schema_oid);
    rc.values = static_cast<Datum *>(palloc0(sizeof(Datum) * rc.desc->natts));
    rc.nulls = static_cast<bool *>(palloc(sizeof(bool) * rc.desc->natts));
    memset(rc.nulls, true, sizeof(bool) * rc.desc->natts);
    rc.command_tag = column_number(rc.desc, "command_tag");
    rc.object_type = column_number(rc.desc, "object_type");
    rc.schema_name = column_number(rc.desc, "schema_name");
    rc.object_identity = column_number(rc.desc, "object_identity");
    rc.event = column_number(rc.desc, "event");
    rc.detail = column_number(rc.desc, "detail");
    rc.id = column_number(rc.desc, "id");
    rc.logged_at = column_number(rc.desc, "logged_at");
    rc.track_top = nullptr;

    const char *raw = statement_text(frame.source, frame.location, frame.length);
    bool secret = false;
    const char *statement = redact_secrets(raw, &secret);
    const char *raw_top = top_level_statement();
    const char *top = statement;
    if (raw_top != nullptr && strcmp(raw_top, raw) != 0) {
        if (secret) {
            hide_top(rc.rel, raw_top);
            top = kHiddenTop;
        } else if (top_is_hidden(raw_top)) {
            top = kHiddenTop;
        } else {
            ensure_xact_callback();
            if (g_last_top == nullptr || strcmp(g_last_top, raw_top) != 0) {
                g_last_top = MemoryContextStrdup(TopTransactionContext, raw_top);
                g_last_top_redacted = MemoryContextStrdup(TopTransactionContext, redact_secrets(raw_top));
            }
            top = g_last_top_redacted;
            rc.track_top = g_last_top;
        }
    }
    bool isnull;
    set_column(rc, "txid", FullTransactionIdGetDatum(GetTopFullTransactionId()), false);
    /* the role that authenticated: SET SESSION AUTHORIZATION / SET ROLE change the other two */
    set_column(rc, "login_role", name_datum(GetUserNameFromId(GetAuthenticatedUserId(), true)), false);
    set_column(rc, "session_role", name_datum(GetUserNameFromId(GetSessionUserId(), true)), false);
    set_column(rc, "current_role", name_datum(GetUserNameFromId(GetUserId(), true)), false);
    Datum app = text_datum(application_name && application_name[0] ? application_name : nullptr, &isnull);
    set_column(rc, "application_name", app, isnull);
    Datum addr = client_addr(&isnull);
    set_column(rc, "client_addr", addr, isnull);
    set_column(rc, "backend_pid", Int32GetDatum(MyProcPid), false);
    Datum st = text_datum(statement, &isnull);
    set_column(rc, "statement", st, isnull);
    Datum tp = text_datum(top, &isnull);
    set_column(rc, "top_statement", tp, isnull);
    Datum rule = text_datum(frame.verdict.matched ? rule_name(frame.verdict.rule) : nullptr, &isnull);
    set_column(rc, "rule", rule, isnull);
    set_column(rc, "overridden", BoolGetDatum(frame.verdict.overridden), false);
    /* the reason is an admin's word: only on rows of statements run under the flag */
    bool under_flag = frame.verdict.overridden || (reason()[0] != '\0' && flag_in_force());
    Datum why = text_datum(under_flag && reason()[0] ? redact_secrets(reason()) : nullptr, &isnull);
    set_column(rc, "reason", why, isnull);
    return rc;
}

void put(RowContext &rc, AttrNumber att, const char *value)
{
    if (att == InvalidAttrNumber)
        return;
    rc.nulls[att - 1] = value == nullptr;
    rc.values[att - 1] = value ? CStringGetTextDatum(value) : (Datum) 0;
}

/* Inserts one row into the heap and into every index of the log. */
void insert_row(RowContext &rc, const AuditRow &row)
{
    put(rc, rc.command_tag, row.command_tag);
    put(rc, rc.object_type, row.object_type);
    put(rc, rc.schema_name, row.schema_name);
    put(rc, rc.object_identity, row.object_identity);
    put(rc, rc.event, row.event);
    put(rc, rc.detail, redact_secrets(row.detail));
    if (rc.id != InvalidAttrNumber) {
        rc.nulls[rc.id - 1] = false;
        rc.values[rc.id - 1] = Int64GetDatum(nextval_internal(rc.seq, false));
    }
    if (rc.logged_at != InvalidAttrNumber) {
        rc.nulls[rc.logged_at - 1] = false;
        rc.values[rc.logged_at - 1] = TimestampTzGetDatum(GetCurrentTimestamp());
    }
    HeapTuple tuple = heap_form_tuple(rc.desc, rc.values, rc.nulls);
    simple_heap_insert(rc.rel, tuple);
    insert_index_entries(rc.rel, tuple);
    if (rc.track_top != nullptr) {
        ShownRow *shown = static_cast<ShownRow *>(MemoryContextAlloc(TopTransactionContext, sizeof(ShownRow)));
        shown->tid = tuple->t_self;
        shown->top = rc.track_top;
        shown->hidden = false;
        MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
        g_shown_rows = lappend(g_shown_rows, shown);
        MemoryContextSwitchTo(old);
    }
    heap_freetuple(tuple);
}

void close_log(RowContext &rc)
{
    table_close(rc.rel, NoLock); /* the lock is kept until the end of the transaction */
}

/* Calls a materializing set-returning function with no arguments. */
Tuplestorestate *call_srf(Oid fn, TupleDesc *desc)
{
    FmgrInfo flinfo;
    fmgr_info(fn, &flinfo);
    ReturnSetInfo *rsinfo = makeNode(ReturnSetInfo);
    rsinfo->econtext = CreateStandaloneExprContext();
    rsinfo->allowedModes = SFRM_Materialize;
    rsinfo->returnMode = SFRM_ValuePerCall;
    FunctionCallInfo fcinfo = static_cast<FunctionCallInfo>(palloc0(SizeForFunctionCallInfo(0)));
    InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, nullptr, reinterpret_cast<Node *>(rsinfo));
    (void) FunctionCallInvoke(fcinfo);
    if (rsinfo->returnMode != SFRM_Materialize)
        elog(ERROR, "migrate_guard: unexpected result mode from function %u", fn);
    *desc = rsinfo->setDesc;
    return rsinfo->setResult;
}

const char *slot_text(TupleTableSlot *slot, AttrNumber att)
{
    bool isnull;
    Datum d = slot_getattr(slot, att, &isnull);
    return isnull ? nullptr : TextDatumGetCString(d);
}

bool slot_bool(TupleTableSlot *slot, AttrNumber att)
{
    bool isnull;
    Datum d = slot_getattr(slot, att, &isnull);
    return !isnull && DatumGetBool(d);
}

/* PostgreSQL's internal parts of a dropped object: TOAST, row/array types, FK triggers */
bool internal_part(const char *type, const char *schema, const char *identity)
{
    if (schema != nullptr && strcmp(schema, "pg_toast") == 0)
        return true;
    if (type == nullptr)
        return false;
    if (strcmp(type, "type") == 0)
        return true;
    return strcmp(type, "trigger") == 0 && identity != nullptr &&
           strncmp(identity, "\"RI_ConstraintTrigger_", 22) == 0;
}

/* Calls fn(slot) for each row of an event-trigger set-returning function. */
template <typename Fn>
void for_each_row(Oid srf, Fn &&fn)
{
    TupleDesc desc;
    Tuplestorestate *rows = call_srf(srf, &desc);
    TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
    while (rows != nullptr && tuplestore_gettupleslot(rows, true, false, slot))
        fn(slot, desc);
    ExecDropSingleTupleTableSlot(slot);
}

const char *column_text(TupleTableSlot *slot, TupleDesc desc, const char *column)
{
    return slot_text(slot, column_number(desc, column));
}

uint64 write_ddl_commands(RowContext &rc, const char *tag)
{
    uint64 n = 0;
    for_each_row(F_PG_EVENT_TRIGGER_DDL_COMMANDS, [&](TupleTableSlot *slot, TupleDesc desc) {
        if (slot_bool(slot, column_number(desc, "in_extension")))
            return;
        const char *row_tag = column_text(slot, desc, "command_tag");
        AuditRow row = {row_tag ? row_tag : tag, column_text(slot, desc, "object_type"),
                        column_text(slot, desc, "schema_name"), column_text(slot, desc, "object_identity"),
                        "ddl_command_end", nullptr};
        insert_row(rc, row);
        n++;
    });
    return n;
}

uint64 write_dropped_objects(RowContext &rc, const char *tag)
{
    uint64 n = 0;
    for_each_row(F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, [&](TupleTableSlot *slot, TupleDesc desc) {
        bool original = slot_bool(slot, column_number(desc, "original"));
        bool normal = slot_bool(slot, column_number(desc, "normal"));
        const char *type = column_text(slot, desc, "object_type");
        const char *schema = column_text(slot, desc, "schema_name");
        const char *identity = column_text(slot, desc, "object_identity");
        if (!original && !normal && internal_part(type, schema, identity))
            return;
        AuditRow row = {tag, type, schema, identity, "sql_drop",
                        original ? "dropped" : normal ? "dropped by CASCADE" : "dropped with the object it belongs to"};
        insert_row(rc, row);
        n++;
    });
    return n;
}

uint64 write_table_rewrite(RowContext &rc, const char *tag)
{
    Oid relid = DatumGetObjectId(OidFunctionCall0Coll(F_PG_EVENT_TRIGGER_TABLE_REWRITE_OID, InvalidOid));
    int reason_code = DatumGetInt32(OidFunctionCall0Coll(F_PG_EVENT_TRIGGER_TABLE_REWRITE_REASON, InvalidOid));
    char *nsp = get_namespace_name(get_rel_namespace(relid));
    char *rel = get_rel_name(relid);
    AuditRow row = {tag, "table", nsp, quote_qualified_identifier(nsp, rel ? rel : "?"), "table_rewrite",
                    psprintf("table rewrite, reason %d", reason_code)};
    insert_row(rc, row);
    return 1;
}

} // namespace

void push_statement(const StatementFrame &frame)
{
    if (g_depth == g_capacity) {
        int capacity = g_capacity ? g_capacity * 2 : 32;
        g_frames = static_cast<StatementFrame *>(
            g_frames ? repalloc(g_frames, sizeof(StatementFrame) * capacity)
                     : MemoryContextAlloc(TopMemoryContext, sizeof(StatementFrame) * capacity));
        g_capacity = capacity;
    }
    g_frames[g_depth++] = frame;
}

void pop_statement()
{
    if (g_depth > 0)
        g_depth--;
}

const StatementFrame *current_statement()
{
    return g_depth > 0 ? &g_frames[g_depth - 1] : nullptr;
}

void note_statement_verdict(const Verdict &v)
{
    if (g_depth == 0 || !v.matched)
        return;
    StatementFrame &f = g_frames[g_depth - 1];
    if (!f.verdict.matched || (v.overridden && !f.verdict.overridden))
        f.verdict = v;
}

bool current_statement_logged()
{
    return g_depth > 0 && g_frames[g_depth - 1].audit == FrameAudit::logged;
}

void set_current_statement_audit(FrameAudit audit)
{
    if (g_depth > 0)
        g_frames[g_depth - 1].audit = audit;
}

int detail::g_internal_sql = 0;
void begin_internal_sql() { detail::g_internal_sql++; }
void end_internal_sql()
{
    if (detail::g_internal_sql > 0)
        detail::g_internal_sql--;
}

bool audit_enabled()
{
    const ExtState &s = ext_state();
    return s.present && OidIsValid(s.ddl_log_oid) && OidIsValid(s.ddl_log_owner) && !IsBinaryUpgrade;
}

void audit_write(const AuditRow &row, const StatementFrame *frame)
{
    if (frame == nullptr)
        frame = current_statement();
    StatementFrame fallback = fallback_frame();
    RowContext rc = open_log(frame ? *frame : fallback);
    insert_row(rc, row);
    close_log(rc);
}

uint64 audit_write_from(AuditSource source, const char *command_tag)
{
    const StatementFrame *frame = current_statement();
    StatementFrame fallback = fallback_frame();
    RowContext rc = open_log(frame ? *frame : fallback);
    uint64 n = 0;
    switch (source) {
    case AuditSource::ddl_commands:
        n = write_ddl_commands(rc, command_tag);
        break;
    case AuditSource::dropped_objects:
        n = write_dropped_objects(rc, command_tag);
        break;
    case AuditSource::table_rewrite:
        n = write_table_rewrite(rc, command_tag);
        break;
    }
    close_log(rc);
    return n;
}

} // namespace mg
