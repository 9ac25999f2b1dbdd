/*-------------------------------------------------------------------------
 *
 * scan_page.h
 *		  A scan's pages, one after another; see scan_page.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_page.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SCAN_PAGE_H
#define DYNAMO_SCAN_PAGE_H

#include "scan.h"

/* in scan_page.c */
extern bool dynamo_scan_fetch_page(DynamoScanState *s);
extern bool dynamo_scan_next_item(DynamoScanState *s);
extern void dynamo_scan_drop_ahead(DynamoScanState *s);

#endif							/* DYNAMO_SCAN_PAGE_H */
