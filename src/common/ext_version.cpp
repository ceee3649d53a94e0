/* ext_version.cpp — see ext_version.h. */
#include "common/bridge.h"
#include "common/ext_version.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
}

#ifndef MG_VERSION
#error "MG_VERSION must be defined by the build"
#endif

namespace mg {
namespace {

/* Compares dotted versions number by number ("0.10.0" > "0.2.0"); a missing number counts as 0. */
int compare_versions(const char *a, const char *b)
{
    while (*a || *b) {
        long x = 0, y = 0;
        while (*a >= '0' && *a <= '9')
            x = x * 10 + (*a++ - '0');
        while (*b >= '0' && *b <= '9')
            y = y * 10 + (*b++ - '0');
        if (x != y)
            return x < y ? -1 : 1;
        /* anything else than a digit separates numbers */
        while (*a && !(*a >= '0' && *a <= '9'))
            a++;
        while (*b && !(*b >= '0' && *b <= '9'))
            b++;
    }
    return 0;
}

} // namespace

const char *installed_extension_version()
{
    Relation rel = table_open(ExtensionRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ, CStringGetDatum("migrate_guard"));
    SysScanDesc scan = systable_beginscan(rel, ExtensionNameIndexId, true, nullptr, 1, &key);
    HeapTuple tup = systable_getnext(scan);
    const char *version = nullptr;
    if (HeapTupleIsValid(tup)) {
        bool isnull;
        Datum d = heap_getattr(tup, Anum_pg_extension_extversion, RelationGetDescr(rel), &isnull);
        if (!isnull)
            version = TextDatumGetCString(d);
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return version;
}

void require_extension_version(const char *function, const char *since)
{
    const char *installed = installed_extension_version();
    if (installed == nullptr)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("migrate_guard: the extension is not installed in this database"),
                        errhint("CREATE EXTENSION migrate_guard; with the library in shared_preload_libraries.")));
    if (compare_versions(installed, since) < 0)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("migrate_guard: %s needs migrate_guard %s in this database, which has %s", function,
                               since, installed),
                        errdetail("Database \"%s\" has migrate_guard %s installed; the loaded library is version %s.",
                                  get_database_name(MyDatabaseId), installed, MG_VERSION),
                        errhint("Run ALTER EXTENSION migrate_guard UPDATE in this database.")));
}

} // namespace mg
