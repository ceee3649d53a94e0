/*
 * pinned_settings.h — the settings migrate_guard's schema SQL runs under.
 *
 * While the schema functions read the catalog, these settings are pinned
 * (restored on the way out, and by transaction or subtransaction abort):
 *   search_path = pg_catalog, pg_temp   no schema of the caller can shadow a
 *                                       function, operator or type, and the
 *                                       deparsers qualify every other name
 *   standard_conforming_strings = on    string literals mean what they say
 *   quote_all_identifiers = off,        deparsed text and constants look the
 *   DateStyle = ISO, IntervalStyle =    same whatever the session's settings
 *   postgres, TimeZone = UTC,
 *   extra_float_digits = 3, bytea_output = hex
 * Calls into other migrate_guard functions whose arguments are resolved with
 * the caller's search_path (verify_fk_rules expectations, ...) run outside.
 */
#pragma once

#include "common/pg.h"

namespace mg {

/* Pins the settings; returns the GUC nest level to give to unpin_settings. */
int pin_settings();
void unpin_settings(int level);

} // namespace mg
