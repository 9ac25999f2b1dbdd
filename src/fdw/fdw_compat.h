/*-------------------------------------------------------------------------
 *
 * fdw_compat.h
 *		  The differences between PostgreSQL 15, 16, 17 and 18 in the planner
 *		  and executor APIs the wrapper uses.
 *
 * Copyright (c) 2025-2026, dynamo_fdw contributors
 *
 * IDENTIFICATION
 *		  src/fdw/fdw_compat.h
 *
 * The second half of src/pg_compat.h (whose header comment says how the
 * shims are written), kept apart because it includes planner and executor
 * headers, which src/aws/ must not see.  Only src/fdw/ (through
 * dynamo_fdw.h) includes it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_FDW_COMPAT_H
#define DYNAMO_FDW_COMPAT_H

#include "pg_compat.h"

#include "access/stratnum.h"
#include "catalog/pg_collation.h"
#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"
#include "nodes/plannodes.h"
#include "optimizer/pathnode.h"
#include "parser/parsetree.h"
#include "utils/array.h"		/* ArrayType: no longer reached through other
								 * headers in 16 */

#if PG_VERSION_NUM >= 160000
#include "parser/parse_relation.h"
#include "rewrite/rewriteManip.h"
#endif

#if PG_VERSION_NUM >= 180000
#include "utils/pg_locale.h"
/* ExplainState and the ExplainProperty* functions got headers of their own */
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#endif

/*
 * 17: foreign paths carry the restriction clauses an FDW re-checks
 * (fdw_restrictinfo; dynamo_fdw checks its own, so NIL).  18: paths count
 * their disabled nodes (disabled_nodes; none here, so 0).
 */
#if PG_VERSION_NUM >= 180000
#define create_foreignscan_path(root, rel, target, rows, startup_cost, total_cost, \
								pathkeys, required_outer, fdw_outerpath, fdw_private) \
	(create_foreignscan_path)((root), (rel), (target), (rows), 0, (startup_cost), (total_cost), \
							  (pathkeys), (required_outer), (fdw_outerpath), NIL, (fdw_private))
#define create_foreign_upper_path(root, rel, target, rows, startup_cost, total_cost, \
								  pathkeys, fdw_outerpath, fdw_private) \
	(create_foreign_upper_path)((root), (rel), (target), (rows), 0, (startup_cost), (total_cost), \
								(pathkeys), (fdw_outerpath), NIL, (fdw_private))
#elif PG_VERSION_NUM >= 170000
#define create_foreignscan_path(root, rel, target, rows, startup_cost, total_cost, \
								pathkeys, required_outer, fdw_outerpath, fdw_private) \
	(create_foreignscan_path)((root), (rel), (target), (rows), (startup_cost), (total_cost), \
							  (pathkeys), (required_outer), (fdw_outerpath), NIL, (fdw_private))
#define create_foreign_upper_path(root, rel, target, rows, startup_cost, total_cost, \
								  pathkeys, fdw_outerpath, fdw_private) \
	(create_foreign_upper_path)((root), (rel), (target), (rows), (startup_cost), (total_cost), \
								(pathkeys), (fdw_outerpath), NIL, (fdw_private))
#endif

/*
 * 18: lc_collate_is_c() is gone (a collation's pg_locale_t says it), and so
 * is the POSIX_COLLATION_OID symbol.  POSIX sorts as C and its pg_locale_t
 * says so, so the C collation's OID stands in for the symbol and the
 * function below answers for POSIX too.
 */
#if PG_VERSION_NUM >= 180000
#ifndef POSIX_COLLATION_OID
#define POSIX_COLLATION_OID C_COLLATION_OID
#endif
static inline bool
lc_collate_is_c(Oid collation)
{
	if (!OidIsValid(collation))
		return false;
	if (collation == C_COLLATION_OID)
		return true;
	return pg_newlocale_from_collation(collation)->collate_is_c;
}
#endif

/*
 * 18: a PathKey's direction is a CompareType (pk_cmptype), no longer a
 * btree strategy number (pk_strategy).  True when PK sorts ascending.
 */
static inline bool
dynamo_pathkey_ascending(PathKey *pk)
{
#if PG_VERSION_NUM >= 180000
	return pk->pk_cmptype == COMPARE_LT;
#else
	return pk->pk_strategy == BTLessStrategyNumber;
#endif
}

/*
 * 16: a join relation's relids include the RT index of each outer join it
 * computes.  dynamo_base_relids: RELIDS without them (base relations only).
 */
static inline Relids
dynamo_base_relids(PlannerInfo *root, Relids relids)
{
#if PG_VERSION_NUM >= 160000
	return bms_difference(relids, root->outer_join_rels);
#else
	return relids;
#endif
}

/*
 * 16: the permission fields of a RangeTblEntry (checkAsUser among them)
 * moved to an RTEPermissionInfo, which only the RTE a query names has: an
 * inheritance child's (a foreign partition's) perminfoindex is 0.
 *
 * dynamo_rte_check_as_user: the role whose user mapping a query of RTE
 * uses when it is not the current user (a view's owner), or InvalidOid.
 */
static inline Oid
dynamo_rte_check_as_user(EState *estate, RangeTblEntry *rte)
{
#if PG_VERSION_NUM >= 160000
	if (rte->perminfoindex == 0)
		return InvalidOid;
	return getRTEPermissionInfo(estate->es_rteperminfos, rte)->checkAsUser;
#else
	return rte->checkAsUser;
#endif
}

/*
 * The same for a foreign scan: from 16 the planner copies the role into
 * the plan (ForeignScan.checkAsUser), which also covers a partition's scan;
 * a scan without one (COUNT(*) above the table) falls back to the RTE.
 */
static inline Oid
dynamo_scan_check_as_user(ForeignScan *fs, EState *estate, RangeTblEntry *rte)
{
#if PG_VERSION_NUM >= 160000
	if (OidIsValid(fs->checkAsUser))
		return fs->checkAsUser;
#endif
	return dynamo_rte_check_as_user(estate, rte);
}

/*
 * 16: a Var says which outer joins may have nulled it (varnullingrels),
 * and setrefs.c checks that a plan's Vars match the scan tuple's exactly.
 * A key join that computes a left (or anti) join itself is such an outer
 * join for the foreign table's columns: above it (the join's target list,
 * WHERE) they carry its relid, so the columns it puts in its scan tuple,
 * and the join conditions it checks there, must carry it too.
 *
 * dynamo_join_nulling_relids: the outer joins a join of OUTER and one
 * more relation computes (none before 16).
 * dynamo_var_nulled: VAR marked as nulled by NULLING.
 * dynamo_nulled_vars: NODE with the Vars of relation VARNO so marked.
 */
static inline Relids
dynamo_join_nulling_relids(PlannerInfo *root, Relids joinrelids, Relids outerrelids)
{
#if PG_VERSION_NUM >= 160000
	return bms_difference(bms_intersect(joinrelids, root->outer_join_rels), outerrelids);
#else
	return NULL;
#endif
}

static inline Var *
dynamo_var_nulled(Var *var, Relids nulling)
{
#if PG_VERSION_NUM >= 160000
	var->varnullingrels = bms_copy(nulling);
#endif
	return var;
}

static inline Node *
dynamo_nulled_vars(Node *node, Index varno, Relids nulling)
{
#if PG_VERSION_NUM >= 160000
	if (!bms_is_empty(nulling))
		return add_nulling_relids(node, bms_make_singleton(varno), nulling);
#endif
	return node;
}

#endif							/* DYNAMO_FDW_COMPAT_H */
