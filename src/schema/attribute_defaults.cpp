/* attribute_defaults.cpp — see attribute_defaults.h. */
#include "common/bridge.h"
#include "schema/attribute_defaults.h"
#include "schema/object_types.h"
#include "schema/privileges.h"

#include <string_view>

namespace mg {
namespace {

struct Default {
    std::string_view type, attribute, value;
};

constexpr Default kDefaults[] = {
    {"table", "kind", "ordinary"},
    {"table", "persistence", "permanent"},
    {"table", "rls_enabled", "false"},
    {"table", "rls_forced", "false"},
    {"table", "access_method", "heap"},
    {"table", "replica_identity", "default"},
    {"materialized view", "access_method", "heap"},
    {"materialized view", "replica_identity", "default"},
    {"materialized view", "populated", "true"},
    {"view", "security_invoker", "false"},
    {"view", "security_barrier", "false"},
    {"sequence", "persistence", "permanent"},
    {"sequence", "cycle", "false"},
    {"sequence", "increment", "1"},
    {"sequence", "minimum", "1"},
    {"sequence", "start", "1"},
    {"sequence", "cache", "1"},
    {"sequence", "data_type", "bigint"},
    {"column", "not_null", "false"},
    {"domain", "not_null", "false"},
    {"constraint", "validated", "true"},
    {"constraint", "enforced", "true"},
    {"constraint", "on_delete", "NO ACTION"},
    {"constraint", "on_update", "NO ACTION"},
    {"index", "valid", "true"},
    {"trigger", "enabled", "ENABLED"},
    {"rule", "enabled", "ENABLED"},
    {"event trigger", "enabled", "ENABLED"},
    {"policy", "permissive", "true"},
    {"policy", "command", "ALL"},
    {"policy", "roles", "PUBLIC"},
    {"function", "volatility", "VOLATILE"},
    {"function", "strict", "false"},
    {"function", "security", "INVOKER"},
    {"function", "leakproof", "false"},
    {"function", "parallel", "UNSAFE"},
    {"function", "cost", "100"},
    {"procedure", "volatility", "VOLATILE"},
    {"procedure", "strict", "false"},
    {"procedure", "security", "INVOKER"},
    {"procedure", "leakproof", "false"},
    {"procedure", "parallel", "UNSAFE"},
    {"procedure", "cost", "100"},
    {"aggregate", "volatility", "IMMUTABLE"},
    {"aggregate", "strict", "false"},
    {"aggregate", "security", "INVOKER"},
    {"aggregate", "leakproof", "false"},
    {"aggregate", "parallel", "UNSAFE"},
    {"aggregate", "cost", "1"},
    {"aggregate", "language", "internal"},
    {"publication", "all_tables", "false"},
    {"publication", "via_root", "false"},
    {"publication", "publish", "insert, update, delete, truncate"},
    {"collation", "deterministic", "true"},
};

} // namespace

const char *attribute_default(int rank, const char *attr, int attr_len)
{
    std::string_view type(object_type_name(rank));
    std::string_view a(attr, static_cast<size_t>(attr_len));
    std::string_view prefix(kPrivilegesPrefix);
    if (a.substr(0, prefix.size()) == prefix) {
        std::string_view grantee = a.substr(prefix.size());
        if (grantee == "(owner)" || grantee == "PUBLIC")
            return default_privileges(object_type_name(rank), grantee == "PUBLIC" ? "PUBLIC" : "(owner)");
        return nullptr;
    }
    for (const Default &d : kDefaults)
        if (d.type == type && d.attribute == a)
            return d.value.data();
    return nullptr;
}

} // namespace mg
