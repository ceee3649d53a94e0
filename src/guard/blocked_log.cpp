/*
 * blocked_log.cpp — the ring of refusals in shared memory.
 *
 * A refusal rolls back the transaction that attempted it, so it cannot be
 * kept in a table; it is kept here instead, visible to every database of the
 * cluster until the server restarts.  Fixed-size slots protected by one
 * LWLock.
 *
 * Roles: role_name is the real caller (outer user: the session user or the
 * role of SET ROLE), login_role the role that authenticated the session,
 * which neither SET SESSION AUTHORIZATION nor SET ROLE changes.
 *
 * Flooding: a refusal identical to one already kept (same database, role,
 * login role, rule, object and statement) is counted in that entry (repeat_count, the
 * time and attempt number of the latest) instead of taking a new one.  The
 * ring has 2,048 entries; the 1,000 newest are never replaced.  When every
 * slot is taken, the new entry replaces an older one: the oldest entry of the
 * role holding the most entries (its own when the refusing role holds as many
 * as any other).  So a role's flood, of distinct or identical statements,
 * only ever replaces its own entries while every other role holds fewer
 * entries than it does: with n roles holding older entries, each keeps at
 * least floor(1,048 / n) of them (all of them when it has fewer), besides
 * whatever it has among the 1,000 newest.
 *
 * Encodings: the ring is shared by databases of different encodings, so its
 * texts are kept in UTF-8: converted from the refusing database's encoding
 * when recorded (bytes that are not valid there are kept as \xNN), and
 * converted to the reading database's encoding when read (characters it
 * cannot represent are shown as \uXXXX or \UXXXXXXXX).  Long texts are cut at
 * a character boundary.  Statements are stored with their secrets redacted
 * (audit/redact.h).
 */
#include "common/bridge.h"
#include "guard/blocked_log.h"
#include "audit/redact.h"
#include "common/settings.h"

#include <algorithm>

extern "C" {
#include "catalog/pg_authid.h"
#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "pgstat.h"
}

