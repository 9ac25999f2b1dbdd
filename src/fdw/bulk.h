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

/*
 * json-c's trees, by their struct names: a file that only passes them along
 * needs no json-c; the files that read or build JSON include ddb_json.h.
 */
struct json_c_object;

/* in bulk.c */
typedef struct DynamoBulkWriter DynamoBulkWriter;
extern DynamoBulkWriter *dynamo_bulk_begin(DynamoConn *conn, const char *table,
										   const char *pk, const char *sk);
extern void dynamo_bulk_add(DynamoBulkWriter *w, struct json_c_object *item);
extern uint64 dynamo_bulk_finish(DynamoBulkWriter *w);

#endif							/* DYNAMO_BULK_H */
