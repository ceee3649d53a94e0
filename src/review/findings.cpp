/* findings.cpp — statements and their findings (review.h). */
#include "common/bridge.h"
#include "review/review.h"

namespace mg::review {
namespace {

MemoryContext g_keep = nullptr;

} // namespace

const char *severity_name(Severity s)
{
    switch (s) {
    case Severity::ok:
        return "ok";
    case Severity::warn:
        return "warn";
    case Severity::danger:
        return "danger";
    case Severity::blocked:
        return "blocked";
    }
    return "ok";
}

MemoryContext keep_context()
{
    return g_keep != nullptr ? g_keep : CurrentMemoryContext;
}

void set_keep_context(MemoryContext cxt)
{
    g_keep = cxt;
}

char *keep_str(const char *s)
{
    return s ? MemoryContextStrdup(keep_context(), s) : nullptr;
}

void add_finding(Statement *st, const char *rule, Severity severity, const char *message, const char *hint)
{
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    Finding *f = static_cast<Finding *>(palloc(sizeof(Finding)));
    f->rule = rule ? pstrdup(rule) : nullptr;
    f->severity = severity;
    f->message = message ? pstrdup(message) : nullptr;
    f->hint = hint ? pstrdup(hint) : nullptr;
    st->findings = lappend(st->findings, f);
    MemoryContextSwitchTo(old);
}

bool has_finding(const Statement *st, const char *rule)
{
    ListCell *lc;
    foreach (lc, st->findings) {
        const Finding *f = static_cast<const Finding *>(lfirst(lc));
        if (f->rule && strcmp(f->rule, rule) == 0)
            return true;
    }
    return false;
}

void note_lock(Statement *st, Oid relid, LOCKMODE mode)
{
    if (!OidIsValid(relid) || mode == NoLock)
        return;
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ListCell *oc, *mc;
    bool found = false;
    forboth (oc, st->locked_oids, mc, st->locked_modes) {
        if (lfirst_oid(oc) == relid) {
            found = true;
            if (mode > lfirst_int(mc))
                lfirst_int(mc) = mode;
        }
    }
    if (!found) {
        st->locked_oids = lappend_oid(st->locked_oids, relid);
        st->locked_modes = lappend_int(st->locked_modes, mode);
    }
    if (mode > st->lock_mode)
        st->lock_mode = mode;
    MemoryContextSwitchTo(old);
}

char *qualified_name(Oid relid)
{
    char *rel = get_rel_name(relid);
    char *nsp = get_namespace_name(get_rel_namespace(relid));
    return quote_qualified_identifier(nsp ? nsp : "?", rel ? rel : "?");
}

} // namespace mg::review