namespace mg {
namespace {

constexpr int kNameLen = 4 * NAMEDATALEN; /* a name converted to UTF-8 may grow */
constexpr int kRuleLen = 32;
constexpr int kObjectLen = 512;
constexpr int kStatementLen = 2048;

struct Slot {
    bool used;
    uint64 attempt;        /* running number of its latest refusal */
    uint64 repeats;        /* refusals this entry stands for */
    TimestampTz first_at;  /* its first refusal */
    TimestampTz at;        /* its latest refusal */
    int pid;               /* backend of the latest */
    Oid database_oid;
    Oid role_oid;          /* the real caller (outer user) */
    Oid login_oid;         /* the role that authenticated the session */
    uint32 hash;           /* of database, role, login role, rule, object, statement */
    char database[kNameLen];
    char role[kNameLen];
    char login[kNameLen];
    char rule[kRuleLen];
    char object[kObjectLen];
    char statement[kStatementLen];
};

struct Ring {
    LWLock *lock;
    uint64 next; /* number of refusals ever recorded */
    int used;    /* slots in use */
    Slot slots[kBlockedCapacity];
};

Ring *g_ring = nullptr;

void append_hex_bytes(StringInfo out, const unsigned char *p, int n)
{
    for (int i = 0; i < n; i++)
        appendStringInfo(out, "\\x%02X", p[i]);
}

/* Valid UTF-8 sequences copied, any other byte written as \xNN. */
char *utf8_escaping_invalid(const char *s)
{
    StringInfoData out;
    initStringInfo(&out);
    const unsigned char *p = reinterpret_cast<const unsigned char *>(s);
    int len = static_cast<int>(strlen(s));
    while (len > 0) {
        int l = pg_utf_mblen(p);
        if (l <= len && pg_utf8_islegal(p, l)) {
            appendBinaryStringInfo(&out, reinterpret_cast<const char *>(p), l);
        } else {
            l = 1;
            append_hex_bytes(&out, p, 1);
        }
        p += l;
        len -= l;
    }
    return out.data;
}

/*
 * `s` converted from encoding `from` to `to` with conversion `proc`, without
 * ever failing: what cannot be converted is escaped by escape_one(), which
 * appends the escape of the character at p and returns its length in bytes.
 */
template <typename Escape>
char *convert_escaping(const char *s, int from, int to, Oid proc, Escape &&escape_one)
{
    StringInfoData out;
    initStringInfo(&out);
    unsigned char *p = reinterpret_cast<unsigned char *>(pstrdup(s));
    int len = static_cast<int>(strlen(s));
    unsigned char *dest = static_cast<unsigned char *>(palloc(static_cast<Size>(len) * MAX_CONVERSION_GROWTH + 1));
    while (len > 0) {
        int done = pg_do_encoding_conversion_buf(proc, from, to, p, len, dest,
                                                 len * MAX_CONVERSION_GROWTH + 1, true);
        appendStringInfoString(&out, reinterpret_cast<char *>(dest));
        p += done;
        len -= done;
        if (len > 0) {
            int l = escape_one(&out, p, len);
            p += l;
            len -= l;
        }
    }
    return out.data;
}

/* A text of this database, in UTF-8 (for the ring). */
char *to_utf8(const char *s)
{
    if (s == nullptr)
        return pstrdup("");
    int enc = GetDatabaseEncoding();
    if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
        return utf8_escaping_invalid(s);
    Oid proc = FindDefaultConversionProc(enc, PG_UTF8);
    if (!OidIsValid(proc))
        return utf8_escaping_invalid(s);
    return convert_escaping(s, enc, PG_UTF8, proc, [enc](StringInfo out, const unsigned char *p, int len) {
        int l = pg_encoding_mblen_bounded(enc, reinterpret_cast<const char *>(p));
        l = l < 1 ? 1 : l > len ? len : l;
        append_hex_bytes(out, p, l);
        return l;
    });
}

/* Escapes the UTF-8 character at p: \uXXXX, \UXXXXXXXX, or \xNN for a stray byte. */
int escape_utf8_char(StringInfo out, const unsigned char *p, int len)
{
    int l = pg_utf_mblen(p);
    if (l > len || !pg_utf8_islegal(p, l)) {
        append_hex_bytes(out, p, 1);
        return 1;
    }
    pg_wchar cp = utf8_to_unicode(p);
    appendStringInfo(out, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", static_cast<unsigned>(cp));
    return l;
}

/* A ring text (UTF-8) in this database's encoding. */
char *from_utf8(const char *s)
{
    int enc = GetDatabaseEncoding();
    if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
        return pstrdup(s);
    Oid proc = FindDefaultConversionProc(PG_UTF8, enc);
    if (!OidIsValid(proc)) {
        /* no conversion: keep ASCII, escape the rest */
        StringInfoData out;
        initStringInfo(&out);
        const unsigned char *p = reinterpret_cast<const unsigned char *>(s);
        int len = static_cast<int>(strlen(s));
        while (len > 0) {
            int l = 1;
            if (IS_HIGHBIT_SET(*p))
                l = escape_utf8_char(&out, p, len);
            else
                appendStringInfoChar(&out, static_cast<char>(*p));
            p += l;
            len -= l;
        }
        return out.data;
    }
    return convert_escaping(s, PG_UTF8, enc, proc, escape_utf8_char);
}

void copy_clipped(char *dst, int cap, const char *src)
{
    int len = static_cast<int>(strlen(src));
    if (len >= cap)
        len = pg_encoding_mbcliplen(PG_UTF8, src, len, cap - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

bool caller_sees_everything()
{
    return role_may_unlock(GetOuterUserId()) || has_privs_of_role(GetOuterUserId(), ROLE_PG_READ_ALL_STATS);
}

/* One refusal, prepared outside the lock. */
struct Entry {
    Oid database_oid, role_oid, login_oid;
    char database[kNameLen], role[kNameLen], login[kNameLen], rule[kRuleLen], object[kObjectLen],
        statement[kStatementLen];
    uint32 hash;
};

bool same_refusal(const Slot &s, const Entry &e)
{
    return s.used && s.hash == e.hash && s.database_oid == e.database_oid && s.role_oid == e.role_oid &&
           s.login_oid == e.login_oid && strcmp(s.rule, e.rule) == 0 && strcmp(s.object, e.object) == 0 && strcmp(s.statement, e.statement) == 0;
}

/* Scratch space for choosing a victim, allocated before the lock is taken. */
constexpr int kRoleBuckets = 2 * kBlockedCapacity; /* open addressing, power of two */
struct RoleBucket {
    Oid role;
    int count;       /* entries of the role */
    int oldest_old;  /* its oldest entry outside the newest kBlockedAlwaysKept, or -1 */
    uint64 oldest_attempt;
};
struct Scratch {
    uint64 attempts[kBlockedCapacity];
    RoleBucket buckets[kRoleBuckets];
};

/*
 * The slot a new entry of `role` replaces in a full ring: not one of the
 * newest kBlockedAlwaysKept; the oldest entry of the role holding the most
 * entries (among roles with such an older entry); the refusing role's own
 * when it holds as many as any other.  Called under the lock; O(capacity).
 */
int victim_slot(Oid role, Scratch *sc)
{
    for (int i = 0; i < kBlockedCapacity; i++)
        sc->attempts[i] = g_ring->slots[i].attempt;
    /* attempts are unique: those >= threshold are the newest kBlockedAlwaysKept */
    uint64 *nth = sc->attempts + (kBlockedCapacity - kBlockedAlwaysKept);
    std::nth_element(sc->attempts, nth, sc->attempts + kBlockedCapacity);
    uint64 threshold = *nth;

    for (int b = 0; b < kRoleBuckets; b++)
        sc->buckets[b].count = 0;
    for (int i = 0; i < kBlockedCapacity; i++) {
        const Slot &s = g_ring->slots[i];
        uint32 b = hash_bytes_uint32(s.role_oid) & (kRoleBuckets - 1);
        while (sc->buckets[b].count > 0 && sc->buckets[b].role != s.role_oid)
            b = (b + 1) & (kRoleBuckets - 1);
        RoleBucket &rb = sc->buckets[b];
        if (rb.count == 0) {
            rb.role = s.role_oid;
            rb.oldest_old = -1;
        }
        rb.count++;
        if (s.attempt < threshold && (rb.oldest_old < 0 || s.attempt < rb.oldest_attempt)) {
            rb.oldest_old = i;
            rb.oldest_attempt = s.attempt;
        }
    }
    const RoleBucket *best = nullptr;
    for (int b = 0; b < kRoleBuckets; b++) {
        const RoleBucket &rb = sc->buckets[b];
        if (rb.count == 0 || rb.oldest_old < 0)
            continue;
        bool better = best == nullptr || rb.count > best->count ||
                      (rb.count == best->count && best->role != role &&
                       (rb.role == role || rb.oldest_attempt < best->oldest_attempt));
        if (better)
            best = &rb;
    }
    return best->oldest_old; /* some entry is older than the newest kBlockedAlwaysKept */
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
    /* catalog lookups, conversions and redaction first, outside the lock */
    Entry *e = static_cast<Entry *>(palloc0(sizeof(Entry)));
    e->database_oid = MyDatabaseId;
    e->role_oid = GetOuterUserId();
    e->login_oid = GetAuthenticatedUserId(); /* SET SESSION AUTHORIZATION / SET ROLE do not change it */
    copy_clipped(e->database, kNameLen, to_utf8(get_database_name(MyDatabaseId)));
    copy_clipped(e->role, kNameLen, to_utf8(GetUserNameFromId(e->role_oid, true)));
    copy_clipped(e->login, kNameLen, to_utf8(GetUserNameFromId(e->login_oid, true)));
    copy_clipped(e->rule, kRuleLen, rule_name(rule));
    copy_clipped(e->object, kObjectLen, to_utf8(object));
    copy_clipped(e->statement, kStatementLen, to_utf8(redact_secrets(statement)));
    uint32 h = hash_bytes(reinterpret_cast<const unsigned char *>(e->statement), static_cast<int>(strlen(e->statement)));
    h = hash_combine(h, hash_bytes(reinterpret_cast<const unsigned char *>(e->object), static_cast<int>(strlen(e->object))));
    h = hash_combine(h, hash_bytes(reinterpret_cast<const unsigned char *>(e->rule), static_cast<int>(strlen(e->rule))));
    e->hash = hash_combine(h, hash_combine(e->database_oid, hash_combine(e->role_oid, e->login_oid)));
    Scratch *scratch = static_cast<Scratch *>(palloc(sizeof(Scratch)));
    TimestampTz now = GetCurrentTimestamp();

    LWLockAcquire(g_ring->lock, LW_EXCLUSIVE);
    uint64 attempt = ++g_ring->next;
    Slot *s = nullptr;
    for (int i = 0; i < g_ring->used && s == nullptr; i++)
        if (same_refusal(g_ring->slots[i], *e))
            s = &g_ring->slots[i];
    if (s != nullptr) {
        s->repeats++;
    } else {
        s = g_ring->used < kBlockedCapacity ? &g_ring->slots[g_ring->used++]
                                            : &g_ring->slots[victim_slot(e->role_oid, scratch)];
        s->used = true;
        s->repeats = 1;
        s->first_at = now;
        s->database_oid = e->database_oid;
        s->role_oid = e->role_oid;
        s->login_oid = e->login_oid;
        s->hash = e->hash;
        memcpy(s->database, e->database, sizeof s->database);
        memcpy(s->role, e->role, sizeof s->role);
        memcpy(s->login, e->login, sizeof s->login);
        memcpy(s->rule, e->rule, sizeof s->rule);
        memcpy(s->object, e->object, sizeof s->object);
        memcpy(s->statement, e->statement, sizeof s->statement);
    }
    s->attempt = attempt;
    s->at = now;
    s->pid = MyProcPid;
    LWLockRelease(g_ring->lock);
}

} // namespace mg

using namespace mg;

namespace {

int by_attempt(const void *x, const void *y)
{
    const Slot *a = static_cast<const Slot *>(x), *b = static_cast<const Slot *>(y);
    return a->attempt < b->attempt ? -1 : a->attempt > b->attempt;
}

} // namespace

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
    Oid me = GetOuterUserId();

    /* copy the slots out under the lock, build tuples after releasing it */
    Slot *copy = static_cast<Slot *>(palloc(sizeof(Slot) * kBlockedCapacity));
    LWLockAcquire(g_ring->lock, LW_SHARED);
    int count = g_ring->used;
    memcpy(copy, g_ring->slots, sizeof(Slot) * count);
    LWLockRelease(g_ring->lock);
    qsort(copy, count, sizeof(Slot), by_attempt);

    for (int i = 0; i < count; i++) {
        const Slot &s = copy[i];
        if (!all && s.role_oid != me)
            continue;
        Datum values[11];
        bool nulls[11] = {false, false, false, false, false, false, false, false, false, false, false};
        values[0] = TimestampTzGetDatum(s.at);
        values[1] = CStringGetTextDatum(from_utf8(s.database));
        values[2] = CStringGetTextDatum(from_utf8(s.role));
        values[3] = CStringGetTextDatum(s.rule);
        values[4] = CStringGetTextDatum(from_utf8(s.object));
        values[5] = CStringGetTextDatum(from_utf8(s.statement));
        values[6] = Int32GetDatum(s.pid);
        values[7] = Int64GetDatum(static_cast<int64>(s.attempt));
        values[8] = TimestampTzGetDatum(s.first_at);
        values[9] = Int64GetDatum(static_cast<int64>(s.repeats));
        values[10] = CStringGetTextDatum(from_utf8(s.login));
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum) 0;
}
