/* domain_literals.cpp — see domain_literals.h. */
#include "common/bridge.h"
#include "common/user_code.h"
#include "review/domain_literals.h"

extern "C" {
#include "parser/parser.h"
#include "parser/scanner.h"
#include "parser/gram.h"
}

namespace mg::review {
namespace {

Oid g_domain = InvalidOid;   /* a domain whose CHECK calls a volatile function, in this review */
Oid g_function = InvalidOid; /* ... and that function */

/* The text of an array, composite or range literal: '{...}', '(...)', '[...', 'empty' (blanks first). */
bool container_literal(const char *value)
{
    while (*value != '\0' && isspace(static_cast<unsigned char>(*value)))
        value++;
    return *value == '{' || *value == '(' || *value == '[' || pg_strncasecmp(value, "empty", 5) == 0;
}

} // namespace

void domain_literals_begin()
{
    g_domain = domain_with_volatile_check(&g_function);
}

void refuse_domain_literals(const Statement *st)
{
    if (!OidIsValid(g_domain) || st->text == nullptr)
        return;
    core_yy_extra_type extra;
    core_yyscan_t scanner = scanner_init(st->text, &extra, &ScanKeywords, ScanKeywordTokens);
    extra.escape_string_warning = false;
    const char *found = nullptr;
    for (;;) {
        core_YYSTYPE lval;
        YYLTYPE loc;
        int tok = core_yylex(&lval, &loc, scanner);
        if (tok == 0)
            break;
        if ((tok == SCONST || tok == USCONST) && lval.str != nullptr && container_literal(lval.str)) {
            found = pstrdup(lval.str);
            break;
        }
    }
    scanner_finish(scanner);
    if (found != nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_MIGRATE_GUARD_USER_CODE),
                 errmsg("its literal '%s' may be read by an input function "
                        "that checks domain %s, whose CHECK calls %s, a volatile function the review does not run",
                        found, format_type_be(g_domain), format_procedure_qualified(g_function))));
}

} // namespace mg::review
