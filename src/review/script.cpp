/* script.cpp — see script.h. */
#include "common/bridge.h"
#include "review/script.h"

extern "C" {
#include "parser/parser.h"
}

namespace mg::review {

Script *parse_script(const char *text, int len)
{
    Script *s = static_cast<Script *>(palloc0(sizeof(Script)));
    s->text = text;
    s->len = len;
    s->sql = pnstrdup(text, len);
    /* a UTF-8 byte order mark opening the file: psql skips it (blanked, so that offsets still hold) */
    if (len >= 3 && memcmp(s->sql, "\xEF\xBB\xBF", 3) == 0)
        memset(s->sql, ' ', 3);
    s->error_location = -1;
    int lex_base = 0;
    MemoryContext cxt = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    /* the parser only allocates memory, but an ERROR is rolled back like any other */
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(cxt);
    PG_TRY();
    {
        s->metas = blank_meta_commands(s->sql, len, &lex_base, &s->copy_data);
        s->stmts = raw_parser(s->sql, RAW_PARSE_DEFAULT);
        ReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(cxt);
        CurrentResourceOwner = owner;
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        ErrorData *err = CopyErrorData();
        FlushErrorState();
        RollbackAndReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(cxt);
        CurrentResourceOwner = owner;
        /* an error about the text is a verdict on the script; running out of memory or a cancel stays an error */
        int category = ERRCODE_TO_CATEGORY(err->sqlerrcode);
        if (category == ERRCODE_INSUFFICIENT_RESOURCES || category == ERRCODE_OPERATOR_INTERVENTION ||
            category == ERRCODE_SYSTEM_ERROR || category == ERRCODE_INTERNAL_ERROR)
            ReThrowError(err);
        s->failed = true;
        s->error_message = err->message ? err->message : pstrdup("syntax error");
        if (err->cursorpos > 0)
            s->error_location = lex_base + byte_offset_of_char(s->sql + lex_base, len - lex_base, err->cursorpos - 1);
        s->stmts = NIL;
    }
    PG_END_TRY();
    return s;
}

Statement *make_statement(const Script *script, RawStmt *raw, int number, LineCounter *lines)
{
    Statement *st = static_cast<Statement *>(palloc0(sizeof(Statement)));
    int end = raw->stmt_len > 0 ? raw->stmt_location + raw->stmt_len : script->len;
    int start = skip_blanks(script->sql, raw->stmt_location, end);
    st->number = number;
    st->location = start;
    st->length = end - start;
    st->line = line_at(lines, start);
    st->text = trim_statement(script->text + start, end - start);
    st->stmt = raw->stmt;
    st->command_tag = GetCommandTagName(CreateCommandTag(raw->stmt));
    st->lock_mode = NoLock;
    return st;
}

} // namespace mg::review
