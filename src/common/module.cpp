/*
 * module.cpp — library entry point.
 *
 * The settings are defined whenever the library is loaded, so that the SQL
 * functions work in a database whose server did not preload it; the hooks and
 * shared memory need shared_preload_libraries and are installed only then.
 * The migration review's barrier against user code (common/user_code.h) is
 * installed in every case: a review may run where the library was not
 * preloaded.
 */
#include "common/bridge.h"
#include "common/hooks.h"
#include "common/settings.h"
#include "common/user_code.h"
#include "review/probes.h"

extern "C" {
PG_MODULE_MAGIC;
PGDLLEXPORT void _PG_init(void);
}

void _PG_init(void)
{
    mg::guarded("_PG_init", [] {
        mg::review::define_review_settings(); /* before define_settings() reserves the prefix */
        mg::define_settings();
        mg::install_user_code_barrier();
        if (process_shared_preload_libraries_in_progress)
            mg::install_hooks();
    });
}
