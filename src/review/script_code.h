/*
 * script_code.h — code the script itself makes run later: rules and triggers
 * it creates or enables on existing tables, session_replication_role (which
 * switches foreign keys and ordinary triggers off and REPLICA ones on), and a
 * block ended by PREPARE TRANSACTION (its locks outlive the script).
 *
 * The catalog does not hold what the script has not run yet, so parse
 * analysis and the rewriter of a later DML on such a table do not see the
 * rule, and pg_trigger does not list the trigger: the review keeps them here
 * (replay_script_code(), called by replay_statement()) and rules_calls.cpp
 * asks for them (script_code_text()) next to the catalog's triggers.
 */
#pragma once

#include "review/replay.h"

namespace mg::review {

/* A rule or trigger the script creates or enables on an existing table. */
struct ScriptCode {
    Oid relid;
    bool rule;          /* a rule; else a trigger */
    char *name;
    char *function;     /* a trigger's function, as written or from the catalog (for messages) */
    int16 events;       /* TRIGGER_TYPE_INSERT | _UPDATE | _DELETE */
    char fires;         /* TRIGGER_FIRES_ON_ORIGIN, _ALWAYS, _ON_REPLICA, TRIGGER_DISABLED */
    bool created;       /* by a CREATE of the script (else enabled by it) */
    int stmt;           /* the statement that created or enabled it */
};

/* Applies st's effects on rules, triggers, session_replication_role and the block's statements. */
void replay_script_code(ScriptState *state, Statement *st);

/* Which trigger firing modes may be in force at this point of the script. */
void replication_roles(ScriptState *state, bool *origin, bool *replica);
/* Does a trigger or rule enabled this way fire under the roles that may be in force? */
bool code_fires(ScriptState *state, char fires);

/*
 * opaque_code for a DML (or COPY FROM) firing, for these events, a rule or
 * trigger the script created or enabled on existing table relid (false: none).
 */
bool report_script_code(Statement *st, ScriptState *state, Oid relid, int16 events);

/*
 * Judges st for what it makes run later: CREATE RULE's actions (the guard's
 * classifier, as the rewriter would hand them over with the DML that fires
 * it), SET session_replication_role = replica, PREPARE TRANSACTION.
 */
void review_script_code(Statement *st, ScriptState *state);

} // namespace mg::review
