/*
 * volume_probe.cpp — counts, in the executor, the rows each DELETE, UPDATE,
 * MERGE and INSERT ... ON CONFLICT DO UPDATE really changes, as they change.
 *
 * Where.  Every statement PostgreSQL executes passes ExecutorStart, whatever
 * brought it there: top level, PREPARE/EXECUTE and cached plans, SQL and
 * PL/pgSQL functions, triggers, rules, writable CTEs, EXPLAIN ANALYZE,
 * COPY (query) TO, and the SPI statements with which foreign-key actions
 * delete or update referencing rows.  Once the plan state is built, each
 * ModifyTable node that deletes or updates gets a probe: the node's subplan,
 * which the node calls once for each row to process and once more at the
 * end, is wrapped through ExecProcNodeReal (as PostgreSQL's own
 * instrumentation wraps nodes).  So the probe runs between two rows: there
 * the rows the previous one really changed are added up and checked against
 * the limit, and a statement is stopped while processing row limit + 1.
 * Statements that cannot change rows (plain SELECT, INSERT) get no probe.
 *
 * What is counted is what the node itself reports having done, so a row
 * counts only when it really changed -- not when a BEFORE trigger returned
 * NULL, EvalPlanQual found it deleted by a concurrent transaction, or a join
 * produced it twice:
 *   DELETE, UPDATE         es_processed increments made while the node
 *                          processes one row (its "window");
 *   MERGE                  the node's own mt_merge_deleted/mt_merge_updated;
 *   ON CONFLICT DO UPDATE  es_processed increments in windows where the node
 *                          took the conflict path (its Instrumentation's
 *                          ntuples2, EXPLAIN's "Conflicting Tuples"), i.e.
 *                          updates, not inserts.
 * es_processed belongs to one executor state, so statements nested in a
 * function or trigger never add to the outer statement's count; within one
 * state a stack of open windows gives every increment to the innermost
 * window (a RETURNING list may read a writable CTE).  Nodes that do not set
 * the command tag -- writable CTEs, DO ALSO rule actions -- do not count into
 * es_processed: their probe turns canSetTag on (that count is its only
 * effect) and takes the increments back out as each window closes, so
 * es_processed is exact whenever anything else reads it.
 *
 * Foreign-key actions (ON DELETE/UPDATE CASCADE, SET NULL, SET DEFAULT) run
 * as one SPI statement per referenced row, with AFTER triggers left to the
 * caller (EXEC_FLAG_SKIP_TRIGGERS) and SECURITY_NOFORCE_RLS set (ri_triggers.c
 * is the only code that sets it): their rows are added to the statement that
 * caused them, per referencing table, however many firings it took.
 *
 * Rows are counted per table the statement addresses: the rows of every
 * partition (or inheritance child) a DELETE/UPDATE of a parent changes are
 * added together; a partition addressed by name counts on its own.
 *
 * A foreign table's wrapper may push a whole UPDATE/DELETE to the remote
 * server (direct modification): the rows then change inside the subplan, which
 * reports them through es_processed when it is the command-tag node; that call
 * is a window of its own (counted once the remote statement ran, undone with
 * the transaction).
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "common/ext_state.h"
#include "common/settings.h"
#include "guard/volume.h"
#include "guard/volume_tally.h"

extern "C" {
#include "executor/executor.h"
#include "executor/instrument.h"
}

namespace mg {
namespace {

enum class Effect : uint8_t { deletes, updates, merge, upsert };

struct Frame;

/* One counted ModifyTable node. */
struct Probe {
    ModifyTableState *node;
    PlanState *sub;               /* its subplan: one call per row */
    ExecProcNodeMtd sub_real;     /* what the subplan really runs */
    ExecProcNodeMtd node_real;    /* the node's own, when it has RETURNING */
    Frame *frame;
    Effect effect;
    bool forced;                  /* canSetTag turned on to count into es_processed */
    bool direct;                  /* a foreign table's wrapper changes rows inside the subplan */
    bool open;                    /* a row is being processed */
    uint64 window_rows;           /* es_processed increments of the open window */
    double window_conflicts;      /* upsert: conflicts when the window opened */
    double merge_deleted;         /* MERGE counters already counted */
    double merge_updated;
    Oid relid;                    /* the table the node addresses */
    VolumeTally *deleted;
    VolumeTally *updated;
};

