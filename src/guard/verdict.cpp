/*
 * verdict.cpp — turns the rules a statement matched into a decision.
 *
 *   mode off             : nothing is refused except guard_tamper
 *   flag in force        : blocked rules run, marked overridden (a reason is
 *                          required when migrate_guard.require_reason is on)
 *   mode warn            : blocked rules run with a WARNING (guard_tamper is
 *                          still refused)
 *   mode enforce         : the first blocked rule refuses the statement
 */
#include "common/bridge.h"
#include "guard/blocked_log.h"
#include "common/settings.h"
#include "guard/verdict.h"

namespace mg {
namespace {

[[noreturn]] void refuse(const Match &m, const char *statement, bool reason_missing)
{
    blocked_log_record(m.rule, m.object, statement);
    const RuleInfo &ri = rule_info(m.rule);
    const char *danger = m.detail ? m.detail : ri.danger;
    if (reason_missing)
        ereport(ERROR,
                (errcode(ERRCODE_MIGRATE_GUARD_REFUSED),
                 errmsg("migrate_guard: refused %s on %s: migrate_guard.reason is empty",
                        ri.name.data(), m.object),
                 errdetail("migrate_guard.require_reason is on: a statement run under "
                           "migrate_guard.allow_destructive must say why. %s", danger),
                 errhint("SET LOCAL migrate_guard.reason = '<ticket or explanation>' first.")));
    ereport(ERROR,
            (errcode(ERRCODE_MIGRATE_GUARD_REFUSED),
             errmsg("migrate_guard: refused %s on %s", ri.name.data(), m.object),
             errdetail("%s", danger),
             errhint("If this is intended, a member of role \"%s\" can run it after "
                     "SET LOCAL migrate_guard.allow_destructive = on (in the same transaction).",
                     admin_role_name())));
    pg_unreachable();
}

} // namespace

Decision decide(List *matches)
{
    Decision d = {Outcome::none, nullptr, false};
    if (matches == NIL)
        return d;
    d.outcome = Outcome::allowed;
    Mode m = mode();
    RuleSet blocked = blocked_rules();
    ListCell *lc;
    foreach (lc, matches) {
        const Match *match = static_cast<const Match *>(lfirst(lc));
        if (!blocked.has(match->rule))
            continue;
        if (m == Mode::off && match->rule != Rule::guard_tamper)
            continue;
        d.deciding = match;
        break;
    }
    if (d.deciding == nullptr)
        return d;
    if (flag_in_force()) {
        d.reason_missing = require_reason() && reason()[0] == '\0';
        d.outcome = d.reason_missing ? Outcome::refused : Outcome::overridden;
        return d;
    }
    d.outcome = m == Mode::warn && d.deciding->rule != Rule::guard_tamper ? Outcome::warned : Outcome::refused;
    return d;
}

Verdict judge(List *matches, const char *source, int location, int length, bool quiet)
{
    Verdict v = {false, Rule::drop_table, nullptr, InvalidOid, false, false};
    Decision d = decide(matches);
    if (d.outcome == Outcome::none)
        return v;
    const Match *first = static_cast<const Match *>(linitial(matches));
    const Match *deciding = d.deciding ? d.deciding : first;
    v.matched = true;
    v.rule = deciding->rule;
    v.object = deciding->object;
    v.relid = deciding->relid;
    switch (d.outcome) {
    case Outcome::overridden:
        v.overridden = true;
        return v;
    case Outcome::warned:
        v.warned = true;
        if (quiet)
            return v;
        ereport(WARNING,
                (errcode(ERRCODE_MIGRATE_GUARD_REFUSED),
                 errmsg("migrate_guard: would refuse %s on %s (migrate_guard.mode = warn)",
                        rule_name(deciding->rule), deciding->object),
                 errdetail("%s", deciding->detail ? deciding->detail : rule_info(deciding->rule).danger)));
        return v;
    case Outcome::refused:
        refuse(*deciding, statement_text(source, location, length), d.reason_missing);
    default:
        return v;
    }
}

char *statement_text(const char *source, int location, int length)
{
    if (source == nullptr || source[0] == '\0') {
        /* e.g. a BEGIN ATOMIC function body: name the top-level statement */
        if (debug_query_string == nullptr)
            return pstrdup("");
        source = debug_query_string;
        location = -1;
    }
    int total = static_cast<int>(strlen(source));
    if (location < 0 || location > total) {
        location = 0;
        length = total;
    }
    if (length <= 0 || location + length > total)
        length = total - location;
    const char *start = source + location;
    while (length > 0 && isspace(static_cast<unsigned char>(*start))) {
        start++;
        length--;
    }
    while (length > 0 && (isspace(static_cast<unsigned char>(start[length - 1])) || start[length - 1] == ';'))
        length--;
    return pnstrdup(start, length);
}

} // namespace mg
