/*
 * check_migration.cpp — migrate_guard.check_migration(migration text,
 * probe boolean DEFAULT false) and migrate_guard.migration_verdict(...).
 *
 * The script is parsed with raw_parser (script.cpp) and never executed.
 * Statement by statement, in order: each rule family judges it against the
 * live catalog and the replayed effects of the statements before it, inside
 * a subtransaction that is always rolled back (subxact.h); then, with
 * probe => true, its data probes run; then its own effects are replayed
 * (replay.cpp) for the statements after it.  All along, the user-code
 * barrier (common/user_code.h) keeps any function defined in the database
 * from running.
 */
#include "common/bridge.h"
#include "common/ext_version.h"
#include "common/user_code.h"
#include "review/domain_literals.h"
#include "review/facts.h"
#include "review/no_wait.h"
#include "review/output.h"
#include "review/probes.h"
#include "review/rules.h"
#include "review/script.h"
#include "review/script_code.h"
#include "review/subxact.h"

extern "C" {
#include "executor/spi.h"
}

using namespace mg::review;

namespace {

/* Statements judged in one subtransaction (each may lock a few relations AccessShare until its end). */
constexpr int kBatch = 32;

/* Statements judged without the catalog: no subtransaction needed. */
bool needs_catalog(Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_TransactionStmt:
    case T_VariableSetStmt:
    case T_VariableShowStmt:
    case T_CreateFunctionStmt:
    case T_CommentStmt:
    case T_GrantStmt:
    case T_DoStmt:
    case T_CallStmt:
    case T_ViewStmt:
    case T_CreateSeqStmt:
    case T_CreateSchemaStmt:
    case T_CreateEnumStmt:
    case T_CreateDomainStmt:
    case T_CompositeTypeStmt:
    case T_CreateExtensionStmt:
    case T_PrepareStmt:
    case T_DeallocateStmt:
        return false;
    case T_SelectStmt:
        /* a writable CTE, or something that may call a function (`SELECT 1;` cannot) */
        return query_may_call(stmt);
    default:
        return true;
    }
}

/* Judges one statement; may ERROR (the caller runs it inside a subtransaction). */
void judge_statement(Statement *st, ScriptState *state)
{
    if (needs_catalog(st->stmt)) {
        refuse_domain_literals(st); /* parsing them could run a volatile built-in */
        claim_relations(st, state); /* never waits: the statement is not judged when one is locked now */
        review_guard(st, state, state->sql);
        review_reach(st, state);
        review_index(st, state);
        review_table(st, state);
        review_storage(st, state);
        review_calls(st, state);
    } else if (IsA(st->stmt, CommentStmt) || IsA(st->stmt, GrantStmt)) {
        review_guard(st, state, state->sql); /* on migrate_guard's own objects: guard_tamper */
    }
    review_effects(st, state); /* what the guard refuses at the point of effect */
    review_locks(st, state);
    review_script_code(st, state);
    review_fails(st, state);
    review_transaction_block(st, state);
    review_timeout(st, state);
}

Statement *bare_statement(int number, int line, char *text)
{
    Statement *st = static_cast<Statement *>(palloc0(sizeof(Statement)));
    st->number = number;
    st->line = line;
    st->text = text;
    st->lock_mode = NoLock;
    return st;
}

Statement *syntax_error_row(const Script *s)
{
    int number, start, end;
    int at = s->error_location >= 0 ? s->error_location : 0;
    statement_around(s->sql, s->len, at, &number, &start, &end);
    LineCounter lines;
    line_counter_init(&lines, s->sql);
    int line = line_at(&lines, s->error_location >= 0 ? s->error_location : start);
    Statement *st = bare_statement(number, line, trim_statement(s->text + start, end - start));
    add_finding(st, "syntax_error", Severity::blocked,
                psprintf("%s, on line %d: the script does not parse, so none of it was reviewed", s->error_message,
                         line),
                "Fix the statement: the review judges a script once all of it parses.");
    return st;
}

