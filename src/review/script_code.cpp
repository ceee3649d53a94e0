/* script_code.cpp — see script_code.h. */
#include "common/bridge.h"
#include "common/user_code.h"
#include "review/live_names.h"
#include "review/locks.h"
#include "review/rules.h"
#include "review/script_code.h"
#include "review/subxact.h"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "parser/parse_func.h"
#include "utils/fmgroids.h"
}

namespace mg::review {
namespace {

constexpr int16 kDmlEvents = TRIGGER_TYPE_INSERT | TRIGGER_TYPE_UPDATE | TRIGGER_TYPE_DELETE;

void init_roles(ScriptState *state)
{
    if (state->roles_known)
        return;
    state->roles_known = true;
    state->may_replica = SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA;
    state->may_origin = !state->may_replica;
}

ScriptCode *add_code(ScriptState *state, Oid relid, bool rule, const char *name, const char *function, int16 events,
                     char fires, int stmt, bool created = false)
{
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ScriptCode *c = static_cast<ScriptCode *>(palloc0(sizeof(ScriptCode)));
    c->relid = relid;
    c->rule = rule;
    c->name = pstrdup(name);
    c->function = function ? pstrdup(function) : nullptr;
    c->events = events;
    c->fires = fires;
    c->stmt = stmt;
    c->created = created;
    state->code = lappend(state->code, c);
    MemoryContextSwitchTo(old);
    return c;
}

/* The existing table rv names at this point of the script (InvalidOid: created by it, or missing). */
Oid existing_table(ScriptState *state, const RangeVar *rv)
{
    if (rv == nullptr)
        return InvalidOid;
    RelRef ref = resolve_relation(state, rv);
    return ref.state == RelState::existing ? ref.relid : InvalidOid;
}

int16 rule_events(CmdType event)
{
    switch (event) {
    case CMD_INSERT:
        return TRIGGER_TYPE_INSERT;
    case CMD_UPDATE:
        return TRIGGER_TYPE_UPDATE;
    case CMD_DELETE:
        return TRIGGER_TYPE_DELETE;
    default:
        return 0; /* ON SELECT: a view's rule */
    }
}

void create_trigger(ScriptState *state, Statement *st, CreateTrigStmt *t)
{
    Oid relid = existing_table(state, t->relation);
    if (!OidIsValid(relid) || (t->events & kDmlEvents) == 0)
        return;
    /* a built-in trigger function (suppress_redundant_updates_trigger, ...) computes nothing unseen */
    Oid f = LookupFuncName(t->funcname, 0, nullptr, true);
    if (OidIsValid(f) && is_builtin_function(f))
        return;
    add_code(state, relid, false, t->trigname,
             OidIsValid(f) ? format_procedure_qualified(f) : psprintf("%s()", NameListToString(t->funcname)),
             t->events & kDmlEvents, TRIGGER_FIRES_ON_ORIGIN, st->number, true);
}

/* ENABLE [ALWAYS | REPLICA] TRIGGER name | ALL | USER: the catalog's triggers of relid it enables. */
void enable_catalog_triggers(ScriptState *state, Statement *st, Oid relid, const char *name, bool user_only,
                             char fires)
{
    Relation tgrel = table_open(TriggerRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
    SysScanDesc scan = systable_beginscan(tgrel, TriggerRelidNameIndexId, true, nullptr, 1, &key);
    HeapTuple tup;
    while (HeapTupleIsValid(tup = systable_getnext(scan))) {
        Form_pg_trigger t = reinterpret_cast<Form_pg_trigger>(GETSTRUCT(tup));
        if (name != nullptr && strcmp(NameStr(t->tgname), name) != 0)
            continue;
        if ((user_only && t->tgisinternal) || (t->tgtype & kDmlEvents) == 0 || is_builtin_function(t->tgfoid))
            continue;
        add_code(state, relid, false, NameStr(t->tgname), format_procedure_qualified(t->tgfoid),
                 t->tgtype & kDmlEvents, fires, st->number);
    }
    systable_endscan(scan);
    table_close(tgrel, AccessShareLock);
}

/* ENABLE / DISABLE of the script's own rules and triggers on relid (name nullptr: every trigger). */
void set_script_code(ScriptState *state, Oid relid, bool rule, const char *name, char fires)
{
    ListCell *lc;
    foreach (lc, state->code) {
        ScriptCode *c = static_cast<ScriptCode *>(lfirst(lc));
        if (c->relid == relid && c->rule == rule && (name == nullptr || strcmp(c->name, name) == 0))
            c->fires = fires;
    }
}

void alter_table(ScriptState *state, Statement *st, AlterTableStmt *at)
{
    Oid relid = existing_table(state, at->relation);
    if (!OidIsValid(relid))
        return;
    ListCell *lc;
    foreach (lc, at->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        char fires = 0;
        bool rule = false, all = false, user = false;
        switch (cmd->subtype) {
        case AT_EnableTrig:
            fires = TRIGGER_FIRES_ON_ORIGIN;
            break;
        case AT_EnableAlwaysTrig:
            fires = TRIGGER_FIRES_ALWAYS;
            break;
        case AT_EnableReplicaTrig:
            fires = TRIGGER_FIRES_ON_REPLICA;
            break;
        case AT_EnableTrigAll:
            fires = TRIGGER_FIRES_ON_ORIGIN, all = true;
            break;
        case AT_EnableTrigUser:
            fires = TRIGGER_FIRES_ON_ORIGIN, all = user = true;
            break;
        case AT_DisableTrig:
            set_script_code(state, relid, false, cmd->name, TRIGGER_DISABLED);
            continue;
        case AT_DisableTrigAll:
        case AT_DisableTrigUser:
            set_script_code(state, relid, false, nullptr, TRIGGER_DISABLED);
            continue;
        case AT_EnableRule:
            fires = TRIGGER_FIRES_ON_ORIGIN, rule = true;
            break;
        case AT_EnableAlwaysRule:
            fires = TRIGGER_FIRES_ALWAYS, rule = true;
            break;
        case AT_EnableReplicaRule:
            fires = TRIGGER_FIRES_ON_REPLICA, rule = true;
            break;
        case AT_DisableRule:
            set_script_code(state, relid, true, cmd->name, TRIGGER_DISABLED);
            continue;
        default:
            continue;
        }
        const char *name = all ? nullptr : cmd->name;
        set_script_code(state, relid, rule, name, fires);
        if (rule)
            add_code(state, relid, true, cmd->name, nullptr, kDmlEvents, fires, st->number);
        else
            enable_catalog_triggers(state, st, relid, name, user, fires);
    }
}

/* session_replication_role's new value (nullptr: not that setting); *local: until the end of the block. */
const char *role_value(const char *name, Node *value)
{
    if (name == nullptr || pg_strcasecmp(name, "session_replication_role") != 0)
        return nullptr;
    if (value == nullptr)
        return "origin"; /* RESET, DEFAULT */
    if (IsA(value, A_Const) && IsA(&castNode(A_Const, value)->val, String))
        return strVal(&castNode(A_Const, value)->val);
    return "replica"; /* not a constant: may be replica */
}

void set_role(ScriptState *state, const char *value, bool local)
{
    init_roles(state);
    bool replica = pg_strcasecmp(value, "replica") == 0;
    if (replica) {
        state->may_replica = true;
        /* a session-wide SET outside a block holds for sure from here on */
        if (!local && !state->in_block)
            state->may_origin = false;
    } else {
        state->may_origin = true;
        if (!local && !state->in_block)
            state->may_replica = false;
    }
}

/* The constant arguments of set_config(name, value, is_local) calls in a SELECT. */
struct SetConfigCalls {
    List *names;   /* char * */
    List *values;  /* Node * */
    List *locals;  /* int */
};

bool set_config_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, FuncCall)) {
        FuncCall *fc = castNode(FuncCall, node);
        const char *fname = strVal(llast(fc->funcname));
        if (strcmp(fname, "set_config") == 0 && list_length(fc->args) == 3) {
            Node *name = static_cast<Node *>(linitial(fc->args));
            if (IsA(name, A_Const) && IsA(&castNode(A_Const, name)->val, String)) {
                SetConfigCalls *calls = static_cast<SetConfigCalls *>(context);
                Node *local = static_cast<Node *>(lthird(fc->args));
                bool is_local = !(IsA(local, A_Const) && IsA(&castNode(A_Const, local)->val, Boolean) &&
                                  !boolVal(&castNode(A_Const, local)->val));
                calls->names = lappend(calls->names, strVal(&castNode(A_Const, name)->val));
                calls->values = lappend(calls->values, lsecond(fc->args));
                calls->locals = lappend_int(calls->locals, is_local);
            }
        }
    }
    return raw_expression_tree_walker(node, MG_WALKER(set_config_walker), context);
}

