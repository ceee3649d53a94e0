// help.h — the text of --help and --version.
#pragma once

namespace mgcli {

const char *help_text();
const char *version_text();

} // namespace mgcli