/* One executor run with at least one probe. */
struct Frame {
    Frame *newer;                 /* neighbours in g_frames */
    Frame *older;
    uint64 generation;            /* g_generation while linked, 0 once unlinked */
    QueryDesc *qd;
    EState *estate;
    SubTransactionId subid;
    bool cascade;                 /* run by a foreign-key action */
    VolumeStatement stmt;
    VolumeStatement *owner;       /* who the rows count for: stmt, or the cascade's cause */
    int nprobes;
    Probe *probes;
    Probe **windows;              /* open windows, innermost last */
    int depth;
    uint64 mark;                  /* es_processed when last attributed */
    MemoryContextCallback on_free;
};

/*
 * Frames of the executor runs alive in this backend, newest first.  At
 * transaction end the list is simply dropped (a new generation starts): the
 * memory of old frames may already be gone and is never touched again.
 */
Frame *g_newest = nullptr;
uint64 g_generation = 1;

void link_frame(Frame *f)
{
    f->generation = g_generation;
    f->newer = nullptr;
    f->older = g_newest;
    if (g_newest != nullptr)
        g_newest->newer = f;
    g_newest = f;
}

void unlink_frame(Frame *f)
{
    if (f->generation == g_generation) {
        if (f->newer != nullptr)
            f->newer->older = f->older;
        else
            g_newest = f->older;
        if (f->older != nullptr)
            f->older->newer = f->newer;
    }
    f->generation = 0;
}

/* The executor state is being freed (ExecutorEnd, or error clean-up). */
void frame_freed(void *arg)
{
    unlink_frame(static_cast<Frame *>(arg));
}

Probe *probe_of(PlanState *ps, bool subplan)
{
    for (Frame *f = g_newest; f != nullptr; f = f->older) {
        for (int i = 0; i < f->nprobes; i++) {
            Probe *p = &f->probes[i];
            if ((subplan ? p->sub : &p->node->ps) == ps)
                return p;
        }
    }
    elog(ERROR, "migrate_guard: lost the row counter of a plan node");
    pg_unreachable();
}

/* Gives the es_processed increments since the last call to the innermost open window. */
void attribute(Frame *f)
{
    uint64 now = f->estate->es_processed;
    if (f->depth > 0 && now > f->mark) {
        Probe *p = f->windows[f->depth - 1];
        uint64 d = now - f->mark;
        p->window_rows += d;
        if (p->forced) {
            now -= d;
            f->estate->es_processed = now;
        }
    }
    f->mark = now;
}

void count(Probe *p, Rule rule, uint64 rows)
{
    if (rows == 0)
        return;
    VolumeTally *&t = rule == Rule::mass_delete ? p->deleted : p->updated;
    if (t == nullptr)
        t = volume_tally(p->frame->owner, p->relid, rule);
    volume_add(p->frame->owner, t, rows, p->frame->cascade);
}

void count_merge(Probe *p)
{
#if MG_HAVE_MERGE
    double deleted = p->node->mt_merge_deleted, updated = p->node->mt_merge_updated;
    count(p, Rule::mass_delete, static_cast<uint64>(deleted - p->merge_deleted));
    p->merge_deleted = deleted;
    count(p, Rule::mass_update, static_cast<uint64>(updated - p->merge_updated));
    p->merge_updated = updated;
#endif
}

void open_window(Probe *p)
{
    Frame *f = p->frame;
    attribute(f);
    f->windows[f->depth++] = p;
    p->open = true;
    p->window_rows = 0;
    if (p->effect == Effect::upsert)
        p->window_conflicts = p->node->ps.instrument->ntuples2;
}

void close_window(Probe *p)
{
    Frame *f = p->frame;
    attribute(f);
    /* windows nest, so p is the innermost; were it not, those above it end with it */
    int i = f->depth - 1;
    while (i >= 0 && f->windows[i] != p)
        i--;
    if (i >= 0) {
        while (f->depth > i + 1)
            f->windows[--f->depth]->open = false;
        f->depth = i;
    }
    p->open = false;
    switch (p->effect) {
    case Effect::deletes:
        count(p, Rule::mass_delete, p->window_rows);
        break;
    case Effect::updates:
        count(p, Rule::mass_update, p->window_rows);
        break;
    case Effect::upsert:
        if (p->node->ps.instrument->ntuples2 > p->window_conflicts)
            count(p, Rule::mass_update, p->window_rows);
        break;
    case Effect::merge:
        count_merge(p);
        break;
    }
}