SetConfigCalls set_config_calls(Node *stmt)
{
    SetConfigCalls calls = {NIL, NIL, NIL};
    if (IsA(stmt, SelectStmt))
        set_config_walker(stmt, &calls);
    return calls;
}

/* Each session_replication_role value the statement sets (fn(value, local)). */
template <typename Fn>
void for_each_role_set(Node *stmt, Fn fn)
{
    if (IsA(stmt, VariableSetStmt)) {
        VariableSetStmt *vs = castNode(VariableSetStmt, stmt);
        Node *value = nullptr;
        if (vs->kind == VAR_SET_VALUE && vs->args != NIL)
            value = static_cast<Node *>(linitial(vs->args));
        else if (vs->kind != VAR_SET_DEFAULT && vs->kind != VAR_RESET)
            return;
        if (const char *v = role_value(vs->name, value))
            fn(v, vs->is_local);
        return;
    }
    SetConfigCalls calls = set_config_calls(stmt);
    for (int i = 0; i < list_length(calls.names); i++)
        if (const char *v = role_value(static_cast<char *>(list_nth(calls.names, i)),
                                       static_cast<Node *>(list_nth(calls.values, i))))
            fn(v, list_nth_int(calls.locals, i) != 0);
}

const char *fires_text(char fires)
{
    switch (fires) {
    case TRIGGER_FIRES_ALWAYS:
        return "ENABLE ALWAYS";
    case TRIGGER_FIRES_ON_REPLICA:
        return "ENABLE REPLICA";
    default:
        return "enabled";
    }
}

