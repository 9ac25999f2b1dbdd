/*-------------------------------------------------------------------------
 *
 * scan_overlay.h
 *		  A scan's items seen through this transaction's buffered writes;
 *		  see scan_overlay.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_overlay.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SCAN_OVERLAY_H
#define DYNAMO_SCAN_OVERLAY_H

#include "scan.h"

/* in scan_overlay.c */
extern const DynamoValue *dynamo_scan_overlay_next(DynamoScanState *s, bool *buffered);

#endif							/* DYNAMO_SCAN_OVERLAY_H */