/*
 * The subplan of a probed node: between two rows.  It runs once per row, so
 * it is plain counter arithmetic with no guarded() frame of its own: nothing
 * on this path throws a C++ exception (PostgreSQL's errors are longjmps and
 * no frame here holds an object with a destructor), and the one part that
 * does more -- the guard's decision once a tally passes the limit,
 * volume_judge() -- runs under guarded().
 * mg-lint: no-throw (counter arithmetic; volume_judge() is guarded)
 */
TupleTableSlot *subplan_next(PlanState *ps)
{
    Probe *p = probe_of(ps, true);
    if (p->open)
        close_window(p);
    TupleTableSlot *slot;
    if (p->direct) {
        /* a foreign-data wrapper's direct modification: the rows change (and are counted) in here */
        open_window(p);
        slot = p->sub_real(ps);
        close_window(p);
    } else
        slot = p->sub_real(ps);
    if (!TupIsNull(slot))
        open_window(p);
    return slot;
}

/*
 * A probed node with RETURNING: it hands a row up while its window is open.
 * mg-lint: no-throw (counter arithmetic, as subplan_next())
 */
TupleTableSlot *node_next(PlanState *ps)
{
    Probe *p = probe_of(ps, false);
    TupleTableSlot *slot = p->node_real(ps);
    if (p->open)
        close_window(p);
    return slot;
}

bool counted(ModifyTableState *mt, Effect *effect)
{
    switch (mt->operation) {
    case CMD_DELETE:
        *effect = Effect::deletes;
        return true;
    case CMD_UPDATE:
        *effect = Effect::updates;
        return true;
#if MG_HAVE_MERGE
    case CMD_MERGE:
        *effect = Effect::merge;
        return true;
#endif
    case CMD_INSERT:
        *effect = Effect::upsert;
        return castNode(ModifyTable, mt->ps.plan)->onConflictAction == ONCONFLICT_UPDATE;
    default:
        return false;
    }
}

/*
 * Calls fn(node) for each ModifyTable node of a run that changes rows: the
 * top node, and the writable CTEs and rule actions (es_auxmodifytables).
 */
template <typename Fn>
int for_each_counted_node(QueryDesc *qd, Fn &&fn)
{
    int n = 0;
    Effect e;
    PlanState *top = qd->planstate;
    if (IsA(top, ModifyTableState) && counted(castNode(ModifyTableState, top), &e)) {
        fn(castNode(ModifyTableState, top));
        n++;
    }
    ListCell *lc;
    foreach (lc, qd->estate->es_auxmodifytables) {
        PlanState *ps = static_cast<PlanState *>(lfirst(lc));
        if (ps != top && IsA(ps, ModifyTableState) && counted(castNode(ModifyTableState, ps), &e)) {
            fn(castNode(ModifyTableState, ps));
            n++;
        }
    }
    return n;
}

void init_probe(Frame *f, Probe *p, ModifyTableState *mt)
{
    ModifyTable *plan = castNode(ModifyTable, mt->ps.plan);
    *p = Probe{};
    p->node = mt;
    p->frame = f;
    counted(mt, &p->effect);
    p->relid = exec_rt_fetch(plan->nominalRelation, f->estate)->relid;
    /* DELETE/UPDATE/upsert count through es_processed, which only canSetTag nodes feed */
    p->forced = !mt->canSetTag && p->effect != Effect::merge;
    p->direct = plan->fdwDirectModifyPlans != nullptr;
    if (p->forced)
        mt->canSetTag = true;
    if (p->effect == Effect::upsert && mt->ps.instrument == nullptr)
        mt->ps.instrument = InstrAlloc(1, 0, false); /* no timing: only its conflict count is read */
    p->sub = outerPlanState(mt);
    p->sub_real = p->sub->ExecProcNodeReal;
    ExecSetExecProcNode(p->sub, subplan_next);
    if (plan->returningLists != NIL) {
        p->node_real = mt->ps.ExecProcNodeReal;
        ExecSetExecProcNode(&mt->ps, node_next);
    }
}

