/* sql_text.cpp — see sql_text.h. */
#include "common/bridge.h"
#include "review/sql_text.h"

#include <algorithm>

extern "C" {
#include "commands/defrem.h"
#include "mb/pg_wchar.h"
#include "parser/parser.h"
#include "parser/scanner.h"
}

namespace mg::review {
namespace {

/*
 * PostgreSQL's lexer (core_yylex) with an empty keyword list: every word
 * comes back as an identifier token (downcased in lval.str), every other
 * character as itself, literals and comments are consumed as PostgreSQL
 * consumes them.
 */
uint16 no_keyword_offsets[1] = {0};
int no_keyword_hash(const void *, size_t) { return 0; }
const ScanKeywordList kNoKeywords = {"", no_keyword_offsets, no_keyword_hash, 0, 0};

struct Lexer {
    core_yyscan_t scanner;
    core_yy_extra_type extra;
};

void lexer_begin(Lexer *lx, const char *text)
{
    lx->scanner = scanner_init(text, &lx->extra, &kNoKeywords, ScanKeywordTokens);
}

int lexer_next(Lexer *lx, int *location, const char **word)
{
    core_YYSTYPE lval;
    YYLTYPE lloc = 0;
    lval.str = nullptr;
    int tok = core_yylex(&lval, &lloc, lx->scanner);
    *location = lloc;
    *word = nullptr;
    if (tok >= 256 && lval.str != nullptr) {
        const char *p = lx->extra.scanbuf + lloc;
        unsigned char c = static_cast<unsigned char>(*p);
        /* an identifier, not a string constant (E'..', U&'..', B'..', X'..', N'..') */
        bool ident_start = isalpha(c) || c == '_' || c >= 0x80 || c == '"';
        bool literal_prefix = (p[1] == '\'' || (p[1] == '&' && (p[2] == '\'' || p[2] == '"')));
        if (ident_start && !(literal_prefix && c != '"'))
            *word = lval.str;
    }
    return tok;
}

void lexer_end(Lexer *lx)
{
    scanner_finish(lx->scanner);
}

bool is_ident_byte(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* End of the token that starts at p (an unquoted or quoted identifier). */
int word_end(const char *text, int start)
{
    int i = start;
    if (text[i] == '"') {
        for (i++; text[i] != '\0'; i++)
            if (text[i] == '"') {
                if (text[i + 1] == '"') {
                    i++;
                    continue;
                }
                return i + 1;
            }
        return i;
    }
    while (text[i] != '\0' && is_ident_byte(static_cast<unsigned char>(text[i])))
        i++;
    return i;
}

/* Start of the line after the one holding byte at (len: none). */
int line_after(const char *sql, int len, int at)
{
    const char *nl = static_cast<const char *>(memchr(sql + at, '\n', len - at));
    return nl ? static_cast<int>(nl - sql) + 1 : len;
}

/* Cheap test: could the script hold a COPY ... FROM STDIN at all? */
bool may_copy_from_stdin(const char *sql, int len)
{
    for (const char *p = sql; (p = static_cast<const char *>(memchr(p, 's', sql + len - p))) != nullptr; p++)
        if (p + 5 <= sql + len && pg_strncasecmp(p, "stdin", 5) == 0)
            return true;
    for (const char *p = sql; (p = static_cast<const char *>(memchr(p, 'S', sql + len - p))) != nullptr; p++)
        if (p + 5 <= sql + len && pg_strncasecmp(p, "stdin", 5) == 0)
            return true;
    return false;
}

/* "\copy t from stdin ...": psql's \copy reads its data from the script too. */
bool backslash_copy_from_stdin(const char *text)
{
    if (pg_strncasecmp(text, "\\copy", 5) != 0 || !isspace(static_cast<unsigned char>(text[5])))
        return false;
    for (const char *p = text + 5; (p = strcasestr(p, "from")) != nullptr; p += 4) {
        if (!isspace(static_cast<unsigned char>(p[-1])) || !isspace(static_cast<unsigned char>(p[4])))
            continue;
        const char *q = p + 4;
        while (isspace(static_cast<unsigned char>(*q)))
            q++;
        if (pg_strncasecmp(q, "stdin", 5) == 0 && (q[5] == '\0' || isspace(static_cast<unsigned char>(q[5]))))
            return true;
    }
    return false;
}

/*
 * Blanks the data lines from `from` on: up to and including a line holding
 * only \. (psql's end-of-data line, "\.\n" or "\.\r\n"), or, in binary
 * format or without that line, to the end of the script.  Records them and
 * returns where SQL resumes (the lexer restarts there).
 */
int skip_data_lines(char *sql, int len, int stmt_location, int from, bool binary, int *data_from, List **copy_data)
{
    from = std::max(from, *data_from);
    CopyData *cd = static_cast<CopyData *>(palloc0(sizeof(CopyData)));
    cd->stmt_location = stmt_location;
    cd->start = from;
    cd->end = len;
    cd->binary = binary;
    if (!binary) {
        for (int line = from; line < len; line = line_after(sql, len, line)) {
            if (sql[line] == '\\' && line + 1 < len && sql[line + 1] == '.' &&
                (line + 2 == len || sql[line + 2] == '\n' || (sql[line + 2] == '\r' && (line + 3 == len || sql[line + 3] == '\n')))) {
                cd->end = line_after(sql, len, line);
                cd->terminated = true;
                break;
            }
        }
    }
    for (int i = cd->start; i < cd->end; i++)
        if (sql[i] != '\n')
            sql[i] = ' ';
    *data_from = cd->end;
    if (cd->start < len)
        *copy_data = lappend(*copy_data, cd);
    return cd->end;
}

/*
 * The statement [stmt_start, end) begins with COPY: if PostgreSQL's parser
 * reads it as COPY ... FROM STDIN, its data lines start at `from` (skipped,
 * see skip_data_lines); returns where SQL resumes, -1 when it is no such COPY.
 */
int skip_copy_data(char *sql, int len, int stmt_start, int end, int from, int *data_from, List **copy_data)
{
    if (stmt_start < 0 || end <= stmt_start)
        return -1;
    char *text = pnstrdup(sql + stmt_start, end - stmt_start);
    CopyStmt *volatile copy = nullptr;
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        List *parsed = raw_parser(text, RAW_PARSE_DEFAULT);
        if (list_length(parsed) == 1 && IsA(linitial_node(RawStmt, parsed)->stmt, CopyStmt))
            copy = castNode(CopyStmt, linitial_node(RawStmt, parsed)->stmt);
    }
    PG_CATCH();
    {
        /* not a statement PostgreSQL accepts: the whole script's parse reports it */
        MemoryContextSwitchTo(cxt);
        FlushErrorState();
    }
    PG_END_TRY();
    if (copy == nullptr || !copy->is_from || copy->filename != nullptr || copy->is_program)
        return -1;
    bool binary = false;
    ListCell *lc;
    foreach (lc, copy->options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, "format") == 0 && opt->arg != nullptr && IsA(opt->arg, String) &&
            pg_strcasecmp(strVal(opt->arg), "binary") == 0)
            binary = true;
    }
    skip_data_lines(sql, len, stmt_start, from, binary, data_from, copy_data);
    /* SQL resumes right after the statement: the rest of its own line is SQL psql reads after the data */
    return end + 1;
}

} // namespace

