/* rules.cpp — the rule table: names, defaults, and why each is dangerous. */
#include "guard/rules.h"

#include <array>

namespace mg {
namespace {

constexpr std::array<RuleInfo, kRuleCount> kRules = {{
    {Rule::drop_table, "drop_table", true,
     "Dropping a table, partition, foreign table or materialized view deletes its rows; they cannot be recovered without a backup."},
    {Rule::drop_schema, "drop_schema", true,
     "Dropping a schema removes the schema and, with CASCADE, every table and row in it."},
    {Rule::drop_database, "drop_database", true,
     "Dropping a database deletes all of its data and cannot be rolled back."},
    {Rule::drop_owned, "drop_owned", true,
     "DROP OWNED deletes every object the role owns in this database, tables and their rows included."},
    {Rule::drop_sequence, "drop_sequence", true,
     "Dropping a sequence loses its current value and breaks every column default that uses it."},
    {Rule::drop_extension, "drop_extension", true,
     "Dropping an extension removes its objects and, with CASCADE, everything that depends on them."},
    {Rule::drop_cascade, "drop_cascade", true,
     "CASCADE silently drops every dependent object as well (views, constraints, columns, tables)."},
    {Rule::drop_column, "drop_column", true,
     "Dropping a column deletes its values in every row; they cannot be recovered without a backup."},
    {Rule::alter_column_type, "alter_column_type", true,
     "Changing a column's type so that its stored values are converted rewrites the table under an exclusive lock and can lose precision or fail on existing data."},
    {Rule::truncate, "truncate", true,
     "TRUNCATE deletes every row of the table at once."},
    {Rule::delete_without_where, "delete_without_where", true,
     "A DELETE without a WHERE clause (or with one that is always true) deletes every row of the table."},
    {Rule::update_without_where, "update_without_where", true,
     "An UPDATE without a WHERE clause (or with one that is always true) overwrites every row of the table."},
    {Rule::disable_rls, "disable_rls", true,
     "Disabling (or no longer forcing) row-level security exposes every row to every role that can read the table."},
    {Rule::drop_policy, "drop_policy", true,
     "Dropping a row-level security policy changes which rows roles can see or change."},
    {Rule::set_unlogged, "set_unlogged", true,
     "An unlogged table is emptied after a crash and its rows never reach standbys or WAL-based backups."},
    {Rule::guard_tamper, "guard_tamper", true,
     "The statement would disable migrate_guard or alter its audit trail."},
    {Rule::mass_delete, "mass_delete", true,
     "One statement deleting this many rows of a table is usually a mistake (a wrong or missing condition, an "
     "unexpected cascade); the rows cannot be recovered without a backup."},
    {Rule::mass_update, "mass_update", true,
     "One statement overwriting this many rows of a table is usually a mistake (a wrong or missing condition, an "
     "unexpected cascade); the old values cannot be recovered without a backup."},
    {Rule::drop_view, "drop_view", false,
     "Dropping a view breaks every query and application that reads it."},
    {Rule::drop_function, "drop_function", false,
     "Dropping a function breaks every caller, trigger and default that uses it."},
    {Rule::drop_index, "drop_index", false,
     "Dropping an index can make queries slow or remove a uniqueness guarantee."},
    {Rule::drop_trigger, "drop_trigger", false,
     "Dropping a trigger silently removes behaviour (auditing, validation) the application relies on."},
    {Rule::rename, "rename", false,
     "Renaming a table or column breaks every query that uses the old name."},
}};

constexpr bool table_is_in_enum_order()
{
    for (int i = 0; i < kRuleCount; i++)
        if (static_cast<int>(kRules[i].rule) != i)
            return false;
    return true;
}
static_assert(table_is_in_enum_order(), "kRules must follow the Rule enum");

} // namespace

const RuleInfo &rule_info(Rule r) { return kRules[static_cast<int>(r)]; }

const char *rule_name(Rule r) { return rule_info(r).name.data(); }

RuleSet default_blocked_rules()
{
    RuleSet s;
    for (const RuleInfo &ri : kRules)
        if (ri.blocked_by_default)
            s.add(ri.rule);
    return s;
}

const char *default_blocked_rules_text()
{
    /* Built once, in TopMemoryContext: it is the GUC's boot value. */
    static char *text = nullptr;
    if (text == nullptr) {
        MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
        text = rule_set_text(default_blocked_rules());
        MemoryContextSwitchTo(old);
    }
    return text;
}

static bool lookup_rule(std::string_view name, Rule *out)
{
    for (const RuleInfo &ri : kRules)
        if (ri.name == name) {
            *out = ri.rule;
            return true;
        }
    return false;
}

bool parse_rule_list(const char *text, RuleSet *out, char **bad)
{
    RuleSet set;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ',')
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'))
            end--;
        if (end == start)
            continue;
        std::string_view name(start, static_cast<size_t>(end - start));
        Rule r;
        if (!lookup_rule(name, &r)) {
            *bad = pnstrdup(start, end - start);
            return false;
        }
        set.add(r);
    }
    *out = set;
    return true;
}

char *rule_set_text(RuleSet set)
{
    StringInfoData buf;
    initStringInfo(&buf);
    for (const RuleInfo &ri : kRules)
        if (set.has(ri.rule))
            appendStringInfo(&buf, "%s%s", buf.len ? "," : "", ri.name.data());
    return buf.data;
}

char *all_rule_names()
{
    StringInfoData buf;
    initStringInfo(&buf);
    for (const RuleInfo &ri : kRules)
        appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", ri.name.data());
    return buf.data;
}

} // namespace mg
