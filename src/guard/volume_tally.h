/*
 * volume_tally.h — the rows one statement changed, per table and rule, and
 * what the guard decided once they passed migrate_guard.max_rows_changed.
 * Filled by the row counters (volume_probe.cpp), judged and audited by
 * volume_tally.cpp.
 */
#pragma once

#include "guard/verdict.h"

namespace mg {

struct VolumeTally {
    VolumeTally *next;
    Oid relid;        /* the table, as the statement addressed it */
    Rule rule;        /* mass_delete or mass_update */
    uint64 rows;      /* rows changed so far */
    uint64 cascaded;  /* of which by foreign-key actions */
    int limit;        /* migrate_guard.max_rows_changed when it was passed */
    bool judged;      /* the limit was passed and the guard decided */
    bool audited;
    Verdict verdict;  /* that decision, when the statement went on */
};

/* A statement whose rows are counted: it owns the tallies. */
struct VolumeStatement {
    const char *source; /* its text is bytes [location, location + length) */
    int location;
    int length;
    uint64 limit;       /* migrate_guard.max_rows_changed when it started */
    MemoryContext cxt;  /* lives as long as the statement's executor state */
    bool judged_any;    /* some tally passed the limit */
    VolumeTally *tallies;
    int inline_used;    /* the first tallies live here (most statements need one); */
    VolumeTally inline_tallies[2]; /* each set up by volume_tally() when first used */
};

/* The tally of (relid, rule) of the statement, created on first use. */
VolumeTally *volume_tally(VolumeStatement *st, Oid relid, Rule rule);

/*
 * The guard's decision on a tally that just passed the limit: refused
 * (ereport ERROR), or allowed (flag, warn mode, rule not blocked) and
 * remembered for the audit.
 */
void volume_judge(VolumeStatement *st, VolumeTally *t);

/* Adds rows just changed (called between two rows: keep it cheap). */
inline void volume_add(VolumeStatement *st, VolumeTally *t, uint64 rows, bool cascaded)
{
    t->rows += rows;
    if (cascaded)
        t->cascaded += rows;
    if (t->rows > st->limit && !t->judged)
        volume_judge(st, t);
}

/* Writes the audit rows of the tallies that passed the limit and ran. */
void volume_audit(VolumeStatement *st);

} // namespace mg