int skip_blanks(const char *s, int pos, int end)
{
    while (pos < end) {
        unsigned char c = static_cast<unsigned char>(s[pos]);
        if (isspace(c)) {
            pos++;
        } else if (c == '-' && pos + 1 < end && s[pos + 1] == '-') {
            while (pos < end && s[pos] != '\n')
                pos++;
        } else if (c == '/' && pos + 1 < end && s[pos + 1] == '*') {
            int depth = 1; /* PostgreSQL's block comments nest */
            pos += 2;
            while (pos < end && depth > 0) {
                if (s[pos] == '/' && pos + 1 < end && s[pos + 1] == '*') {
                    depth++;
                    pos += 2;
                } else if (s[pos] == '*' && pos + 1 < end && s[pos + 1] == '/') {
                    depth--;
                    pos += 2;
                } else {
                    pos++;
                }
            }
        } else {
            break;
        }
    }
    return pos;
}

void line_counter_init(LineCounter *lc, const char *text)
{
    lc->text = text;
    lc->pos = 0;
    lc->line = 1;
}

int line_at(LineCounter *lc, int offset)
{
    if (offset < lc->pos)
        line_counter_init(lc, lc->text);
    const char *p = lc->text + lc->pos;
    const char *stop = lc->text + offset;
    while (p < stop) {
        const char *nl = static_cast<const char *>(memchr(p, '\n', stop - p));
        if (nl == nullptr)
            break;
        lc->line++;
        p = nl + 1;
    }
    lc->pos = offset;
    return lc->line;
}

