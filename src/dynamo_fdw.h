/*-------------------------------------------------------------------------
 *
 * dynamo_fdw.h
 *		  The one internal header of dynamo_fdw.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/dynamo_fdw.h
 *
 * Structs shared between rooms and the externs each room offers, grouped by
 * the file that defines them.  Client libraries stay behind their own small
 * headers (http.h, sigv4.h, ddb_json.h).  src/aws/ never includes this
 * header (it brings the planner and executor's); what the wrapper uses of
 * src/aws/ it gets from that folder's headers, included below.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_FDW_H
#define DYNAMO_FDW_H

#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "nodes/pg_list.h"
#include "utils/relcache.h"
#include "fdw_compat.h"

#include "credentials.h"
#include "server_options.h"

/* DynamoDB's own limits. */
#define DYNAMO_MAX_TRANSACT_ACTIONS	100
#define DYNAMO_MAX_BATCH_GET_KEYS	100
#define DYNAMO_MAX_BATCH_WRITE_ITEMS	25
/* Bytes of one expression string (ConditionExpression, UpdateExpression ...). */
#define DYNAMO_MAX_EXPRESSION_BYTES	4096

/* DynamoDB scalar attribute types of keys. */
#define DYNAMO_TYPE_S	'S'
#define DYNAMO_TYPE_N	'N'
#define DYNAMO_TYPE_B	'B'

/* How much of the base table's items an index holds. */
typedef enum DynamoProjection
{
	DYNAMO_PROJECT_ALL,
	DYNAMO_PROJECT_KEYS_ONLY,
	DYNAMO_PROJECT_INCLUDE
} DynamoProjection;

/* A global or local secondary index, from DescribeTable. */
typedef struct DynamoIndex
{
	char	   *name;
	bool		is_local;
	char	   *partition_key;
	char		partition_type;
	char	   *sort_key;		/* NULL when none */
	char		sort_type;
	DynamoProjection projection;
	List	   *include;		/* attribute names (String), for INCLUDE */
} DynamoIndex;

/*
 * What DescribeTable says about a table (a foreign table's partition_key and
 * sort_key options are only checked against it).  Lives in the metadata cache's context;
 * never modify it.
 */
typedef struct DynamoTable
{
	char	   *table_name;
	char	   *partition_key;
	char		partition_type;
	char	   *sort_key;		/* NULL when the table has none */
	char		sort_type;
	List	   *indexes;		/* DynamoIndex * */
	double		item_count;		/* DynamoDB's estimate, about 6 h old */
	double		table_bytes;
} DynamoTable;

/* One column of a foreign table and the attribute it maps to. */
typedef struct DynamoColumn
{
	AttrNumber	attnum;
	char	   *column;			/* PostgreSQL column name */
	char	   *attr;			/* DynamoDB attribute name */
	Oid			type;
	int32		typmod;
	Oid			collation;
	bool		document;		/* jsonb holding the whole item */
	bool		dropped;
} DynamoColumn;

/* A foreign table as the planner and executor need it. */
typedef struct DynamoRelation
{
	Oid			relid;
	char	   *relname;
	ForeignTable *table;
	ForeignServer *server;
	const DynamoTable *meta;
	int			ncolumns;		/* = tuple descriptor's natts */
	DynamoColumn *columns;		/* indexed by attnum - 1 */
	bool		consistent_read;
	int			scan_segments;
} DynamoRelation;

/* in option.c */
extern DynamoServerOptions *dynamo_get_server_options(ForeignServer *server);
extern char *dynamo_option_string(List *options, const char *name);
extern bool dynamo_option_bool(List *options, const char *name, bool dflt);

/* in clock.c */
extern char *dynamo_signing_time;	/* GUC dynamo_fdw.signing_time */
extern time_t dynamo_signing_instant(void);

/* in cred_profile.c */
extern const char *dynamo_region_or_default(const char *region);

/* in credentials.c */
extern const DynamoCredentials *dynamo_credentials_get(UserMapping *user,
													   const char *region);

/* in http.c */
extern void dynamo_http_init(void);

/* in table.c */
extern DynamoRelation *dynamo_get_relation(Oid relid);
extern const DynamoTable *dynamo_describe_table(ForeignServer *server,
												UserMapping *user,
												const char *table_name,
												List *table_options);
extern const DynamoColumn *dynamo_column_by_attr(const DynamoRelation *rel,
												 const char *attr);
extern const DynamoColumn *dynamo_document_column(const DynamoRelation *rel);
extern void dynamo_forget_tables(void);

/* in planner.c */
extern void dynamoGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
									Oid foreigntableid);
extern void dynamoGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
extern ForeignScan *dynamoGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
										 Oid foreigntableid, ForeignPath *best_path,
										 List *tlist, List *scan_clauses,
										 Plan *outer_plan);
extern void dynamoGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage,
									   RelOptInfo *input_rel, RelOptInfo *output_rel,
									   void *extra);

/* in scan.c */
extern void dynamoBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *dynamoIterateForeignScan(ForeignScanState *node);
extern void dynamoReScanForeignScan(ForeignScanState *node);
extern void dynamoEndForeignScan(ForeignScanState *node);
extern void dynamoExplainForeignScan(ForeignScanState *node,
									 struct ExplainState *es);

/* in keyjoin.c */
extern bool dynamo_enable_batched_join;
extern void dynamo_keyjoin_init(void);

/* in modify.c */
extern void dynamo_modify_routine(FdwRoutine *routine);

/* in txn.c */
extern bool dynamo_strict_atomicity;
extern bool dynamo_bulk_write;

/* in import.c */
extern void dynamo_import_routine(FdwRoutine *routine);

#endif							/* DYNAMO_FDW_H */
