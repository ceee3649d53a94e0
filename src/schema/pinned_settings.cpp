/* pinned_settings.cpp — see pinned_settings.h. */
#include "common/bridge.h"
#include "schema/pinned_settings.h"

namespace mg {

int pin_settings()
{
    static const char *const kSettings[][2] = {
        {"search_path", "pg_catalog, pg_temp"},
        {"standard_conforming_strings", "on"},
        {"quote_all_identifiers", "off"},
        {"DateStyle", "ISO, YMD"},
        {"IntervalStyle", "postgres"},
        {"TimeZone", "UTC"},
        {"extra_float_digits", "3"},
        {"bytea_output", "hex"},
    };
    int level = NewGUCNestLevel();
    for (const auto &s : kSettings)
        (void) set_config_option(s[0], s[1], PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    return level;
}

void unpin_settings(int level) { AtEOXact_GUC(true, level); }

} // namespace mg
