/*-------------------------------------------------------------------------
 *
 * dynamo_fdw.c
 *		  Foreign data wrapper for Amazon DynamoDB: entry points.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  dynamo_fdw.c
 *
 * Module magic, _PG_init and the handler; the work lives in src/: src/aws/
 * talks to AWS (signing, HTTP, the DynamoDB client, credentials) and never
 * sees the planner or executor, src/fdw/ is the wrapper itself, src/dsql/
 * the DSQL token functions (README's Internals).
 *
 * Glossary used throughout the code:
 *	item			one DynamoDB record; one row of a foreign table
 *	attribute		a named value of an item; a column maps to one
 *	key condition	the part of a Query that picks a partition (and a sort
 *					key range): KeyConditionExpression
 *	filter			a condition DynamoDB applies after reading items
 *					(FilterExpression); pushed only when exact
 *	page			one response of a paginated Query or Scan
 *	action			one Put, Update, Delete or ConditionCheck of a
 *					TransactWriteItems request
 *	batch			the actions sent in one TransactWriteItems request
 *					(at most 100)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "foreign/fdwapi.h"
#include "utils/guc.h"

#include "analyze.h"
#include "clock.h"
#include "direct.h"
#include "dsql.h"
#include "dynamo_fdw.h"
#include "http.h"
#include "import.h"
#include "keyjoin.h"
#include "modify.h"
#include "planner.h"
#include "scan.h"
#include "txn.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

PG_FUNCTION_INFO_V1(dynamo_fdw_handler);

void
_PG_init(void)
{
	DefineCustomStringVariable("dynamo_fdw.signing_time",
							   "Signs every AWS request and token of the session at this instant.",
							   "Empty means the current time.  For reproducible signatures in tests.",
							   &dynamo_signing_time,
							   "",
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);

	DefineCustomBoolVariable("dynamo_fdw.strict_atomicity",
							 "Refuses to commit a transaction that needs more than one TransactWriteItems request.",
							 "Off: a transaction of more than 100 actions is sent in consecutive batches of 100, each atomic.",
							 &dynamo_strict_atomicity,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("dynamo_fdw.bulk_write",
							 "Sends INSERTs with BatchWriteItem, outside the transaction buffer.",
							 "For loads (COPY, INSERT ... SELECT): fast, but neither atomic nor checked for existing items.",
							 &dynamo_bulk_write,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("dynamo_fdw.dsql_server",
							   "Takes DSQL token credentials from the caller's user mapping of this dynamo_fdw server.",
							   "Empty means the database server's own credentials.",
							   &dynamo_dsql_server,
							   "",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);

	DefineCustomBoolVariable("dynamo_fdw.enable_batched_join",
							 "Lets joins on a foreign table's full key read it with one BatchGetItem per 100 distinct outer keys.",
							 "Off: such joins read one item per outer row (GetItem), or scan.",
							 &dynamo_enable_batched_join,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	MarkGUCPrefixReserved("dynamo_fdw");

	dynamo_http_init();
	dynamo_keyjoin_init();
}

/*
 * The FDW handler: the callbacks PostgreSQL calls, grouped by phase.
 */
Datum
dynamo_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	/* Planning a scan (planner.c) */
	routine->GetForeignRelSize = dynamoGetForeignRelSize;
	routine->GetForeignPaths = dynamoGetForeignPaths;
	routine->GetForeignPlan = dynamoGetForeignPlan;
	routine->GetForeignUpperPaths = dynamoGetForeignUpperPaths;

	/* Running a scan (scan.c) */
	routine->BeginForeignScan = dynamoBeginForeignScan;
	routine->IterateForeignScan = dynamoIterateForeignScan;
	routine->ReScanForeignScan = dynamoReScanForeignScan;
	routine->EndForeignScan = dynamoEndForeignScan;
	routine->ExplainForeignScan = dynamoExplainForeignScan;

	/* Parallel query: workers share a Scan's segments (planner.c, scan.c) */
	routine->IsForeignScanParallelSafe = dynamoIsForeignScanParallelSafe;
	routine->EstimateDSMForeignScan = dynamoEstimateDSMForeignScan;
	routine->InitializeDSMForeignScan = dynamoInitializeDSMForeignScan;
	routine->ReInitializeDSMForeignScan = dynamoReInitializeDSMForeignScan;
	routine->InitializeWorkerForeignScan = dynamoInitializeWorkerForeignScan;
	routine->ShutdownForeignScan = dynamoShutdownForeignScan;

	/* Writing (modify.c) */
	dynamo_modify_routine(routine);

	/* UPDATE and DELETE of one item in one request (direct.c) */
	dynamo_direct_routine(routine);

	/* ANALYZE (analyze.c) */
	dynamo_analyze_routine(routine);

	/* IMPORT FOREIGN SCHEMA (import.c) */
	dynamo_import_routine(routine);

	PG_RETURN_POINTER(routine);
}
