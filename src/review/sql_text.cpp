/* sql_text.cpp — see sql_text.h. */
#include "common/bridge.h"
#include "review/sql_text.h"

extern "C" {
#include "mb/pg_wchar.h"
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

List *blank_meta_commands(char *sql, int len, int *lex_base)
{
    List *found = NIL;
    *lex_base = 0;
    if (memchr(sql, '\\', len) == nullptr)
        return NIL;
    int base = 0;
    bool again = true;
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
            if (at < skip_until || tok != '\\')
                continue;
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
            sql[at] = ends_query ? ';' : ' ';
            for (int i = at + 1; i < eol; i++)
                sql[i] = ' ';
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
