/*
 * settings.cpp — definition of the migrate_guard.* settings.
 *
 * migrate_guard.allow_destructive is PGC_USERSET so that anybody may turn it
 * off, and a check hook refuses to turn it on unless the real caller is a
 * superuser or a member of migrate_guard.admin_role.  The hook sees every
 * route: SET, SET LOCAL and set_config() (source "session"), a function's SET
 * clause (checked when the function runs), ALTER ROLE/DATABASE ... SET (checked
 * for the altering role when it is issued, and for the logging-in role when it
 * is applied), and PGOPTIONS (checked at connection time).
 *
 * Any change that can turn a previously allowed statement into a refused one
 * (flag turned off, mode or blocked rules changed) resets this backend's plan
 * cache.  DML is judged each time it executes (guard/dml_check.h), so cached
 * plans are checked anyway; the reset only keeps them from outliving the
 * settings they were planned under.
 */
#include "common/bridge.h"
#include "common/settings.h"

#include <cstdlib>

namespace mg {
namespace {

const struct config_enum_entry kModeOptions[] = {
    {"enforce", static_cast<int>(Mode::enforce), false},
    {"warn", static_cast<int>(Mode::warn), false},
    {"off", static_cast<int>(Mode::off), false},
    {nullptr, 0, false},
};

int g_mode = static_cast<int>(Mode::enforce);
bool g_allow = false;
char *g_admin_role = nullptr;
char *g_reason = nullptr;
bool g_require_reason = false;
char *g_blocked_text = nullptr;
RuleSet g_blocked = default_blocked_rules();
int g_max_rows_changed = 0;

RuleSet with_tamper(RuleSet s)
{
    s.add(Rule::guard_tamper);
    return s;
}

bool source_is_checked(GucSource source)
{
    /*
     * Values from the server's own configuration (defaults, postgresql.conf,
     * command line, ALTER SYSTEM) can only be written by a superuser; every
     * later source is a role acting and is judged.
     */
    return source >= PGC_S_DATABASE && source != PGC_S_OVERRIDE;
}

bool check_allow(bool *newval, void ** /*extra*/, GucSource source)
{
    return guarded("migrate_guard.allow_destructive", [&]() -> bool {
        if (!*newval || !source_is_checked(source) || InitializingParallelWorker)
            return true;
        if (!IsTransactionState()) {
            GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
            GUC_check_errmsg("migrate_guard.allow_destructive can only be turned on inside a transaction");
            return false;
        }
        Oid caller = GetOuterUserId();
        if (role_may_unlock(caller))
            return true;
        GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
        GUC_check_errmsg("permission denied to turn on migrate_guard.allow_destructive");
        GUC_check_errdetail("Role \"%s\" is neither a superuser nor a member of \"%s\".",
                            GetUserNameFromId(caller, true) ? GetUserNameFromId(caller, true) : "?",
                            admin_role_name());
        GUC_check_errhint("Ask a member of role \"%s\" to run the statement.", admin_role_name());
        return false;
    });
}

/* mg-lint: no-throw (GUC assign hook: may not fail) */
void assign_allow(bool newval, void * /*extra*/)
{
    if (g_allow && !newval)
        ResetPlanCache();
}

/* mg-lint: no-throw (GUC assign hook: may not fail) */
void assign_mode(int newval, void * /*extra*/)
{
    if (newval != g_mode)
        ResetPlanCache();
}

bool check_blocked(char **newval, void **extra, GucSource /*source*/)
{
    return guarded("migrate_guard.blocked_rules", [&]() -> bool {
        RuleSet set;
        char *bad = nullptr;
        if (!parse_rule_list(*newval ? *newval : "", &set, &bad)) {
            GUC_check_errcode(ERRCODE_INVALID_PARAMETER_VALUE);
            GUC_check_errmsg("unknown migrate_guard rule \"%s\"", bad);
            GUC_check_errdetail("Valid rule names are: %s.", all_rule_names());
            return false;
        }
        /* GUC "extra" data must come from malloc: guc.c free()s it */
        void *mem = malloc(sizeof(RuleSet));
        if (mem == nullptr)
            return false;
        *static_cast<RuleSet *>(mem) = set;
        *extra = mem;
        return true;
    });
}

/* mg-lint: no-throw (GUC assign hook: may not fail) */
void assign_blocked(const char * /*newval*/, void *extra)
{
    RuleSet set = with_tamper(*static_cast<RuleSet *>(extra));
    if (set != g_blocked) {
        g_blocked = set;
        ResetPlanCache();
    }
}

} // namespace

void define_settings()
{
    DefineCustomEnumVariable(
        "migrate_guard.mode",
        "enforce refuses guarded statements, warn runs them with a WARNING, off does no checks.",
        nullptr, &g_mode, static_cast<int>(Mode::enforce), kModeOptions, PGC_SUSET, 0,
        nullptr, assign_mode, nullptr);
    DefineCustomBoolVariable(
        "migrate_guard.allow_destructive",
        "While on, statements that migrate_guard would refuse are run (and audited as overridden).",
        "Only superusers and members of migrate_guard.admin_role may turn it on; anyone may turn it off.",
        &g_allow, false, PGC_USERSET, 0, check_allow, assign_allow, nullptr);
    DefineCustomStringVariable(
        "migrate_guard.admin_role",
        "Members of this role may turn migrate_guard.allow_destructive on.", nullptr,
        &g_admin_role, "migrate_guard_admin", PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable(
        "migrate_guard.reason",
        "Free text recorded with every statement run under migrate_guard.allow_destructive.",
        nullptr, &g_reason, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable(
        "migrate_guard.require_reason",
        "Refuse guarded statements run under the flag while migrate_guard.reason is empty.",
        nullptr, &g_require_reason, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable(
        "migrate_guard.blocked_rules",
        "Comma-separated list of the rules that refuse; other rules are only classified and audited.",
        "guard_tamper is always in force.", &g_blocked_text, default_blocked_rules_text(),
        PGC_SUSET, GUC_LIST_INPUT, check_blocked, assign_blocked, nullptr);
    DefineCustomIntVariable(
        "migrate_guard.max_rows_changed",
        "Refuse a statement that deletes or updates more than this many rows of one table (0: no limit).",
        "Rules mass_delete and mass_update; counted as rows are really changed, foreign-key actions included.",
        &g_max_rows_changed, 0, 0, INT_MAX, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("migrate_guard");
}

Mode mode() { return static_cast<Mode>(g_mode); }
bool flag_is_set() { return g_allow; }
const char *admin_role_name() { return g_admin_role ? g_admin_role : "migrate_guard_admin"; }
const char *reason() { return g_reason ? g_reason : ""; }
bool require_reason() { return g_require_reason; }
RuleSet blocked_rules() { return g_blocked; }
int max_rows_changed() { return g_max_rows_changed; }

const char *mode_name(Mode m)
{
    return kModeOptions[static_cast<int>(m)].name;
}

bool role_may_unlock(Oid role)
{
    if (superuser_arg(role))
        return true;
    Oid admin = get_role_oid(admin_role_name(), true);
    return OidIsValid(admin) && is_member_of_role(role, admin);
}

bool flag_in_force()
{
    return g_allow && role_may_unlock(GetOuterUserId());
}

} // namespace mg
