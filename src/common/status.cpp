/*
 * status.cpp — migrate_guard.status() and the preload check used by the
 * install script.
 */
#include "common/bridge.h"
#include "common/ext_state.h"
#include "common/ext_version.h"
#include "common/hooks.h"
#include "common/settings.h"

/* MG_VERSION: the library version, from the Makefile (EXTVERSION) */
#ifndef MG_VERSION
#error "MG_VERSION must be defined by the build"
#endif

using namespace mg;

namespace {

void put_row(ReturnSetInfo *rsinfo, const char *setting, const char *value)
{
    Datum values[2] = {CStringGetTextDatum(setting), CStringGetTextDatum(value)};
    bool nulls[2] = {false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

const char *yes_no(bool b) { return b ? "true" : "false"; }

} // namespace

MG_SQL_FUNCTION(mg_status)
{
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    bool active = hooks_installed() && ext_state().present;
    put_row(rsinfo, "version", MG_VERSION);
    /* the version of the SQL objects in this database: older until ALTER EXTENSION migrate_guard UPDATE */
    const char *installed = installed_extension_version();
    put_row(rsinfo, "extension_version", installed ? installed : "not installed");
    put_row(rsinfo, "preloaded", yes_no(hooks_installed()));
    put_row(rsinfo, "active", yes_no(active));
    put_row(rsinfo, "mode", mode_name(mode()));
    put_row(rsinfo, "admin_role", admin_role_name());
    put_row(rsinfo, "allow_destructive", flag_is_set() ? "on" : "off");
    put_row(rsinfo, "flag_in_force", yes_no(flag_in_force()));
    put_row(rsinfo, "blocked_rules", rule_set_text(blocked_rules()));
    put_row(rsinfo, "require_reason", require_reason() ? "on" : "off");
    put_row(rsinfo, "max_rows_changed", psprintf("%d", max_rows_changed()));
    put_row(rsinfo, "reason", reason());
    return (Datum) 0;
}

MG_SQL_FUNCTION(mg_preloaded)
{
    PG_RETURN_BOOL(hooks_installed());
}
