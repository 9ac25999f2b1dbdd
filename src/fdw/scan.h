/*-------------------------------------------------------------------------
 *
 * scan.h
 *		  Running a scan: the executor callbacks, and the state the scan's
 *		  files share.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan.h
 *
 * A scan is split along its seams: scan.c (the executor callbacks, rows
 * from items), scan_request.c (the requests, from the plan and the
 * parameters), scan_page.c (the pages, one after another, the next asked
 * for ahead), scan_overlay.c (this transaction's buffered writes laid over
 * the items), scan_count.c (COUNT(*)), scan_explain.c (EXPLAIN).  They
 * share DynamoScanState, which nothing else sees.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SCAN_H
#define DYNAMO_SCAN_H

#include "access/parallel.h"
#include "port/atomics.h"
#include "portability/instr_time.h"

#include "client.h"
#include "convert.h"
#include "ddb_value.h"
#include "fdw_compat.h"
#include "http.h"
#include "ops_read.h"
#include "planner.h"
#include "table.h"
#include "txn.h"

/*
 * A parallel Scan's state in dynamic shared memory: the next of its
 * TotalSegments segments to claim, and every participant's counts for
 * EXPLAIN ANALYZE (added as each page arrives).
 */
typedef struct DynamoParallelScan
{
	pg_atomic_uint32 next_segment;
	bool		leader_only;	/* the leader has buffered writes to lay over
								 * the items: it scans alone */
	pg_atomic_uint64 requests;
	pg_atomic_uint64 pages;
	pg_atomic_uint64 scanned;
	pg_atomic_uint64 capacity_milli;	/* capacity units x 1000 */
} DynamoParallelScan;

typedef struct DynamoScanState
{
	DynamoRelation *rel;
	DynamoConn *conn;

	/* from the plan (plan.segments is 1 in a parallel-aware scan) */
	DynamoScanPlan plan;
	List	   *value_states;	/* ExprState of each :vN */
	List	   *value_types;
	List	   *key_states;		/* ExprState: partition [, sort] of each key */
	List	   *key_types;
	DynamoRowReader *reader;	/* fills a row's columns from an item */

	/* the requests, remade at each (re)start in request_cxt */
	MemoryContext request_cxt;
	DynamoPageRequest *request; /* Query or Scan */
	DynamoGetRequest *get;		/* GetItem or BatchGetItem, less the keys */
	DynamoValue **keys;			/* ... which are these */
	int			nkeys_left;
	int			key_pos;
	/* BatchGetItem keys DynamoDB left, per request, and its stalls */
	DynamoValue *unprocessed[DYNAMO_HTTP_MAX_PARALLEL];
	int			unprocessed_stalls[DYNAMO_HTTP_MAX_PARALLEL];
	int			nunprocessed;

	/*
	 * Where the next page starts (LastEvaluatedKey), per segment when a Scan
	 * reads several: JSON text in request_cxt, pfree'd when replaced, so
	 * that a scan of many pages keeps one key, not all of them.
	 */
	char	   *start_key;
	char	  **seg_start;
	bool	   *seg_done;
	uint64	   *seg_ahead;		/* segments read ahead: each one's next page */
	int			next_seg;		/* ... whose page comes next */
	int			seg_started;	/* ... how many have begun (0, 1, ...) */
	int			seg_most;		/* ... most of them read at once */
	instr_time	seg_work_began; /* ... when its last page had arrived */
	double		seg_work_us;	/* ... the time spent on its pages */
	int			seg_work_pages; /* ... over how many */

	/* progress */
	MemoryContext page_cxt;		/* the current page */
	MemoryContext row_cxt;		/* one row's item and conversions */
	DynamoPage *page;
	int			next_item;
	uint64		ahead;			/* next page's request, sent ahead; or 0 */
	const DynamoValue *ahead_key;	/* its ExclusiveStartKey, when a guess */
	int			pages_read;		/* Query/Scan pages read since (re)start */
	bool		exhausted;		/* no request left to send */
	bool		dynamo_done;	/* DynamoDB's rows all read */
	bool		started;

	/* for EXPLAIN ANALYZE */
	uint64		requests;
	uint64		pages;
	uint64		scanned;
	uint64		returned;
	double		capacity;
	uint64		counted;		/* Select=COUNT: the Counts DynamoDB sent */
	bool		count_done;

	/* this transaction's own buffered writes to the table, or NULL */
	DynamoTxnView *txn_view;
	MemoryContext sorted_cxt;	/* ordered scan merged with buffered rows */
	DynamoValue **sorted;
	int			nsorted;
	int			next_sorted;
	ExprState  *recheck;		/* pushed conditions, for buffered rows */

	/* for error messages: the item being read */
	const DynamoValue *current_item;

	/* a parallel Scan: the shared state, and the segment this one reads */
	DynamoParallelScan *pscan;
	int			parallel_segments;	/* TotalSegments; 0: not parallel */
	int			cur_segment;	/* -1: none claimed */
	bool		totals_copied;	/* EXPLAIN shows every participant's counts */

	/*
	 * Rows that may be written or locked (the plan asks for their ctid) are
	 * recorded in readset.c, with the attributes read; locked ones with the
	 * row too.
	 */
	bool		record;
	bool		keep_tuple;
	const char **read_attrs;
	int			nread_attrs;
	bool		read_whole;		/* a document column reads every attribute */
} DynamoScanState;

/* in scan.c: the executor callbacks */
extern void dynamoBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *dynamoIterateForeignScan(ForeignScanState *node);
extern void dynamoReScanForeignScan(ForeignScanState *node);
extern void dynamoEndForeignScan(ForeignScanState *node);

/* in scan.c: parallel query (workers share a Scan's segments) */
extern Size dynamoEstimateDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt);
extern void dynamoInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
										   void *coordinate);
extern void dynamoReInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
											 void *coordinate);
extern void dynamoInitializeWorkerForeignScan(ForeignScanState *node, shm_toc *toc,
											  void *coordinate);
extern void dynamoShutdownForeignScan(ForeignScanState *node);

/* in scan.c: rows, for scan_count.c */
extern void dynamo_scan_store_item(DynamoScanState *s, TupleTableSlot *slot,
								   const DynamoValue *item);
extern bool dynamo_scan_recheck(ForeignScanState *node, DynamoScanState *s,
								TupleTableSlot *slot);

/* in scan_explain.c */
extern void dynamoExplainForeignScan(ForeignScanState *node,
									 struct ExplainState *es);

#endif							/* DYNAMO_SCAN_H */