bool guard_acts_here()
{
    return !IsBinaryUpgrade && IsTransactionState() && !running_internal_sql() && ext_state().present;
}

/* mg-lint: no-throw (subtransaction callback: unlinks list nodes) */
void forget_subxact_frames(SubXactEvent event, SubTransactionId sub, SubTransactionId, void *)
{
    if (event != SUBXACT_EVENT_ABORT_SUB)
        return;
    /* runs started in the aborted subtransaction (or deeper) are over */
    for (Frame *f = g_newest, *next; f != nullptr; f = next) {
        next = f->older;
        if (f->subid >= sub)
            unlink_frame(f);
    }
}

} // namespace

void volume_executor_started(QueryDesc *qd, int eflags)
{
    int limit = max_rows_changed();
    if (limit == 0)
        return;
    PlannedStmt *stmt = qd->plannedstmt;
    if ((stmt->commandType == CMD_SELECT && !stmt->hasModifyingCTE) || (eflags & EXEC_FLAG_EXPLAIN_ONLY) ||
        qd->estate == nullptr || qd->planstate == nullptr)
        return;
    int n = for_each_counted_node(qd, [](ModifyTableState *) {});
    if (n == 0 || !guard_acts_here())
        return;

    /*
     * One allocation: the frame, its probes and its stack of windows.  Not
     * zeroed as a whole (the statement's inline tallies are set up when first
     * used): every field is set here, the probes by init_probe().
     */
    EState *estate = qd->estate;
    Size size = MAXALIGN(sizeof(Frame)) + MAXALIGN(sizeof(Probe) * n) + sizeof(Probe *) * n;
    char *mem = static_cast<char *>(MemoryContextAlloc(estate->es_query_cxt, size));
    Frame *f = reinterpret_cast<Frame *>(mem);
    f->probes = reinterpret_cast<Probe *>(mem + MAXALIGN(sizeof(Frame)));
    f->windows = reinterpret_cast<Probe **>(mem + MAXALIGN(sizeof(Frame)) + MAXALIGN(sizeof(Probe) * n));
    f->nprobes = 0;
    f->depth = 0;
    f->mark = 0;
    f->qd = qd;
    f->estate = estate;
    f->subid = GetCurrentSubTransactionId();
    f->stmt.source = qd->sourceText;
    f->stmt.location = stmt->stmt_location;
    f->stmt.length = stmt->stmt_len;
    f->stmt.limit = static_cast<uint64>(limit);
    f->stmt.cxt = estate->es_query_cxt;
    f->stmt.judged_any = false;
    f->stmt.tallies = nullptr;
    f->stmt.inline_used = 0;
    f->owner = &f->stmt;
    f->cascade = (eflags & EXEC_FLAG_SKIP_TRIGGERS) && InNoForceRLSOperation();
    if (f->cascade && g_newest != nullptr)
        f->owner = g_newest->owner;
    MemoryContext old = MemoryContextSwitchTo(estate->es_query_cxt);
    for_each_counted_node(qd, [f](ModifyTableState *mt) { init_probe(f, &f->probes[f->nprobes++], mt); });
    MemoryContextSwitchTo(old);
    f->on_free.func = frame_freed;
    f->on_free.arg = f;
    MemoryContextRegisterResetCallback(estate->es_query_cxt, &f->on_free);
    link_frame(f);
}

void volume_executor_finished(QueryDesc *qd)
{
    for (Frame *f = g_newest; f != nullptr; f = f->older) {
        if (f->qd == qd) {
            if (f->stmt.judged_any)
                guarded("ExecutorFinish hook", [&] { volume_audit(&f->stmt); });
            return;
        }
    }
}

bool volume_counting()
{
    return g_newest != nullptr;
}

/* Resets pointers only: called from the transaction callback. */
void volume_xact_event(XactEvent event)
{
    switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PREPARE:
        /* frames of this transaction are never touched again, whenever their memory goes */
        g_generation++;
        g_newest = nullptr;
        break;
    default:
        break;
    }
}

void register_volume_callbacks()
{
    RegisterSubXactCallback(forget_subxact_frames, nullptr);
}

} // namespace mg
