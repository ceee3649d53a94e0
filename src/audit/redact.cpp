/*
 * redact.cpp — secrets out of logged statements (see redact.h).
 *
 * Statements are split into tokens with PostgreSQL's own lexer, so quoting
 * (E'', U&'', $$…$$, doubled quotes, string continuation) cannot fool the
 * redaction.  The lexer depends on standard_conforming_strings, whose value at
 * parse time is not known when a row is written (a SET earlier in the same
 * string, or in a function, may have changed it since), so every text is
 * lexed both ways and the union of the spans either way finds is hidden.  A
 * way that fails to lex is ignored: the statement was parsed one of the two
 * ways.  Only lexer errors (syntax, escapes, encoding) are caught; any other
 * error is re-raised.
 */
#include "common/bridge.h"
#include "audit/redact.h"

extern "C" {
#include "parser/parser.h"
#include "parser/scanner.h"
#include "parser/gram.h"
}

namespace mg {
namespace {

/*
 * String literals examined as SQL, inside each other.  Each level lexes its
 * text twice (standard_conforming_strings on and off), so the work doubles
 * per level: deeper literals are not examined but, when they may hold a
 * secret, hidden whole (fail closed).
 */
constexpr int kMaxNesting = 4;
const char *const kHidden = "'********'";

struct Span {
    int start, end;          /* bytes [start, end) of the text */
    const char *replacement; /* what is written instead */
};

struct Spans {
    Span *items = nullptr;
    int n = 0, cap = 0;
};

void add_span(Spans *s, int start, int end, const char *replacement)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->items = static_cast<Span *>(s->items ? repalloc(s->items, sizeof(Span) * s->cap)
                                                : palloc(sizeof(Span) * s->cap));
    }
    s->items[s->n++] = Span{start, end, replacement};
}

bool starts_ci(const char *p, const char *word)
{
    return pg_strncasecmp(p, word, strlen(word)) == 0;
}

/* Cheap test before lexing: can the text hold a secret at all? */
bool may_hold_secret(const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case 'p':
        case 'P':
            if (starts_ci(p, "pass") || starts_ci(p, "pwd"))
                return true;
            break;
        case 's':
        case 'S':
            if (starts_ci(p, "secret"))
                return true;
            break;
        case 'm':
        case 'M':
            if (starts_ci(p, "mapping"))
                return true;
            break;
        case ':':
            if (p[1] == '/' && p[2] == '/')
                return true;
            break;
        case '&':  /* U&'...' literals and U&"..." identifiers hide words behind escapes */
        case '\\': /* E'...' escapes do too */
        case '%':  /* so does percent-encoding in URIs */
            return true;
        default:
            break;
        }
    }
    return false;
}

/*
 * For text that does not split into tokens: does a word a secret goes with
 * (password, passwd, pwd, secret, ...) stand before a quote, as in
 * PASSWORD '...', password = '...', secret := $$...$$?  ("The user's
 * password hash" does not.)
 */
bool may_assign_secret(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (!starts_ci(p, "pass") && !starts_ci(p, "pwd") && !starts_ci(p, "secret"))
            continue;
        const char *q = p;
        while (isalnum(static_cast<unsigned char>(*q)) || *q == '_')
            q++;
        while (isspace(static_cast<unsigned char>(*q)))
            q++;
        if (q[0] == ':' && q[1] == '=')
            q += 2;
        else if (*q == '=')
            q++;
        else if (pg_strncasecmp(q, "to", 2) == 0 && isspace(static_cast<unsigned char>(q[2])))
            q += 3;
        while (isspace(static_cast<unsigned char>(*q)))
            q++;
        if (*q == 'E' || *q == 'e')
            q++;
        else if ((q[0] == 'U' || q[0] == 'u') && q[1] == '&')
            q += 2;
        if (*q == '\'' || *q == '$')
            return true;
    }
    return false;
}

/* An option or setting name that holds a secret: password, passwd, passphrase, pwd, secret, ... */
bool secret_name(const char *name)
{
    if (name == nullptr)
        return false;
    if (pg_strcasecmp(name, "pwd") == 0)
        return true;
    for (const char *p = name; *p; p++)
        if (starts_ci(p, "pass") || starts_ci(p, "secret"))
            return true;
    return false;
}

const char *requote(const char *value, bool dollar)
{
    if (dollar) {
        for (int i = 0;; i++) {
            char *tag = i == 0 ? pstrdup("$mg$") : psprintf("$mg%d$", i);
            if (strstr(value, tag) == nullptr)
                return psprintf("%s%s%s", tag, value, tag);
        }
    }
    return quote_literal_cstr(value);
}