int byte_offset_of_char(const char *s, int len, int charpos)
{
    int off = 0;
    for (int i = 0; i < charpos && off < len; i++)
        off += pg_mblen(s + off);
    return off < len ? off : len;
}

List *blank_meta_commands(char *sql, int len, int *lex_base, List **copy_data)
{
    List *found = NIL;
    *lex_base = 0;
    *copy_data = NIL;
    if (memchr(sql, '\\', len) == nullptr && !may_copy_from_stdin(sql, len))
        return NIL;
    int base = 0;
    bool again = true;
    /* the statement being read (kept across restarts of the lexer) */
    int stmt_start = -1;
    bool stmt_is_copy = false;
    int depth = 0;
    int data_from = 0; /* psql reads COPY data from here on (after earlier data) */
    while (again && base < len) {
        again = false;
        *lex_base = base;
        Lexer lx;
        lexer_begin(&lx, sql + base);
        int skip_until = -1;
        int loc;
        const char *word;
        int tok;
        while ((tok = lexer_next(&lx, &loc, &word)) != 0) {
            int at = base + loc;
            if (at < skip_until)
                continue;
            if (tok != '\\') {
                if (tok == '(')
                    depth++;
                else if (tok == ')' && depth > 0)
                    depth--;
                if (tok == ';' && depth == 0) {
                    /* psql sends the statement here: COPY ... FROM STDIN then reads its data */
                    int resume = stmt_is_copy ? skip_copy_data(sql, len, stmt_start, at, line_after(sql, len, at),
                                                               &data_from, copy_data)
                                              : -1;
                    stmt_start = -1;
                    stmt_is_copy = false;
                    depth = 0;
                    if (resume >= 0) {
                        base = resume;
                        again = true;
                        break;
                    }
                } else if (stmt_start < 0) {
                    stmt_start = at;
                    depth = tok == '(' ? 1 : 0;
                    stmt_is_copy = word != nullptr && strcmp(word, "copy") == 0;
                }
                continue;
            }
            int eol = at;
            while (eol < len && sql[eol] != '\n')
                eol++;
            MetaCommand *m = static_cast<MetaCommand *>(palloc(sizeof(MetaCommand)));
            m->location = at;
            m->text = pnstrdup(sql + at, eol - at);
            while (strlen(m->text) > 1 && isspace(static_cast<unsigned char>(m->text[strlen(m->text) - 1])))
                m->text[strlen(m->text) - 1] = '\0';
            found = lappend(found, m);
            /* psql sends the query buffer at \g, \gx, \gset, \gexec, \gdesc, \crosstabview, \watch */
            const char *name = sql + at + 1;
            bool ends_query = name[0] == 'g' || strncmp(name, "crosstabview", 12) == 0 ||
                              strncmp(name, "watch", 5) == 0;
            /* \copy ... from stdin reads its data from the script, as COPY ... FROM STDIN does */
            bool meta_copy = backslash_copy_from_stdin(m->text);
            /*
             * Arguments the lexer might choke on or read as the start of a
             * literal or comment (quotes, digits, paths, ...): lex again from
             * the next line.  Plain words (\set ON_ERROR_STOP on) are lexed
             * through.
             */
            bool tricky = false;
            for (int i = at + 1; i < eol; i++) {
                unsigned char c = static_cast<unsigned char>(sql[i]);
                if (!(isalpha(c) || c == '_' || c == ' ' || c == '\t' || c == '\r' || c == '=' || c == ','))
                    tricky = true;
            }
            int copy_stmt = stmt_is_copy && ends_query ? stmt_start : (meta_copy ? at : -1);
            bool copy_binary = meta_copy && strcasestr(m->text, "binary") != nullptr;
            sql[at] = ends_query ? ';' : ' ';
            for (int i = at + 1; i < eol; i++)
                sql[i] = ' ';
            if (ends_query) {
                stmt_start = -1;
                stmt_is_copy = false;
                depth = 0;
            }
            if (copy_stmt >= 0) {
                int resume = meta_copy ? skip_data_lines(sql, len, copy_stmt, line_after(sql, len, at), copy_binary,
                                                         &data_from, copy_data)
                                       : skip_copy_data(sql, len, copy_stmt, at, line_after(sql, len, at),
                                                        &data_from, copy_data);
                if (resume >= 0) {
                    base = std::max(resume, eol);
                    again = true;
                    break;
                }
            }
            if (tricky) {
                base = eol;
                again = true;
                break;
            }
            skip_until = eol;
        }
        lexer_end(&lx);
    }
    *lex_base = 0;
    return found;
}

