// commands.h — the commands of the client; each returns the exit status and
// throws CliError for exit status 3.
#pragma once

#include "cli/options.h"

namespace mgcli {

int run_check(const Options &o);      // cmd_check.cpp
int run_diff(const Options &o);       // cmd_diff.cpp
int run_preflight(const Options &o);  // cmd_flight.cpp
int run_postflight(const Options &o); // cmd_flight.cpp
int run_verify(const Options &o);     // cmd_verify.cpp

} // namespace mgcli
