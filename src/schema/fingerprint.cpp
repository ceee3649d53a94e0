/* fingerprint.cpp — see fingerprint.h. */
#include "common/bridge.h"
#include "schema/export.h"
#include "schema/fingerprint.h"
#include "schema/jsonb_build.h"

namespace mg {

char *export_fingerprint(Jsonb *export_jsonb)
{
    JsonbValue objects;
    if (!jb_get(&export_jsonb->root, "objects", &objects) || objects.type != jbvBinary)
        elog(ERROR, "migrate_guard: export without objects");
    StringInfoData buf;
    initStringInfo(&buf);
    appendStringInfo(&buf, "%s %d\n", kExportFormat, kExportFormatVersion);
    (void) JsonbToCString(&buf, objects.val.binary.data, objects.val.binary.len);

    bytea *input = static_cast<bytea *>(palloc(VARHDRSZ + buf.len));
    SET_VARSIZE(input, VARHDRSZ + buf.len);
    memcpy(VARDATA(input), buf.data, buf.len);
    bytea *digest = DatumGetByteaPP(DirectFunctionCall1(sha256_bytea, PointerGetDatum(input)));
    const unsigned char *d = reinterpret_cast<const unsigned char *>(VARDATA_ANY(digest));
    int len = static_cast<int>(VARSIZE_ANY_EXHDR(digest));
    char *hex = static_cast<char *>(palloc(len * 2 + 1));
    for (int i = 0; i < len; i++)
        snprintf(hex + i * 2, 3, "%02x", d[i]);
    return hex;
}

} // namespace mg