/* CREATE RULE: its actions, judged by the guard's classifier like the DML they are. */
void review_rule(Statement *st, ScriptState *state, RuleStmt *rs)
{
    Oid relid = existing_table(state, rs->relation);
    if (rule_events(rs->event) == 0)
        return;
    /* a rule on a table the script creates runs its actions on existing tables just the same */
    const char *on = OidIsValid(relid) ? qualified_name(relid) : nullptr;
    if (on == nullptr) {
        RelRef ref = resolve_relation(state, rs->relation);
        if (ref.state != RelState::created)
            return;
        on = ref.name != nullptr ? ref.name : quote_identifier(rs->relation->relname);
    }
    const char *route = psprintf("an action of rule %s on %s, run with every %s on it", quote_identifier(rs->rulename),
                                 on,
                                 rs->event == CMD_INSERT ? "INSERT" : rs->event == CMD_UPDATE ? "UPDATE" : "DELETE");
    ListCell *lc;
    foreach (lc, rs->actions) {
        Node *action = static_cast<Node *>(lfirst(lc));
        if (!is_dml(action))
            continue;
        Node *live = with_live_names(state, action);
        List *volatile matches = NIL;
        volatile bool classified = false;
        ErrorData *err = attempt([&] {
            matches = classify_dml(analyze_statement(live, st));
            classified = true;
        });
        if (classified) {
            report_guard(st, matches, route);
            continue;
        }
        /* NEW and OLD mean nothing outside the rule: said, not guessed */
        add_finding(st, "opaque_code", Severity::warn,
                    psprintf("%s: the review could not analyse it on its own (%s), and it runs with every "
                             "statement that fires the rule",
                             route, err->message),
                    "Review the rule's action as the statement it is, or write the change out in the migration.");
    }
}

