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

#include "client.h"
#include "fdw_compat.h"

/* in scan.c */
extern void dynamoBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *dynamoIterateForeignScan(ForeignScanState *node);
extern void dynamoReScanForeignScan(ForeignScanState *node);
extern void dynamoEndForeignScan(ForeignScanState *node);
extern void dynamoExplainForeignScan(ForeignScanState *node,
									 struct ExplainState *es);

/* in scan.c: BatchGetItem, for keyjoin.c (json-c trees: see client.h) */
extern struct json_c_object *dynamo_batch_get(DynamoConn *conn, const char *table,
											  struct json_c_object *spec,
											  struct json_c_object **unprocessed,
											  double *capacity);

#endif							/* DYNAMO_SCAN_H */
