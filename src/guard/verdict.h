/*
 * verdict.h — judging a statement's matches: run it, warn, or refuse.
 */
#pragma once

#include "guard/classify.h"

namespace mg {

/* SQLSTATE of every refusal. */
#define ERRCODE_MIGRATE_GUARD_REFUSED MAKE_SQLSTATE('M', 'G', '0', '0', '1')

struct Verdict {
    bool matched;      /* some rule matched (the audit records it) */
    Rule rule;         /* the deciding rule when matched */
    const char *object;
    Oid relid;         /* the relation concerned, when the rule is about one */
    bool overridden;   /* a blocked rule ran because the flag was in force */
    bool warned;       /* a warn-mode WARNING was given */
};

/* What judge() would do with a statement's matches (see decide()). */
enum class Outcome : uint8_t {
    none,       /* no rule matched */
    allowed,    /* rules matched, none of them is blocked (in this mode) */
    refused,    /* a blocked rule refuses it */
    overridden, /* a blocked rule, run because the flag is in force */
    warned,     /* a blocked rule, run with a WARNING (mode warn) */
};

struct Decision {
    Outcome outcome;
    const Match *deciding; /* the blocked rule that decides; nullptr for none/allowed */
    bool reason_missing;   /* refused: flag in force but migrate_guard.reason empty */
};

/*
 * The decision judge() takes under the current settings (mode, blocked
 * rules, flag, require_reason), without acting on it: no refusal, no WARNING,
 * nothing recorded.  The migration review asks it about statements it does
 * not run.
 */
Decision decide(List *matches);

/*
 * Decide about one statement.  Refuses with ereport(ERROR) (after recording
 * the attempt in shared memory) or returns what the audit log should say.
 * The statement is bytes [location, location + length) of source (see
 * statement_text()); its text is only extracted for a refusal.  quiet: no
 * warn-mode WARNING (one was already given for the same statement).
 */
Verdict judge(List *matches, const char *source, int location, int length, bool quiet = false);

/* The text of one statement inside a (possibly multi-statement) string. */
char *statement_text(const char *source, int location, int length);

} // namespace mg
