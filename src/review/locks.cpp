/* locks.cpp — see locks.h. */
#include "common/bridge.h"
#include "review/locks.h"

extern "C" {
#include "commands/defrem.h"
#include "commands/tablecmds.h"
}

namespace mg::review {
namespace {

bool has_option(List *options, const char *name)
{
    ListCell *lc;
    foreach (lc, options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, name) == 0)
            return opt->arg == nullptr || defGetBoolean(opt);
    }
    return false;
}

} // namespace

LOCKMODE statement_lock(Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_AlterTableStmt:
        return AlterTableGetLockLevel(castNode(AlterTableStmt, stmt)->cmds);
    case T_IndexStmt: /* DefineIndex */
        return castNode(IndexStmt, stmt)->concurrent ? ShareUpdateExclusiveLock : ShareLock;
    case T_DropStmt: /* RemoveRelations, RemoveObjects: the object and, for an index, its table */
        return castNode(DropStmt, stmt)->concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock;
    case T_TruncateStmt:
    case T_ClusterStmt:
    case T_RuleStmt:
    case T_CreatePolicyStmt:
    case T_AlterPolicyStmt:
    case T_AlterObjectSchemaStmt:
        return AccessExclusiveLock;
    case T_RenameStmt: /* RenameRelation: an index takes ShareUpdateExclusiveLock */
        return castNode(RenameStmt, stmt)->renameType == OBJECT_INDEX ? ShareUpdateExclusiveLock
                                                                         : AccessExclusiveLock;
    case T_CreateTrigStmt: /* CreateTrigger */
        return ShareRowExclusiveLock;
    case T_ReindexStmt: /* the table; its indexes get AccessExclusiveLock */
        return has_option(castNode(ReindexStmt, stmt)->params, "concurrently") ? ShareUpdateExclusiveLock
                                                                                 : ShareLock;
    case T_RefreshMatViewStmt:
        return castNode(RefreshMatViewStmt, stmt)->concurrent ? ExclusiveLock : AccessExclusiveLock;
    case T_VacuumStmt: {
        VacuumStmt *v = castNode(VacuumStmt, stmt);
        return v->is_vacuumcmd && has_option(v->options, "full") ? AccessExclusiveLock : ShareUpdateExclusiveLock;
    }
    case T_LockStmt:
        return castNode(LockStmt, stmt)->mode;
    case T_CommentStmt:
        return ShareUpdateExclusiveLock;
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt:
    case T_MergeStmt:
        return RowExclusiveLock;
    default:
        return NoLock;
    }
}

const char *lock_name(LOCKMODE mode)
{
    return GetLockmodeName(DEFAULT_LOCKMETHOD, mode);
}

char *a_lock(LOCKMODE mode)
{
    const char *name = lock_name(mode);
    return psprintf("%s %s", strchr("AEIOU", name[0]) ? "an" : "a", name);
}

bool blocks_writes(LOCKMODE mode)
{
    return mode != NoLock && DoLockModesConflict(mode, RowExclusiveLock);
}

bool blocks_reads(LOCKMODE mode)
{
    return mode != NoLock && DoLockModesConflict(mode, AccessShareLock);
}

const char *who_waits(LOCKMODE mode)
{
    if (blocks_reads(mode))
        return "every query on it (reads included)";
    if (blocks_writes(mode))
        return "every write to it (INSERT, UPDATE, DELETE)";
    return "other schema changes and VACUUM on it";
}

} // namespace mg::review
