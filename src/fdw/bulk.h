/*-------------------------------------------------------------------------
 *
 * bulk.h
 *		  Loading with BatchWriteItem (dynamo_fdw.bulk_write); see bulk.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/bulk.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_BULK_H
#define DYNAMO_BULK_H

#include "client.h"
#include "ddb_value.h"

/* in bulk.c */
typedef struct DynamoBulkWriter DynamoBulkWriter;
extern DynamoBulkWriter *dynamo_bulk_begin(DynamoConn *conn, const char *table,
										   const char *pk, const char *sk);
extern void dynamo_bulk_add(DynamoBulkWriter *w, const DynamoValue *item);
extern uint64 dynamo_bulk_finish(DynamoBulkWriter *w);

#endif							/* DYNAMO_BULK_H */
