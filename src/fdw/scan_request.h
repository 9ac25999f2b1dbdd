/*-------------------------------------------------------------------------
 *
 * scan_request.h
 *		  A scan's requests, from its plan and parameters; see
 *		  scan_request.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_request.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SCAN_REQUEST_H
#define DYNAMO_SCAN_REQUEST_H

#include "nodes/pg_list.h"

#include "ddb_value.h"
#include "scan.h"

/* in scan_request.c */
extern void dynamo_scan_start(ForeignScanState *node, DynamoScanState *s);
extern DynamoValue *dynamo_names_object(List *names, int n);
extern DynamoValue *dynamo_datum_av(Datum d, Oid type);
extern bool dynamo_av_is_empty_key(const DynamoValue *av);

#endif							/* DYNAMO_SCAN_REQUEST_H */
