/* expected_changes.cpp — see expected_changes.h. */
#include "common/bridge.h"
#include "schema/expected_changes.h"
#include "schema/jsonb_build.h"

extern "C" {
#include "utils/numeric.h"
}

namespace mg {
namespace {

const char *const kGrammarHint =
    "expected_row_changes maps tables to allowed changes of their row count, e.g. "
    "{\"public.sessions\": \"-10..0\", \"public.tmp_import\": \"removed\"}; a change is \"removed\", \"any\", "
    "\"unchanged\", an integer (N, \"+N\", \"-N\") or a range \"A..B\" (either bound may be left out).";

[[noreturn]] void bad(const char *key, const char *problem)
{
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("migrate_guard: expected_row_changes: \"%s\": %s", key, problem),
                    errhint("%s", kGrammarHint)));
    pg_unreachable();
}

/* a signed integer filling [s, e), ignoring spaces around it */
bool parse_int(const char *s, const char *e, int64 *out)
{
    while (s < e && isspace(static_cast<unsigned char>(*s)))
        s++;
    while (e > s && isspace(static_cast<unsigned char>(e[-1])))
        e--;
    if (s == e)
        return false;
    bool neg = false;
    if (*s == '+' || *s == '-') {
        neg = *s == '-';
        s++;
    }
    if (s == e)
        return false;
    int64 v = 0;
    for (; s < e; s++) {
        if (!isdigit(static_cast<unsigned char>(*s)))
            return false;
        if (v > (PG_INT64_MAX - (*s - '0')) / 10)
            return false;
        v = v * 10 + (*s - '0');
    }
    *out = neg ? -v : v;
    return true;
}

bool blank(const char *s, const char *e)
{
    for (; s < e; s++)
        if (!isspace(static_cast<unsigned char>(*s)))
            return false;
    return true;
}

void parse_value(RowExpectation *x, const JsonbValue &v)
{
    if (v.type == jbvNumeric) {
        const char *t = jb_scalar_text(v);
        int64 n;
        if (!parse_int(t, t + strlen(t), &n))
            bad(x->key, psprintf("%s is not a whole number of rows", t));
        x->text = t;
        x->has_min = x->has_max = true;
        x->min = x->max = n;
        return;
    }
    if (v.type != jbvString)
        bad(x->key, psprintf("the expectation is %s; it is a string or an integer", jb_type_name(v)));
    char *t = pnstrdup(v.val.string.val, v.val.string.len);
    x->text = t;
    char *lower = pstrdup(t);
    for (char *c = lower; *c; c++)
        *c = pg_ascii_tolower(static_cast<unsigned char>(*c));
    const char *s = lower, *e = lower + strlen(lower);
    while (s < e && isspace(static_cast<unsigned char>(*s)))
        s++;
    while (e > s && isspace(static_cast<unsigned char>(e[-1])))
        e--;
    std::size_t n = static_cast<std::size_t>(e - s);
    if (n == 7 && memcmp(s, "removed", 7) == 0) {
        x->removed = true;
        return;
    }
    if (n == 3 && memcmp(s, "any", 3) == 0) {
        x->any = true;
        return;
    }
    if (n == 9 && memcmp(s, "unchanged", 9) == 0) {
        x->has_min = x->has_max = true;
        x->min = x->max = 0;
        return;
    }
    const char *dots = strstr(s, "..");
    if (dots != nullptr && dots < e) {
        if (!blank(s, dots) && !(x->has_min = parse_int(s, dots, &x->min)))
            bad(x->key, psprintf("cannot read the lower bound of \"%s\"", t));
        if (!blank(dots + 2, e) && !(x->has_max = parse_int(dots + 2, e, &x->max)))
            bad(x->key, psprintf("cannot read the upper bound of \"%s\"", t));
        if (x->has_min && x->has_max && x->min > x->max)
            bad(x->key, psprintf("the range \"%s\" is empty (its lower bound is above its upper bound)", t));
        x->any = !x->has_min && !x->has_max;
        return;
    }
    int64 exact;
    if (!parse_int(s, e, &exact))
        bad(x->key, psprintf("cannot read \"%s\"", t));
    x->has_min = x->has_max = true;
    x->min = x->max = exact;
}

} // namespace

RowExpectation *parse_row_expectations(Jsonb *j, int *count)
{
    *count = 0;
    if (j == nullptr)
        return nullptr;
    if (!JB_ROOT_IS_OBJECT(j) || JB_ROOT_IS_SCALAR(j))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("migrate_guard: expected_row_changes must be a JSON object"),
                        errhint("%s", kGrammarHint)));
    int n = static_cast<int>(JsonContainerSize(&j->root));
    RowExpectation *out = static_cast<RowExpectation *>(palloc0(sizeof(RowExpectation) * (n > 0 ? n : 1)));
    JsonbIterator *it = JsonbIteratorInit(&j->root);
    JsonbValue v;
    JsonbIteratorToken tok;
    RowExpectation *cur = nullptr;
    while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE) {
        CHECK_FOR_INTERRUPTS();
        if (tok == WJB_KEY) {
            cur = &out[(*count)++];
            cur->key = pnstrdup(v.val.string.val, v.val.string.len);
            /* the name: schema.table or table, quoted identifiers allowed */
            List *name = NIL;
            char *copy = pstrdup(cur->key);
            if (!SplitIdentifierString(copy, '.', &name) || name == NIL)
                bad(cur->key, "this is not a table name (schema.table or table; quote identifiers with \")");
            if (list_length(name) > 2)
                bad(cur->key, "a table name is schema.table or table");
            cur->name = name;
        } else if (tok == WJB_VALUE && cur != nullptr) {
            parse_value(cur, v);
        }
    }
    return out;
}

bool expectation_allows(const RowExpectation &e, bool removed, int64 delta)
{
    if (e.any)
        return true;
    if (removed)
        return e.removed;
    if (e.removed)
        return true; /* "removed" allows the table to stay, with any count */
    return (!e.has_min || delta >= e.min) && (!e.has_max || delta <= e.max);
}

} // namespace mg
