/*
 * redact.cpp — password redaction with PostgreSQL's own lexer, so quoting
 * (E'', U&'', $$…$$, doubled quotes) cannot fool it.
 */
#include "common/bridge.h"
#include "audit/redact.h"

extern "C" {
#include "parser/scanner.h"
#include "parser/gram.h"
}

namespace mg {
namespace {

bool mentions_password(const char *sql)
{
    for (const char *p = sql; *p; p++)
        if ((*p == 'p' || *p == 'P') && pg_strncasecmp(p, "password", 8) == 0)
            return true;
    return false;
}

} // namespace

const char *redact_passwords(const char *sql, bool *redacted)
{
    if (redacted)
        *redacted = false;
    if (sql == nullptr || !mentions_password(sql))
        return sql; /* the common case: no lexing at all */

    core_yy_extra_type extra;
    core_yyscan_t scanner = scanner_init(sql, &extra, &ScanKeywords, ScanKeywordTokens);
    StringInfoData out;
    initStringInfo(&out);
    int copied = 0;          /* bytes of sql already copied to out */
    bool after_password = false;
    int literal_start = -1;  /* location of a literal to hide, once its end is known */
    for (;;) {
        core_YYSTYPE lval;
        YYLTYPE loc;
        int tok = core_yylex(&lval, &loc, scanner);
        if (literal_start >= 0) {
            /* the literal ends where this token starts (or at the end) */
            int end = tok == 0 ? static_cast<int>(strlen(sql)) : loc;
            while (end > literal_start && isspace(static_cast<unsigned char>(sql[end - 1])))
                end--;
            appendBinaryStringInfo(&out, sql + copied, literal_start - copied);
            appendStringInfoString(&out, "'********'");
            copied = end;
            literal_start = -1;
            if (redacted)
                *redacted = true;
        }
        if (tok == 0)
            break;
        if (after_password && (tok == SCONST || tok == USCONST))
            literal_start = loc;
        after_password = tok == PASSWORD || (tok == IDENT && pg_strcasecmp(lval.str, "password") == 0);
    }
    scanner_finish(scanner);
    appendStringInfoString(&out, sql + copied);
    return out.data;
}

} // namespace mg
