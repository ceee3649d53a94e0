/*
 * volume_tally.cpp — judging the rows a statement changed against
 * migrate_guard.max_rows_changed, and auditing those that ran.
 *
 * A tally is (statement, table, rule).  The first time it passes the limit
 * the guard decides, exactly as for the other rules (judge() in verdict.cpp):
 * refused with MG001 and a blocked_attempts entry, or -- under the flag, in
 * warn mode, or with the rule left out of migrate_guard.blocked_rules --
 * allowed and written to the audit log once the statement finished, with the
 * final count.  Exempt tables (temporary, created in this transaction) are
 * never judged.
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "common/settings.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "guard/volume_tally.h"

namespace mg {
namespace {

const char *verb(Rule rule) { return rule == Rule::mass_delete ? "deleted" : "updated"; }

/* "... 1001 rows of public.t (1000 of them by foreign-key actions)" */
const char *rows_text(const VolumeTally *t)
{
    const char *object = t->verdict.object ? t->verdict.object : relation_identity(t->relid);
    if (t->cascaded == 0)
        return psprintf("%llu rows of %s", static_cast<unsigned long long>(t->rows), object);
    if (t->cascaded == t->rows)
        return psprintf("%llu rows of %s by foreign-key actions", static_cast<unsigned long long>(t->rows), object);
    return psprintf("%llu rows of %s (%llu of them by foreign-key actions)", static_cast<unsigned long long>(t->rows),
                    object, static_cast<unsigned long long>(t->cascaded));
}

} // namespace

void volume_judge(VolumeStatement *st, VolumeTally *t)
{
    /* called from the row counters, which have no guarded() frame of their own */
    guarded("row counter", [&] {
        int limit = static_cast<int>(st->limit);
        t->judged = true;
        t->limit = limit;
        st->judged_any = true;
        if (relation_is_exempt(t->relid))
            return;
        MemoryContext old = MemoryContextSwitchTo(st->cxt);
        char *object = relation_identity(t->relid);
        t->verdict.object = object;
        List *matches = add_match(NIL, t->rule, object, t->relid);
        /* DETAIL: what the statement did, then why the rule exists */
        static_cast<Match *>(linitial(matches))->detail =
            psprintf("The statement %s %s, more than migrate_guard.max_rows_changed = %d. %s",
                     verb(t->rule), rows_text(t), limit, rule_info(t->rule).danger);
        t->verdict = judge(matches, st->source, st->location, st->length);
        MemoryContextSwitchTo(old);
    });
}

VolumeTally *volume_tally(VolumeStatement *st, Oid relid, Rule rule)
{
    for (VolumeTally *t = st->tallies; t != nullptr; t = t->next)
        if (t->relid == relid && t->rule == rule)
            return t;
    VolumeTally *t = st->inline_used < static_cast<int>(lengthof(st->inline_tallies))
                         ? &st->inline_tallies[st->inline_used++]
                         : static_cast<VolumeTally *>(MemoryContextAlloc(st->cxt, sizeof(VolumeTally)));
    *t = VolumeTally{}; /* the statement's memory is not zeroed (volume_probe.cpp) */
    t->relid = relid;
    t->rule = rule;
    t->verdict = Verdict{false, rule, nullptr, relid, false};
    t->next = st->tallies;
    st->tallies = t;
    return t;
}

void volume_audit(VolumeStatement *st)
{
    if (!st->judged_any || !audit_enabled())
        return;
    for (VolumeTally *t = st->tallies; t != nullptr; t = t->next) {
        if (!t->verdict.matched || t->audited)
            continue;
        t->audited = true;
        StatementFrame frame = {st->source, st->location, st->length, t->verdict};
        /* like the guard's other DML rows: the tag says what happened to the table */
        AuditRow row = {t->rule == Rule::mass_delete ? "DELETE" : "UPDATE", "table", get_namespace_name(get_rel_namespace(t->relid)),
                        t->verdict.object, "guard",
                        psprintf("%s %s, more than migrate_guard.max_rows_changed = %d", verb(t->rule),
                                 rows_text(t), t->limit)};
        audit_write(row, &frame);
    }
}

} // namespace mg
