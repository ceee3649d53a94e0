/*
 * rules.h — the stable rule names of the public contract and rule sets.
 */
#pragma once

#include "common/pg.h"

#include <cstdint>
#include <string_view>

namespace mg {

enum class Rule : uint8_t {
    drop_table,
    drop_schema,
    drop_database,
    drop_owned,
    drop_sequence,
    drop_extension,
    drop_cascade,
    drop_column,
    alter_column_type,
    truncate,
    delete_without_where,
    update_without_where,
    disable_rls,
    drop_policy,
    set_unlogged,
    guard_tamper,
    mass_delete,
    mass_update,
    drop_view,
    drop_function,
    drop_index,
    drop_trigger,
    rename,
    count_ /* number of rules; not a rule */
};

constexpr int kRuleCount = static_cast<int>(Rule::count_);

struct RuleInfo {
    Rule rule;
    std::string_view name;
    bool blocked_by_default;
    const char *danger; /* DETAIL of a refusal: why it is dangerous */
};

const RuleInfo &rule_info(Rule r);
const char *rule_name(Rule r);

/* A set of rules as a bit mask. */
class RuleSet {
public:
    constexpr RuleSet() = default;
    constexpr bool has(Rule r) const { return bits_ & bit(r); }
    constexpr void add(Rule r) { bits_ |= bit(r); }
    constexpr bool empty() const { return bits_ == 0; }
    constexpr uint32_t bits() const { return bits_; }
    constexpr bool operator!=(RuleSet o) const { return bits_ != o.bits_; }

private:
    static constexpr uint32_t bit(Rule r) { return 1u << static_cast<int>(r); }
    uint32_t bits_ = 0;
};
static_assert(kRuleCount <= 32, "RuleSet holds at most 32 rules");

/* The rules blocked when migrate_guard.blocked_rules is not set. */
RuleSet default_blocked_rules();

/* Comma-separated list of the default rule names, for the GUC's boot value. */
const char *default_blocked_rules_text();

/*
 * Parse a comma-separated list of rule names (the GUC syntax).  Returns false
 * and points *bad at the first unknown name (palloc'd) when one is unknown.
 */
bool parse_rule_list(const char *text, RuleSet *out, char **bad);

/* "drop_table, drop_schema, ..." of every known rule (palloc'd). */
char *all_rule_names();

/* "a,b,c" of the rules in the set, in contract order (palloc'd). */
char *rule_set_text(RuleSet set);

} // namespace mg