List *meta_rows(const Script *s)
{
    List *rows = NIL;
    LineCounter lines;
    line_counter_init(&lines, s->sql);
    ListCell *lc;
    foreach (lc, s->metas) {
        const MetaCommand *m = static_cast<const MetaCommand *>(lfirst(lc));
        int line = line_at(&lines, m->location);
        int name_len = 1;
        while (m->text[name_len] != '\0' && !isspace(static_cast<unsigned char>(m->text[name_len])))
            name_len++;
        char *name = pnstrdup(m->text, name_len);
        /* commands that run SQL the review cannot see, or run it elsewhere */
        bool includes = strncmp(name, "\\i", 2) == 0 || strcmp(name, "\\gexec") == 0 || strcmp(name, "\\!") == 0 ||
                        strcmp(name, "\\copy") == 0 || strcmp(name, "\\c") == 0 || strcmp(name, "\\connect") == 0;
        Statement *st = bare_statement(0, line, pstrdup(m->text));
        st->location = m->location;
        add_finding(st, "syntax_error", Severity::warn,
                    psprintf("psql meta-command %s on line %d is not SQL: the review skips it%s", name, line,
                             includes ? ", and cannot see what it runs or where" : ""),
                    "Keep psql meta-commands out of the migration file (or review what they include separately).");
        rows = lappend(rows, st);
    }
    return rows;
}

/*
 * COPY ... FROM STDIN whose data runs to the end of the script (no line \.,
 * or binary format): psql sends every later line as data, so nothing after
 * it runs as a statement — and none of it is reviewed as one.
 */
void copy_data_findings(List *rows, const Script *s)
{
    LineCounter lines;
    line_counter_init(&lines, s->sql);
    ListCell *lc;
    foreach (lc, s->copy_data) {
        const CopyData *cd = static_cast<const CopyData *>(lfirst(lc));
        if (cd->terminated)
            continue;
        int first = line_at(&lines, cd->start);
        int last = line_at(&lines, cd->end > cd->start ? cd->end - 1 : cd->start);
        char *where = first == last ? psprintf("line %d", first) : psprintf("lines %d to %d", first, last);
        ListCell *rc;
        foreach (rc, rows) {
            Statement *st = static_cast<Statement *>(lfirst(rc));
            if (st->location != cd->stmt_location)
                continue;
            add_finding(st, "unterminated_copy_data", Severity::warn,
                        cd->binary ? psprintf("COPY ... FROM STDIN in binary format: psql sends the rest of the "
                                              "script (%s) as its data, so none of it runs as a "
                                              "statement and the review does not read it as one",
                                              where)
                                   : psprintf("no line \\. ends the data of this COPY ... FROM STDIN: psql sends "
                                              "the rest of the script (%s) as its data, so none of it "
                                              "runs as a statement and the review does not read it as one",
                                              where),
                        "End the COPY data with a line holding only \\. (or load the data from a file of its own), "
                        "so that the statements after it run and are reviewed.");
            break;
        }
    }
}

/* Both lists in script order; merged by location. */
List *merge_by_location(List *a, List *b)
{
    List *out = NIL;
    ListCell *la = list_head(a), *lb = list_head(b);
    while (la != nullptr || lb != nullptr) {
        Statement *sa = la ? static_cast<Statement *>(lfirst(la)) : nullptr;
        Statement *sb = lb ? static_cast<Statement *>(lfirst(lb)) : nullptr;
        if (sb == nullptr || (sa != nullptr && sa->location <= sb->location)) {
            out = lappend(out, sa);
            la = lnext(a, la);
        } else {
            out = lappend(out, sb);
            lb = lnext(b, lb);
        }
    }
    return out;
}