void review_role(Statement *st, ScriptState *state)
{
    bool replica = false, local = false;
    for_each_role_set(st->stmt, [&](const char *v, bool is_local) {
        if (pg_strcasecmp(v, "replica") == 0) {
            replica = true;
            local = is_local;
        }
    });
    if (!replica)
        return;
    add_finding(
        st, "session_replication_role", Severity::danger,
        psprintf("session_replication_role = replica from here on (%s): foreign keys are not checked (their "
                 "triggers do not fire), ordinary triggers and rules do not fire, and those enabled REPLICA fire "
                 "instead: rows that break a foreign key can be written, and nothing checks them later",
                 local || state->in_block ? "until the end of the transaction block, or of this statement outside one"
                                          : "for the rest of the session"),
        "Leave session_replication_role alone in a migration. If a bulk load really needs it, RESET it right "
        "after the load and look for orphans of every foreign key of the tables loaded before deploying.");
}

void review_prepare(Statement *st, ScriptState *state, TransactionStmt *ts)
{
    if (!state->in_block)
        return; /* outside a block PostgreSQL only warns: no transaction in progress */
    /* every lock the block's statements take on existing relations, strongest per relation */
    List *oids = NIL, *modes = NIL;
    ListCell *lc;
    foreach (lc, state->block_stmts) {
        const Statement *b = static_cast<const Statement *>(lfirst(lc));
        for (int i = 0; i < list_length(b->locked_oids); i++) {
            Oid relid = list_nth_oid(b->locked_oids, i);
            int mode = list_nth_int(b->locked_modes, i);
            int at = -1;
            for (int j = 0; j < list_length(oids); j++)
                if (list_nth_oid(oids, j) == relid)
                    at = j;
            if (at < 0) {
                oids = lappend_oid(oids, relid);
                modes = lappend_int(modes, mode);
            } else if (mode > list_nth_int(modes, at)) {
                list_nth_cell(modes, at)->int_value = mode;
            }
        }
    }
    const char *gid = quote_literal_cstr(ts->gid ? ts->gid : "");
    if (oids == NIL) {
        add_finding(st, "prepared_transaction", Severity::warn,
                    psprintf("PREPARE TRANSACTION %s ends the block without committing it: the prepared transaction "
                             "outlives the script with every lock it took and its transaction ID (which holds back "
                             "VACUUM) until COMMIT PREPARED or ROLLBACK PREPARED %s",
                             gid, gid),
                    "End the block with COMMIT.");
        return;
    }
    StringInfoData held;
    initStringInfo(&held);
    for (int i = 0; i < list_length(oids); i++) {
        Oid relid = list_nth_oid(oids, i);
        LOCKMODE mode = list_nth_int(modes, i);
        appendStringInfo(&held, "%s%s on %s", i > 0 ? ", " : "", lock_name(mode), qualified_name(relid));
        note_lock(st, relid, mode);
    }
    add_finding(st, "prepared_transaction", Severity::danger,
                psprintf("PREPARE TRANSACTION %s ends the block without committing it: the prepared transaction "
                         "keeps its locks after the script ends, until someone runs COMMIT PREPARED or ROLLBACK "
                         "PREPARED %s (a restart does not release them): %s; every statement that conflicts with "
                         "them waits until then",
                         gid, gid, held.data),
                "End the block with COMMIT (PREPARE TRANSACTION belongs to a transaction manager that commits "
                "at once).");
}

} // namespace

void replication_roles(ScriptState *state, bool *origin, bool *replica)
{
    init_roles(state);
    *origin = state->may_origin;
    *replica = state->may_replica;
}

bool code_fires(ScriptState *state, char fires)
{
    init_roles(state);
    return fires == TRIGGER_FIRES_ALWAYS || (fires == TRIGGER_FIRES_ON_ORIGIN && state->may_origin) ||
           (fires == TRIGGER_FIRES_ON_REPLICA && state->may_replica);
}