void statement_around(const char *sql, int len, int location, int *number, int *start, int *end)
{
    *number = 1;
    *start = 0;
    *end = len;
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        Lexer lx;
        lexer_begin(&lx, sql);
        int depth = 0;
        int loc;
        const char *word;
        int tok;
        while ((tok = lexer_next(&lx, &loc, &word)) != 0) {
            if (tok == '(')
                depth++;
            else if (tok == ')' && depth > 0)
                depth--;
            else if (tok == ';' && depth == 0) {
                if (loc < location) {
                    (*number)++;
                    *start = loc + 1;
                } else {
                    *end = loc;
                    break;
                }
            }
        }
        lexer_end(&lx);
    }
    PG_CATCH();
    {
        /* the lexer stopped at the error: what was counted so far stands */
        MemoryContextSwitchTo(cxt);
        FlushErrorState();
    }
    PG_END_TRY();
    *start = skip_blanks(sql, *start, len);
    if (*end < *start)
        *end = *start;
}

char *insert_after_word(const char *text, const char *word, const char *insertion)
{
    Lexer lx;
    lexer_begin(&lx, text);
    int loc;
    const char *w;
    int tok;
    int at = -1;
    while ((tok = lexer_next(&lx, &loc, &w)) != 0)
        if (w != nullptr && text[loc] != '"' && strcmp(w, word) == 0) {
            at = word_end(text, loc);
            break;
        }
    lexer_end(&lx);
    if (at < 0)
        return nullptr;
    return psprintf("%.*s %s%s", at, text, insertion, text + at);
}

char *paren_group_text(const char *text, int from)
{
    Lexer lx;
    lexer_begin(&lx, text);
    int loc;
    const char *w;
    int tok;
    int open_at = -1;
    int depth = 0;
    char *out = nullptr;
    while ((tok = lexer_next(&lx, &loc, &w)) != 0) {
        if (loc < from)
            continue;
        if (tok == '(') {
            if (depth++ == 0)
                open_at = loc;
        } else if (tok == ')' && depth > 0) {
            if (--depth == 0) {
                out = pnstrdup(text + open_at + 1, loc - open_at - 1);
                break;
            }
        }
    }
    lexer_end(&lx);
    return out;
}

char *trim_statement(const char *text, int len)
{
    while (len > 0 && (isspace(static_cast<unsigned char>(text[len - 1])) || text[len - 1] == ';'))
        len--;
    return pnstrdup(text, len);
}

} // namespace mg::review
