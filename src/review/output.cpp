/*
 * output.cpp — the rows of check_migration() and the word of
 * migration_verdict().
 */
#include "common/bridge.h"
#include "review/locks.h"
#include "review/output.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
}

namespace mg::review {
namespace {

Datum text_or_null(const char *s, bool *isnull)
{
    *isnull = s == nullptr;
    return s ? CStringGetTextDatum(s) : (Datum) 0;
}

Datum relations_array(const Statement *st, bool *isnull)
{
    int n = list_length(st->locked_oids);
    *isnull = n == 0;
    if (n == 0)
        return (Datum) 0;
    Datum *items = static_cast<Datum *>(palloc(sizeof(Datum) * n));
    int i = 0;
    ListCell *lc;
    foreach (lc, st->locked_oids)
        items[i++] = CStringGetTextDatum(qualified_name(lfirst_oid(lc)));
    return PointerGetDatum(construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Findings of one statement, worst first (stable). */
List *sorted_findings(const Statement *st)
{
    List *out = NIL;
    for (int s = static_cast<int>(Severity::blocked); s >= static_cast<int>(Severity::ok); s--) {
        ListCell *lc;
        foreach (lc, st->findings) {
            Finding *f = static_cast<Finding *>(lfirst(lc));
            if (static_cast<int>(f->severity) == s)
                out = lappend(out, f);
        }
    }
    return out;
}

} // namespace

void emit_rows(ReturnSetInfo *rsinfo, List *statements)
{
    ListCell *sc;
    foreach (sc, statements) {
        const Statement *st = static_cast<const Statement *>(lfirst(sc));
        bool rel_null;
        Datum rels = relations_array(st, &rel_null);
        ListCell *fc;
        foreach (fc, sorted_findings(st)) {
            const Finding *f = static_cast<const Finding *>(lfirst(fc));
            Datum values[11];
            bool nulls[11] = {};
            values[0] = Int32GetDatum(st->number);
            nulls[0] = st->number <= 0;
            values[1] = Int32GetDatum(st->line);
            values[2] = text_or_null(st->text, &nulls[2]);
            values[3] = text_or_null(st->command_tag, &nulls[3]);
            values[4] = text_or_null(st->lock_mode != NoLock ? lock_name(st->lock_mode) : nullptr, &nulls[4]);
            values[5] = rels;
            nulls[5] = rel_null;
            values[6] = BoolGetDatum(st->rewrites);
            nulls[6] = st->command_tag == nullptr;
            values[7] = text_or_null(f->rule, &nulls[7]);
            values[8] = CStringGetTextDatum(severity_name(f->severity));
            values[9] = text_or_null(f->message, &nulls[9]);
            values[10] = text_or_null(f->hint, &nulls[10]);
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
        }
    }
}

Severity worst_severity(List *statements)
{
    Severity worst = Severity::ok;
    ListCell *sc;
    foreach (sc, statements) {
        const Statement *st = static_cast<const Statement *>(lfirst(sc));
        ListCell *fc;
        foreach (fc, st->findings) {
            const Finding *f = static_cast<const Finding *>(lfirst(fc));
            if (f->severity > worst)
                worst = f->severity;
        }
    }
    return worst;
}

const char *verdict_word(Severity worst)
{
    switch (worst) {
    case Severity::blocked:
        return "BLOCKED";
    case Severity::danger:
    case Severity::warn:
        return "REVIEW";
    default:
        return "SAFE TO DEPLOY";
    }
}

} // namespace mg::review