bool report_script_code(Statement *st, ScriptState *state, Oid relid, int16 events)
{
    ListCell *lc;
    foreach (lc, state->code) {
        const ScriptCode *c = static_cast<const ScriptCode *>(lfirst(lc));
        if (c->relid != relid || (c->events & events) == 0 || !code_fires(state, c->fires))
            continue;
        if (c->rule)
            add_finding(st, "opaque_code", Severity::warn,
                        psprintf("it fires rule %s on %s (%s by statement %d), which the catalog does not hold "
                                 "yet: its actions run with this statement (they are judged on the CREATE RULE; a "
                                 "rule enabled by the script is not read)",
                                 quote_identifier(c->name), qualified_name(relid),
                                 c->created ? "created" : fires_text(c->fires), c->stmt),
                        "Write out in the migration what the rule does, so that it can be reviewed.");
        else
            add_finding(st, "opaque_code", Severity::warn,
                        psprintf("it calls %s through trigger %s on %s (%s by statement %d): the review does not "
                                 "run it and cannot see what it does (the guard still judges each statement it "
                                 "runs)",
                                 c->function, quote_identifier(c->name), qualified_name(relid),
                                 c->created ? "created" : fires_text(c->fires), c->stmt),
                        "Write out in the migration what the trigger's function does, so that it can be reviewed "
                        "(or review the function's body before deploying).");
        return true;
    }
    return false;
}

void replay_script_code(ScriptState *state, Statement *st)
{
    Node *stmt = st->stmt;
    switch (nodeTag(stmt)) {
    case T_CreateTrigStmt:
        create_trigger(state, st, castNode(CreateTrigStmt, stmt));
        break;
    case T_RuleStmt: {
        RuleStmt *rs = castNode(RuleStmt, stmt);
        Oid relid = existing_table(state, rs->relation);
        if (OidIsValid(relid) && rule_events(rs->event) != 0 && rs->actions != NIL)
            add_code(state, relid, true, rs->rulename, nullptr, rule_events(rs->event), TRIGGER_FIRES_ON_ORIGIN,
                     st->number, true);
        break;
    }
    case T_AlterTableStmt:
        alter_table(state, st, castNode(AlterTableStmt, stmt));
        break;
    case T_CreateStmt:
        state->created_temp |= castNode(CreateStmt, stmt)->relation->relpersistence == RELPERSISTENCE_TEMP;
        break;
    case T_CreateTableAsStmt:
        state->created_temp |= castNode(CreateTableAsStmt, stmt)->into->rel->relpersistence == RELPERSISTENCE_TEMP;
        break;
    case T_ViewStmt:
        state->created_temp |= castNode(ViewStmt, stmt)->view->relpersistence == RELPERSISTENCE_TEMP;
        break;
    case T_CreateSeqStmt:
        state->created_temp |= castNode(CreateSeqStmt, stmt)->sequence->relpersistence == RELPERSISTENCE_TEMP;
        break;
    default:
        for_each_role_set(stmt, [&](const char *v, bool local) { set_role(state, v, local); });
        break;
    }
    /* the statements of the current block (PREPARE TRANSACTION keeps their locks) */
    if (IsA(stmt, TransactionStmt)) {
        TransactionStmtKind kind = castNode(TransactionStmt, stmt)->kind;
        if (kind != TRANS_STMT_SAVEPOINT && kind != TRANS_STMT_RELEASE && kind != TRANS_STMT_ROLLBACK_TO)
            state->block_stmts = NIL; /* a new block, or none */
        return;
    }
    if (state->in_block) {
        MemoryContext old = MemoryContextSwitchTo(keep_context());
        state->block_stmts = lappend(state->block_stmts, st);
        MemoryContextSwitchTo(old);
    }
}

void review_script_code(Statement *st, ScriptState *state)
{
    Node *stmt = st->stmt;
    if (IsA(stmt, RuleStmt)) {
        review_rule(st, state, castNode(RuleStmt, stmt));
        return;
    }
    if (IsA(stmt, TransactionStmt)) {
        TransactionStmt *ts = castNode(TransactionStmt, stmt);
        if (ts->kind == TRANS_STMT_PREPARE)
            review_prepare(st, state, ts);
        return;
    }
    review_role(st, state);
}

} // namespace mg::review