/* The reviewed statements (Statement *), allocated in keep. */
List *review_script(const char *text, int len, bool probe, MemoryContext keep)
{
    set_keep_context(keep);
    facts_reset();
    MemoryContext old = MemoryContextSwitchTo(keep);
    Script *script = parse_script(text, len);
    List *metas = meta_rows(script);
    if (script->failed) {
        MemoryContextSwitchTo(old);
        return lappend(metas, syntax_error_row(script));
    }
    if (script->stmts == NIL) {
        copy_data_findings(metas, script);
        MemoryContextSwitchTo(old);
        return metas;
    }
    /* only the data probes run SQL */
    if (probe && SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "migrate_guard: SPI_connect failed");
    MemoryContextSwitchTo(keep);
    ScriptState *state = script_state_create(script->stmts); /* reads the caller's lock_timeout first */
    state->sql = script->sql;
    int guc_level = pin_lock_wait();
    domain_literals_begin();
    MemoryContext scratch = AllocSetContextCreate(keep, "migrate_guard review statement", ALLOCSET_DEFAULT_SIZES);
    LineCounter lines;
    line_counter_init(&lines, script->sql);
    int total = list_length(script->stmts);
    Statement **statements = static_cast<Statement **>(palloc(sizeof(Statement *) * total));
    for (int i = 0; i < total; i++)
        statements[i] = make_statement(script, list_nth_node(RawStmt, script->stmts, i), i + 1, &lines);
    /*
     * Statements are judged in batches, each inside one subtransaction that
     * is rolled back at its end (subxact.h: the locks and cache references
     * the judging took go with it); a statement whose judging fails ends its
     * batch, gets a not_reviewed finding, and the next batch starts after it.
     */
    int next = 0;
    while (next < total) {
        volatile int current = next;
        ErrorData *err = attempt([&] {
            for (int done = 0; current < total && done < kBatch; current++, done++) {
                CHECK_FOR_INTERRUPTS();
                Statement *st = statements[current];
                MemoryContextReset(scratch);
                MemoryContextSwitchTo(scratch);
                replay_begin_statement(state);
                judge_statement(st, state);
                if (probe)
                    run_probes(st, state);
                replay_statement(state, st);
                MemoryContextSwitchTo(keep);
            }
        });
        MemoryContextSwitchTo(keep);
        if (err != nullptr) {
            Statement *st = statements[current];
            report_not_reviewed(st, err);
            MemoryContextSwitchTo(scratch);
            attempt([&] { replay_statement(state, st); });
            MemoryContextSwitchTo(keep);
            current++;
        }
        next = current;
    }
    List *reviewed = NIL;
    for (int i = 0; i < total; i++)
        reviewed = lappend(reviewed, statements[i]);
    MemoryContextDelete(scratch);
    unpin_lock_wait(guc_level);
    if (probe)
        SPI_finish();
    MemoryContextSwitchTo(keep);
    List *all = merge_by_location(reviewed, metas);
    copy_data_findings(all, script);
    ListCell *lc;
    foreach (lc, all) {
        Statement *st = static_cast<Statement *>(lfirst(lc));
        if (st->findings == NIL)
            add_finding(st, nullptr, Severity::ok, nullptr);
    }
    MemoryContextSwitchTo(old);
    return all;
}

List *review_argument(FunctionCallInfo fcinfo, MemoryContext keep)
{
    if (PG_ARGISNULL(0))
        return NIL;
    bool probe = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
    text *migration = PG_GETARG_TEXT_PP(0);
    int len = VARSIZE_ANY_EXHDR(migration);
    const char *data = VARDATA_ANY(migration);
    if (memchr(data, '\0', len) != nullptr)
        ereport(ERROR, (errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE), errmsg("migration contains a NUL byte")));
    char *text = static_cast<char *>(MemoryContextAlloc(keep, len + 1));
    memcpy(text, data, len);
    text[len] = '\0';
    List *reviewed = NIL;
    /* no function defined in the database runs while the review does (common/user_code.h) */
    mg::with_user_code_barrier([&] { reviewed = review_script(text, len, probe, keep); });
    return reviewed;
}

} // namespace

MG_SQL_FUNCTION(mg_check_migration)
{
    mg::require_extension_version("check_migration()", "0.2.0");
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    MemoryContext keep = AllocSetContextCreate(CurrentMemoryContext, "migrate_guard review", ALLOCSET_DEFAULT_SIZES);
    List *statements = review_argument(fcinfo, keep);
    emit_rows(rsinfo, statements);
    set_keep_context(nullptr);
    facts_reset();
    MemoryContextDelete(keep);
    return (Datum) 0;
}

MG_SQL_FUNCTION(mg_migration_verdict)
{
    mg::require_extension_version("migration_verdict()", "0.2.0");
    MemoryContext keep = AllocSetContextCreate(CurrentMemoryContext, "migrate_guard review", ALLOCSET_DEFAULT_SIZES);
    List *statements = review_argument(fcinfo, keep);
    const char *word = verdict_word(worst_severity(statements));
    set_keep_context(nullptr);
    facts_reset();
    MemoryContextDelete(keep);
    PG_RETURN_TEXT_P(cstring_to_text(word));
}