const char *redact_lexed(const char *sql, int depth, bool *redacted);

/*
 * The literal at [start, end) with value `value`: a span if it must be
 * hidden wholly (secret) or rewritten (it holds a connection string with a
 * password, or SQL that does).  Fail closed: a literal that may hold a
 * secret is hidden whole when it lies deeper than kMaxNesting, or when its
 * value is not SQL that splits into tokens and a secret's word stands before
 * a quote in it (a body never closed, check_function_bodies off).
 */
void resolve_literal(Spans *out, const char *sql, int start, int end, const char *value, bool secret, int depth)
{
    if (secret) {
        add_span(out, start, end, kHidden);
        return;
    }
    if (value == nullptr || !may_hold_secret(value))
        return;
    if (depth >= kMaxNesting) {
        add_span(out, start, end, kHidden); /* too deep to look into */
        return;
    }
    const char *v = value;
    bool changed = false;
    bool nested = false;
    const char *r = redact_lexed(value, depth + 1, &nested);
    if (r == nullptr && may_assign_secret(value)) {
        add_span(out, start, end, kHidden); /* not SQL we can split */
        return;
    }
    if (nested) {
        v = r;
        changed = true;
    }
    if (const char *c = redact_conninfo(v)) {
        v = c;
        changed = true;
    }
    if (changed)
        add_span(out, start, end, requote(v, sql[start] == '$'));
}

/*
 * The double-quoted identifier at [start, end): SQL text never puts a secret
 * there, but a body in another language does when it lexes as SQL
 * (plpy.execute("ALTER ROLE bob PASSWORD 'x'") is a quoted identifier to the
 * SQL lexer).  Hidden whole when a secret's word stands before a quote in
 * it, or it holds a connection string's password.
 */
void resolve_quoted_identifier(Spans *out, const char *sql, int start, int end)
{
    if (end - start < 2)
        return;
    StringInfoData raw;
    initStringInfo(&raw);
    for (int i = start + 1; i < end - 1; i++) {
        appendStringInfoChar(&raw, sql[i]);
        if (sql[i] == '"' && sql[i + 1] == '"')
            i++; /* "" stands for " */
    }
    if (!may_hold_secret(raw.data))
        return;
    if (may_assign_secret(raw.data) || redact_conninfo(raw.data) != nullptr)
        add_span(out, start, end, "\"********\"");
}

/* The spans to hide in `sql` lexed with the given standard_conforming_strings. */
void collect_spans(const char *sql, bool scs, int depth, Spans *out)
{
    core_yy_extra_type extra;
    core_yyscan_t scanner = scanner_init(sql, &extra, &ScanKeywords, ScanKeywordTokens);
    extra.standard_conforming_strings = scs;
    extra.escape_string_warning = false;          /* lexing twice must not warn */
    extra.backslash_quote = BACKSLASH_QUOTE_ON;   /* nor refuse \' */
    int len = static_cast<int>(strlen(sql));

    bool want_secret = false;  /* the next literal is a secret */
    bool may_skip = false;     /* '=', ':=' or TO may stand between the name and its literal */
    int mapping = 0;           /* 1 after USER, 2 after USER MAPPING */
    bool mapping_options = false;
    int lit_start = -1;        /* a literal waits for its end (where the next token starts) */
    const char *lit_value = nullptr;
    bool lit_secret = false;
    bool lit_opaque = false;   /* U&'...' with escapes: its value is not known here */
    int ident_start = -1;      /* a quoted identifier waits for its end */
    for (;;) {
        CHECK_FOR_INTERRUPTS(); /* a statement can be as long as a query may be */
        core_YYSTYPE lval;
        YYLTYPE loc;
        int tok = core_yylex(&lval, &loc, scanner);
        if (lit_start >= 0) {
            int end = tok == 0 ? len : loc;
            while (end > lit_start && isspace(static_cast<unsigned char>(sql[end - 1])))
                end--;
            /* a custom escape character (UESCAPE) makes a U& literal opaque too: hidden */
            bool opaque = lit_opaque || tok == UESCAPE;
            resolve_literal(out, sql, lit_start, end, lit_value, lit_secret || opaque, depth);
            lit_start = -1;
        }
        if (ident_start >= 0) {
            int end = tok == 0 ? len : loc;
            while (end > ident_start && isspace(static_cast<unsigned char>(sql[end - 1])))
                end--;
            resolve_quoted_identifier(out, sql, ident_start, end);
            ident_start = -1;
        }
        if (tok == 0)
            break;
        if (tok == SCONST || tok == USCONST) {
            lit_start = loc;
            lit_value = lval.str;
            lit_secret = want_secret || mapping_options;
            lit_opaque = tok == USCONST && strchr(lval.str, '\\') != nullptr; /* value not decoded here */
            want_secret = may_skip = false;
            continue;
        }
        if (tok == IDENT && sql[loc] == '"')
            ident_start = loc;
        if (want_secret && may_skip && (tok == '=' || tok == TO || tok == COLON_EQUALS)) {
            may_skip = false;
            continue;
        }
        /* a U&"..." identifier may spell any name: treat it as a secret's name */
        want_secret = tok == PASSWORD || tok == UIDENT || (tok == IDENT && secret_name(lval.str));
        may_skip = want_secret;
        if (tok == ';') {
            mapping = 0;
            mapping_options = false;
        } else if (tok == USER) {
            mapping = mapping == 2 ? 2 : 1;
        } else if (tok == MAPPING && mapping == 1) {
            mapping = 2;
        } else if (mapping == 1) {
            mapping = 0;
        }
        if (tok == OPTIONS && mapping == 2)
            mapping_options = true; /* every option of a user mapping is a credential */
    }
    scanner_finish(scanner);
}

