/*
 * hooks.h — the guard's entry points into PostgreSQL's statement processing.
 */
#pragma once

namespace mg {

/* Installs every hook, chaining to the one that was there before. */
void install_hooks();

/* Were the hooks installed (library in shared_preload_libraries)? */
bool hooks_installed();

} // namespace mg
