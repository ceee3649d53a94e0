/* audit_hooks.cpp — the audit's own hooks (see audit.h), installed by install_hooks(). */
#include "common/bridge.h"
#include "audit/audit.h"

namespace mg {

void install_audit_hooks()
{
    install_concurrent_hooks();  /* object_access_hook, transaction callback */
    install_catalog_dml_hook();  /* ExecutorStart_hook */
}

} // namespace mg
