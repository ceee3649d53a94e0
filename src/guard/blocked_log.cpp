/*
 * blocked_log.cpp — ring buffer of refusals in shared memory.
 *
 * A refusal rolls back the transaction that attempted it, so it cannot be
 * kept in a table; it is kept here instead, visible to every database of the
 * cluster until the server restarts.  Fixed-size slots, overwritten oldest
 * first, protected by one LWLock.  Long texts are cut at a character
 * boundary.
 */
#include "common/bridge.h"
#include "guard/blocked_log.h"
#include "common/settings.h"

extern "C" {
#include "catalog/pg_authid.h"
#include "mb/pg_wchar.h"
#include "pgstat.h"
}

namespace mg {
namespace {

constexpr int kNameLen = NAMEDATALEN;
constexpr int kRuleLen = 32;
constexpr int kObjectLen = 512;
constexpr int kStatementLen = 2048;

struct Slot {
    TimestampTz at;
    int pid;
    char database[kNameLen];
    char role[kNameLen];
    char rule[kRuleLen];
    char object[kObjectLen];
    char statement[kStatementLen];
};

struct Ring {
    LWLock *lock;
    uint64 next; /* total number of refusals ever recorded */
    Slot slots[kBlockedCapacity];
};

Ring *g_ring = nullptr;

void copy_clipped(char *dst, int cap, const char *src)
{
    if (src == nullptr)
        src = "";
    int len = static_cast<int>(strlen(src));
    if (len >= cap)
        len = pg_mbcliplen(src, len, cap - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

bool caller_sees_everything()
{
    return role_may_unlock(GetOuterUserId()) || has_privs_of_role(GetOuterUserId(), ROLE_PG_READ_ALL_STATS);
}

} // namespace

void blocked_log_request_shmem()
{
    RequestAddinShmemSpace(MAXALIGN(sizeof(Ring)));
    RequestNamedLWLockTranche("migrate_guard", 1);
}

void blocked_log_init_shmem()
{
    bool found = false;
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    g_ring = static_cast<Ring *>(ShmemInitStruct("migrate_guard blocked attempts", sizeof(Ring), &found));
    if (!found) {
        memset(g_ring, 0, sizeof(Ring));
        g_ring->lock = &(GetNamedLWLockTranche("migrate_guard"))->lock;
    }
    LWLockRelease(AddinShmemInitLock);
}

void blocked_log_record(Rule rule, const char *object, const char *statement)
{
    if (g_ring == nullptr)
        return;
    /* catalog lookups first, outside the lock */
    const char *db = get_database_name(MyDatabaseId);
    const char *role = GetUserNameFromId(GetOuterUserId(), true);
    TimestampTz now = GetCurrentTimestamp();

    LWLockAcquire(g_ring->lock, LW_EXCLUSIVE);
    Slot *s = &g_ring->slots[g_ring->next % kBlockedCapacity];
    g_ring->next++;
    s->at = now;
    s->pid = MyProcPid;
    copy_clipped(s->database, sizeof s->database, db);
    copy_clipped(s->role, sizeof s->role, role);
    copy_clipped(s->rule, sizeof s->rule, rule_name(rule));
    copy_clipped(s->object, sizeof s->object, object);
    copy_clipped(s->statement, sizeof s->statement, statement);
    LWLockRelease(g_ring->lock);
}

} // namespace mg

using namespace mg;

/*
 * migrate_guard._blocked_attempts(): the rows behind the view, oldest first.
 * Superusers, members of the admin role and pg_read_all_stats see every
 * refusal; other roles see their own.
 */
MG_SQL_FUNCTION(mg_blocked_attempts)
{
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    if (g_ring == nullptr)
        return (Datum) 0;

    bool all = caller_sees_everything();
    const char *me = GetUserNameFromId(GetOuterUserId(), true);

    /* copy the slots out under the lock, build tuples after releasing it */
    Slot *copy = static_cast<Slot *>(palloc(sizeof(Slot) * kBlockedCapacity));
    LWLockAcquire(g_ring->lock, LW_SHARED);
    uint64 next = g_ring->next;
    uint64 count = next < static_cast<uint64>(kBlockedCapacity) ? next : kBlockedCapacity;
    uint64 first = next - count;
    for (uint64 i = 0; i < count; i++)
        copy[i] = g_ring->slots[(first + i) % kBlockedCapacity];
    LWLockRelease(g_ring->lock);

    for (uint64 i = 0; i < count; i++) {
        const Slot &s = copy[i];
        if (!all && (me == nullptr || strcmp(s.role, me) != 0))
            continue;
        Datum values[8];
        bool nulls[8] = {false, false, false, false, false, false, false, false};
        values[0] = TimestampTzGetDatum(s.at);
        values[1] = CStringGetTextDatum(s.database);
        values[2] = CStringGetTextDatum(s.role);
        values[3] = CStringGetTextDatum(s.rule);
        values[4] = CStringGetTextDatum(s.object);
        values[5] = CStringGetTextDatum(s.statement);
        values[6] = Int32GetDatum(s.pid);
        values[7] = Int64GetDatum(static_cast<int64>(first + i + 1));
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum) 0;
}
