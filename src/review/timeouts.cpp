/*
 * timeouts.cpp — the lock_timeout and statement_timeout in effect at each
 * statement of the script: the session's values (which already include the
 * role's and the database's defaults, postgresql.conf and PGOPTIONS), then
 * the script's own SET / SET LOCAL / RESET / set_config(), with SET LOCAL
 * ending with its transaction block and a ROLLBACK undoing the block's SETs.
 */
#include "common/bridge.h"
#include "review/replay.h"

extern "C" {
#include "utils/guc_tables.h"
}

namespace mg::review {
namespace {

/* The settings in force when a savepoint was set (ROLLBACK TO brings them back). */
struct SavepointTimeouts {
    char *name;
    Timeouts session;
    Timeouts local;
};

const char *describe_source(const char *source)
{
    if (strcmp(source, "configuration file") == 0)
        return "postgresql.conf";
    if (strcmp(source, "database") == 0)
        return "the database's default (ALTER DATABASE ... SET)";
    if (strcmp(source, "user") == 0)
        return "the role's default (ALTER ROLE ... SET)";
    if (strcmp(source, "database user") == 0)
        return "the role's default in this database (ALTER ROLE ... IN DATABASE ... SET)";
    if (strcmp(source, "client") == 0)
        return "the connection's options (PGOPTIONS)";
    if (strcmp(source, "session") == 0)
        return "SET in the reviewing session";
    return source;
}

Timeout *local_slot(ScriptState *state, bool lock)
{
    return lock ? &state->local.lock : &state->local.statement;
}

Timeout *session_slot(ScriptState *state, bool lock)
{
    return lock ? &state->session.lock : &state->session.statement;
}

bool parse_ms(Node *arg, int *ms)
{
    if (arg == nullptr || !IsA(arg, A_Const))
        return false;
    Node *v = reinterpret_cast<Node *>(&castNode(A_Const, arg)->val);
    if (IsA(v, Integer)) {
        *ms = intVal(v);
        return true;
    }
    if (IsA(v, String) || IsA(v, Float)) {
        const char *hint = nullptr;
        return parse_int(IsA(v, String) ? strVal(v) : castNode(Float, v)->fval, ms, GUC_UNIT_MS, &hint);
    }
    return false;
}

/* A set_config() argument written as a constant string. */
const char *const_text(Node *arg)
{
    if (arg != nullptr && IsA(arg, TypeCast))
        arg = castNode(TypeCast, arg)->arg;
    if (arg == nullptr || !IsA(arg, A_Const))
        return nullptr;
    Node *v = reinterpret_cast<Node *>(&castNode(A_Const, arg)->val);
    if (IsA(v, String))
        return strVal(v);
    if (IsA(v, Integer))
        return psprintf("%d", intVal(v));
    return nullptr;
}

bool const_bool(Node *arg, bool *out)
{
#if MG_HAVE_BOOLEAN_NODE
    if (arg != nullptr && IsA(arg, A_Const)) {
        Node *v = reinterpret_cast<Node *>(&castNode(A_Const, arg)->val);
        if (IsA(v, Boolean)) {
            *out = boolVal(v);
            return true;
        }
    }
#endif
    const char *text = const_text(arg);
    return text != nullptr && parse_bool(text, out);
}

void set_value(ScriptState *state, bool lock, bool is_local, int ms, char *source)
{
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    if (is_local) {
        if (state->in_block) /* outside a block SET LOCAL ends with its own statement */
            *local_slot(state, lock) = Timeout{ms, pstrdup(source)};
    } else {
        *session_slot(state, lock) = Timeout{ms, pstrdup(source)};
        local_slot(state, lock)->ms = -1;
    }
    MemoryContextSwitchTo(old);
}

void set_search_path(ScriptState *state, List *args)
{
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    List *names = NIL;
    ListCell *lc;
    foreach (lc, args) {
        const char *text = const_text(static_cast<Node *>(lfirst(lc)));
        if (text == nullptr)
            continue;
        /* search_path is a quoted list: every argument is one schema name, as written */
        if (strcmp(text, "$user") == 0)
            text = GetUserNameFromId(GetUserId(), true);
        if (text != nullptr)
            names = lappend(names, pstrdup(text));
    }
    state->path = names;
    state->memo_count = 0;
    MemoryContextSwitchTo(old);
}

} // namespace

void timeouts_init(ScriptState *state)
{
    state->session.lock = Timeout{0, pstrdup("not set")};
    state->session.statement = Timeout{0, pstrdup("not set")};
    state->reset = state->session;
    /* the values in force and where they come from, as pg_settings shows them */
    int count;
    struct config_generic **vars = mg_guc_variables(&count);
    for (int i = 0; i < count; i++) {
        struct config_generic *gen = vars[i];
        bool lock = strcmp(gen->name, "lock_timeout") == 0;
        if ((!lock && strcmp(gen->name, "statement_timeout") != 0) || gen->vartype != PGC_INT)
            continue;
        const struct config_int *var = reinterpret_cast<const struct config_int *>(gen);
        int ms = *var->variable;
        Timeout now = {ms, pstrdup(ms > 0 ? describe_source(GucSource_Names[gen->source]) : "not set")};
        Timeout reset = {var->reset_val,
                         pstrdup(var->reset_val > 0 ? "the session's default (RESET)" : "not set")};
        if (lock) {
            state->session.lock = now;
            state->reset.lock = reset;
        } else {
            state->session.statement = now;
            state->reset.statement = reset;
        }
    }
    state->local.lock.ms = -1;
    state->local.statement.ms = -1;
    state->at_begin = state->session;
}

void replay_set(ScriptState *state, VariableSetStmt *set, const Statement *st)
{
    if (set->kind == VAR_RESET_ALL) {
        timeouts_reset_all(state);
        return;
    }
    if (set->name == nullptr)
        return;
    if (strcmp(set->name, "search_path") == 0) {
        if (set->kind == VAR_SET_VALUE)
            set_search_path(state, set->args);
        return;
    }
    bool lock = strcmp(set->name, "lock_timeout") == 0;
    if (!lock && strcmp(set->name, "statement_timeout") != 0)
        return;
    int ms;
    switch (set->kind) {
    case VAR_SET_VALUE:
        if (set->args == NIL || !parse_ms(static_cast<Node *>(linitial(set->args)), &ms))
            return;
        set_value(state, lock, set->is_local, ms,
                  psprintf("%s on line %d of the script", set->is_local ? "SET LOCAL" : "SET", st->line));
        break;
    case VAR_SET_DEFAULT:
    case VAR_RESET: {
        Timeout r = lock ? state->reset.lock : state->reset.statement;
        set_value(state, lock, set->is_local, r.ms,
                  r.ms > 0 ? psprintf("RESET on line %d of the script (%s)", st->line, r.source)
                           : pstrdup(r.source));
        break;
    }
    default:
        break;
    }
}

void replay_set_config_calls(ScriptState *state, Node *select, const Statement *st)
{
    SelectStmt *sel = castNode(SelectStmt, select);
    ListCell *lc;
    foreach (lc, sel->targetList) {
        ResTarget *rt = lfirst_node(ResTarget, lc);
        if (rt->val == nullptr || !IsA(rt->val, FuncCall))
            continue;
        FuncCall *fc = castNode(FuncCall, rt->val);
        const char *fname = strVal(llast(fc->funcname));
        if (strcmp(fname, "set_config") != 0 || list_length(fc->args) != 3)
            continue;
        const char *name = const_text(static_cast<Node *>(linitial(fc->args)));
        const char *value = const_text(static_cast<Node *>(lsecond(fc->args)));
        bool is_local;
        if (name == nullptr || value == nullptr || !const_bool(static_cast<Node *>(lthird(fc->args)), &is_local))
            continue;
        bool lock = pg_strcasecmp(name, "lock_timeout") == 0;
        if (!lock && pg_strcasecmp(name, "statement_timeout") != 0)
            continue;
        int ms;
        const char *hint = nullptr;
        if (!parse_int(value, &ms, GUC_UNIT_MS, &hint))
            continue;
        set_value(state, lock, is_local, ms, psprintf("set_config() on line %d of the script", st->line));
    }
}

void timeouts_begin(ScriptState *state)
{
    state->at_begin = state->session;
    state->local.lock.ms = -1;
    state->local.statement.ms = -1;
}

void timeouts_reset_all(ScriptState *state)
{
    state->session = state->reset;
    state->local.lock.ms = -1;
    state->local.statement.ms = -1;
}

void timeouts_savepoint(ScriptState *state, TransactionStmtKind kind, const char *name)
{
    if (!state->in_block || name == nullptr)
        return;
    if (kind == TRANS_STMT_SAVEPOINT) {
        MemoryContext old = MemoryContextSwitchTo(keep_context());
        SavepointTimeouts *sp = static_cast<SavepointTimeouts *>(palloc(sizeof(SavepointTimeouts)));
        *sp = SavepointTimeouts{pstrdup(name), state->session, state->local};
        state->savepoints = lcons(sp, state->savepoints);
        MemoryContextSwitchTo(old);
        return;
    }
    /* the innermost savepoint of that name; those set after it end (ROLLBACK TO keeps it, RELEASE ends it too) */
    int at = 0;
    ListCell *lc;
    foreach (lc, state->savepoints) {
        if (strcmp(static_cast<SavepointTimeouts *>(lfirst(lc))->name, name) == 0)
            break;
        at++;
    }
    if (at >= list_length(state->savepoints))
        return; /* no such savepoint: PostgreSQL refuses the statement */
    const SavepointTimeouts *sp = static_cast<const SavepointTimeouts *>(list_nth(state->savepoints, at));
    if (kind == TRANS_STMT_ROLLBACK_TO) {
        state->session = sp->session;
        state->local = sp->local;
    } else if (kind == TRANS_STMT_RELEASE) {
        at++;
    } else {
        return;
    }
    for (int i = 0; i < at; i++)
        state->savepoints = list_delete_first(state->savepoints);
}

void timeouts_end(ScriptState *state, bool commit)
{
    state->savepoints = NIL;
    state->local.lock.ms = -1;
    state->local.statement.ms = -1;
    if (!commit)
        state->session = state->at_begin;
}

const Timeout *lock_wait_limit(const ScriptState *state, const char **setting)
{
    const Timeout *lock = state->local.lock.ms >= 0 ? &state->local.lock : &state->session.lock;
    const Timeout *stmt = state->local.statement.ms >= 0 ? &state->local.statement : &state->session.statement;
    if (lock->ms > 0 || stmt->ms <= 0) {
        *setting = "lock_timeout";
        return lock;
    }
    *setting = "statement_timeout";
    return stmt;
}

} // namespace mg::review
