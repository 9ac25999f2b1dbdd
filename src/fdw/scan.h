/*-------------------------------------------------------------------------
 *
 * scan.h
 *		  Running a scan: the executor callbacks of scan.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SCAN_H
#define DYNAMO_SCAN_H

#include "access/parallel.h"

#include "client.h"
#include "fdw_compat.h"
#include "ddb_value.h"

/* in scan.c */
extern void dynamoBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *dynamoIterateForeignScan(ForeignScanState *node);
extern void dynamoReScanForeignScan(ForeignScanState *node);
extern void dynamoEndForeignScan(ForeignScanState *node);
extern void dynamoExplainForeignScan(ForeignScanState *node,
									 struct ExplainState *es);

/* in scan.c: parallel query (workers share a Scan's segments) */
extern Size dynamoEstimateDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt);
extern void dynamoInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
										   void *coordinate);
extern void dynamoReInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
											 void *coordinate);
extern void dynamoInitializeWorkerForeignScan(ForeignScanState *node, shm_toc *toc,
											  void *coordinate);
extern void dynamoShutdownForeignScan(ForeignScanState *node);

/* in scan.c: one page of a Scan, its items handed to a sink (analyze.c) */
typedef void (*DynamoItemSink) (const DynamoValue *item, void *arg);
extern char *dynamo_scan_page(DynamoConn *conn, const char *table, int segment, int total,
							  const char *start, DynamoItemSink sink, void *arg);

/* in scan.c: BatchGetItem, for keyjoin.c (json-c trees: see client.h) */
extern double dynamo_response_capacity(struct json_c_object *resp);
extern struct json_c_object *dynamo_batch_get(DynamoConn *conn, const char *table,
											  struct json_c_object *spec,
											  struct json_c_object **unprocessed,
											  double *capacity);

#endif							/* DYNAMO_SCAN_H */