/* Lexer errors mean "not lexable this way"; anything else is a real error. */
bool is_lexer_error(int sqlerrcode)
{
    int cls = ERRCODE_TO_CATEGORY(sqlerrcode);
    return cls == ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION || cls == ERRCODE_DATA_EXCEPTION ||
           cls == ERRCODE_FEATURE_NOT_SUPPORTED;
}

bool lex_spans(const char *sql, bool scs, int depth, Spans *out)
{
    MemoryContext mcx = CurrentMemoryContext;
    volatile bool ok = true;
    PG_TRY();
    {
        collect_spans(sql, scs, depth, out);
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(mcx);
        ErrorData *edata = CopyErrorData();
        if (!is_lexer_error(edata->sqlerrcode))
            PG_RE_THROW();
        FlushErrorState();
        FreeErrorData(edata);
        ok = false;
    }
    PG_END_TRY();
    return ok;
}

bool same_spans(const Spans &a, const Spans &b)
{
    if (a.n != b.n)
        return false;
    for (int i = 0; i < a.n; i++)
        if (a.items[i].start != b.items[i].start || a.items[i].end != b.items[i].end ||
            strcmp(a.items[i].replacement, b.items[i].replacement) != 0)
            return false;
    return true;
}

int by_start(const void *x, const void *y)
{
    const Span *a = static_cast<const Span *>(x), *b = static_cast<const Span *>(y);
    return a->start != b->start ? (a->start < b->start ? -1 : 1) : (a->end < b->end ? -1 : a->end > b->end);
}

/* The union of both lexings' spans: overlapping spans become one, wholly hidden. */
Spans merge(const Spans &a, const Spans &b)
{
    Spans all;
    for (int i = 0; i < a.n; i++)
        add_span(&all, a.items[i].start, a.items[i].end, a.items[i].replacement);
    for (int i = 0; i < b.n; i++)
        add_span(&all, b.items[i].start, b.items[i].end, b.items[i].replacement);
    if (all.n > 1)
        qsort(all.items, all.n, sizeof(Span), by_start);
    Spans out;
    for (int i = 0; i < all.n; i++) {
        const Span &s = all.items[i];
        if (out.n > 0 && s.start < out.items[out.n - 1].end) {
            Span &last = out.items[out.n - 1];
            bool same = s.start == last.start && s.end == last.end && strcmp(s.replacement, last.replacement) == 0;
            if (s.end > last.end)
                last.end = s.end;
            if (!same)
                last.replacement = kHidden;
            continue;
        }
        add_span(&out, s.start, s.end, s.replacement);
    }
    return out;
}

/* nullptr when `sql` does not lex either way */
const char *redact_lexed(const char *sql, int depth, bool *redacted)
{
    *redacted = false;
    Spans on, off;
    bool ok_on = lex_spans(sql, true, depth, &on);
    bool ok_off = lex_spans(sql, false, depth, &off);
    if (!ok_on && !ok_off)
        return nullptr;
    Spans spans = !ok_off ? on : !ok_on ? off : same_spans(on, off) ? on : merge(on, off);
    if (spans.n == 0)
        return sql;
    StringInfoData buf;
    initStringInfo(&buf);
    int copied = 0;
    for (int i = 0; i < spans.n; i++) {
        appendBinaryStringInfo(&buf, sql + copied, spans.items[i].start - copied);
        appendStringInfoString(&buf, spans.items[i].replacement);
        copied = spans.items[i].end;
    }
    appendStringInfoString(&buf, sql + copied);
    *redacted = true;
    return buf.data;
}

