/*-------------------------------------------------------------------------
 *
 * planner.h
 *		  The planner callbacks, and what the planner hands the executor:
 *		  fdw_private of a ForeignScan.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/planner.h
 *
 * fdw_private is a List indexed by DynamoScanPrivate; it holds only
 * copyable nodes and never credentials.  fdw_exprs holds the :vN value
 * expressions first (ScanPrivateNumValues of them), then the key
 * expressions of GetItem/BatchGetItem, partition (and sort) key of each key.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_PLANNER_H
#define DYNAMO_PLANNER_H

#include "fdw_compat.h"

typedef enum DynamoOperation
{
	DYNAMO_OP_GET_ITEM,
	DYNAMO_OP_BATCH_GET_ITEM,
	DYNAMO_OP_QUERY,
	DYNAMO_OP_SCAN
} DynamoOperation;

typedef enum DynamoScanPrivate
{
	ScanPrivateOperation,		/* Integer: DynamoOperation */
	ScanPrivateTable,			/* String: DynamoDB table */
	ScanPrivateIndex,			/* String: index, "" for the table */
	ScanPrivateKeyCondition,	/* String: KeyConditionExpression or "" */
	ScanPrivateFilter,			/* String: FilterExpression or "" */
	ScanPrivateProjection,		/* String: ProjectionExpression or "" */
	ScanPrivateNames,			/* List of String: #nN -> attribute */
	ScanPrivateNumValues,		/* Integer: how many :vN in fdw_exprs */
	ScanPrivateKeyAttrs,		/* List of String: partition [, sort] key */
	ScanPrivateNumKeys,			/* Integer: keys (GetItem 1, BatchGetItem n) */
	ScanPrivateRetrievedAttrs,	/* List of Integer: attnums to fill */
	ScanPrivateConsistentRead,	/* Integer: 0/1 */
	ScanPrivateSegments,		/* Integer: Scan TotalSegments */
	ScanPrivateCountOnly,		/* Integer: COUNT(*): how many names the
								 * conditions use (Select=COUNT sends just
								 * these); -1 for a scan returning rows */
	ScanPrivateLimit,			/* Integer: item limit or -1 */
	ScanPrivateOrder,			/* Integer: 1 ascending, -1 descending sort
								 * key order promised, 0 none */
	ScanPrivateValueDisplay,	/* List of String: EXPLAIN VERBOSE's text of
								 * each fdw_exprs entry */
	ScanPrivateSortAttr,		/* String: the Query's sort key attribute */
	ScanPrivateReadAll,			/* Integer: 1 when the planner plans for every
								 * row (tuple_fraction 0: no LIMIT, no
								 * cursor); the executor may still stop */
	ScanPrivateSegmentsAhead,	/* Integer: 1 when the segments of an item
								 * Scan each have their next page asked for
								 * ahead (else read together, page by page) */
	ScanPrivateCount			/* not an entry: how many there are */
} DynamoScanPrivate;

/*
 * fdw_private unpacked, one field per entry (in DynamoScanPrivate's order);
 * planner.c's dynamo_scan_private_pack and _unpack are the only code that
 * knows the List's layout, and a static assertion there checks that they
 * cover every entry.
 */
typedef struct DynamoScanPlan
{
	DynamoOperation op;
	char	   *table;
	char	   *index;			/* "" for the table */
	char	   *keycond;		/* "" when none */
	char	   *filter;			/* "" when none */
	char	   *projection;		/* "" for every attribute */
	List	   *names;
	int			nvalues;
	List	   *key_attrs;
	int			nkeys;
	List	   *retrieved;
	bool		consistent;
	int			segments;
	int			count_names;
	int			limit;
	int			order;
	List	   *value_display;
	char	   *sort_attr;
	bool		read_all;
	bool		segments_ahead;
} DynamoScanPlan;

/* in planner.c */
extern const char *const dynamo_operation_names[];
extern List *dynamo_scan_private_pack(const DynamoScanPlan *plan);
extern void dynamo_scan_private_unpack(List *fdw_private, DynamoScanPlan *plan);
extern void dynamoGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
									Oid foreigntableid);
extern void dynamoGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
extern ForeignScan *dynamoGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
										 Oid foreigntableid, ForeignPath *best_path,
										 List *tlist, List *scan_clauses,
										 Plan *outer_plan);
extern bool dynamoIsForeignScanParallelSafe(PlannerInfo *root, RelOptInfo *rel,
											RangeTblEntry *rte);
extern void dynamoGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage,
									   RelOptInfo *input_rel, RelOptInfo *output_rel,
									   void *extra);

#endif							/* DYNAMO_PLANNER_H */
