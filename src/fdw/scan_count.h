/*-------------------------------------------------------------------------
 *
 * scan_count.h
 *		  COUNT(*) pushed down; see scan_count.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_count.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SCAN_COUNT_H
#define DYNAMO_SCAN_COUNT_H

#include "scan.h"

/* in scan_count.c */
extern TupleTableSlot *dynamo_scan_count(ForeignScanState *node, DynamoScanState *s);

#endif							/* DYNAMO_SCAN_COUNT_H */