/* Hides [start, end) of buf (a copy of the value being redacted). */
void hide(StringInfo out, const char *src, int *copied, int start, int end)
{
    appendBinaryStringInfo(out, src + *copied, start - *copied);
    appendStringInfoString(out, "********");
    *copied = end;
}

bool decoded_mentions_password(const char *v)
{
    StringInfoData d;
    initStringInfo(&d);
    for (const char *p = v; *p; p++) {
        if (p[0] == '%' && isxdigit(static_cast<unsigned char>(p[1])) && isxdigit(static_cast<unsigned char>(p[2]))) {
            char hex[3] = {p[1], p[2], '\0'};
            appendStringInfoChar(&d, static_cast<char>(strtol(hex, nullptr, 16)));
            p += 2;
        } else {
            appendStringInfoChar(&d, *p);
        }
    }
    for (const char *p = d.data; *p; p++)
        if (starts_ci(p, "password"))
            return true;
    return false;
}

} // namespace

const char *redact_conninfo(const char *v)
{
    if (v == nullptr)
        return nullptr;
    /* percent-encoding can spell "password" in a URI's query: hide the whole value */
    if (strchr(v, '%') != nullptr && decoded_mentions_password(v)) {
        bool plain = false;
        for (const char *p = v; *p && !plain; p++)
            plain = starts_ci(p, "password");
        if (!plain)
            return "********";
    }
    StringInfoData out;
    initStringInfo(&out);
    int copied = 0;
    bool changed = false;
    int len = static_cast<int>(strlen(v));
    for (int i = 0; i < len; i++) {
        /* URI userinfo: scheme://user:password@host */
        if (v[i] == ':' && v[i + 1] == '/' && v[i + 2] == '/') {
            int auth = i + 3, auth_end = auth;
            while (auth_end < len && !strchr("/?# \t\r\n'\"", v[auth_end]))
                auth_end++;
            int at = -1;
            for (int k = auth; k < auth_end; k++)
                if (v[k] == '@')
                    at = k;
            if (at >= 0) {
                int colon = -1;
                for (int k = auth; k < at && colon < 0; k++)
                    if (v[k] == ':')
                        colon = k;
                if (colon >= 0 && colon + 1 <= at && colon + 1 >= copied) {
                    hide(&out, v, &copied, colon + 1, at);
                    changed = true;
                }
            }
            i = auth_end - 1;
            continue;
        }
        /* keyword/value: password = value (also a URI's ?password=value) */
        if ((v[i] == 'p' || v[i] == 'P') && starts_ci(v + i, "password")) {
            int k = i + 8;
            while (k < len && isspace(static_cast<unsigned char>(v[k])))
                k++;
            if (k >= len || v[k] != '=')
                continue;
            k++;
            while (k < len && isspace(static_cast<unsigned char>(v[k])))
                k++;
            int start = k;
            if (strncmp(v + k, "********", 8) == 0 || strncmp(v + k, "'********'", 10) == 0)
                continue; /* hidden already (a literal inside SQL redacted before) */
            if (k < len && v[k] == '\'') {
                k++;
                while (k < len && v[k] != '\'') {
                    if (v[k] == '\\' && k + 1 < len)
                        k++;
                    k++;
                }
                if (k < len)
                    k++; /* the closing quote */
            } else {
                /* in a URI's query (?password=x&...) the value ends at '&' */
                bool in_query = i > 0 && (v[i - 1] == '?' || v[i - 1] == '&');
                while (k < len && !isspace(static_cast<unsigned char>(v[k])) && !(in_query && v[k] == '&')) {
                    if (v[k] == '\\' && k + 1 < len)
                        k++;
                    k++;
                }
            }
            if (start >= copied) {
                hide(&out, v, &copied, start, k);
                changed = true;
            }
            i = k - 1;
        }
    }
    if (!changed)
        return nullptr;
    appendStringInfoString(&out, v + copied);
    return out.data;
}

const char *redact_secrets(const char *sql, bool *redacted)
{
    bool any = false;
    const char *out = sql;
    if (sql != nullptr && may_hold_secret(sql)) {
        out = redact_lexed(sql, 0, &any);
        if (out == nullptr) {
            /* every statement logged was parsed, so this does not happen; be safe if it does */
            out = "(hidden: the statement could not be split into tokens to remove its secrets)";
            any = true;
        }
    }
    if (redacted)
        *redacted = any;
    return out;
}

} // namespace mg
