/*-------------------------------------------------------------------------
 *
 * readset.h
 *		  What a statement read of the items it may write or lock; see
 *		  readset.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/readset.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_READSET_H
#define DYNAMO_READSET_H

#include "access/htup.h"
#include "storage/itemptr.h"

#include "ddb_value.h"

/* One row a scan returned, as its writer or locker needs it. */
typedef struct DynamoReadRow
{
	Oid			serverid;
	const char *table;			/* the DynamoDB table */
	DynamoValue *key;			/* the item's key */
	DynamoValue *expect;		/* see dynamo_readset_expect */
	HeapTuple	tuple;			/* the row, for RefetchForeignRow; or NULL */
} DynamoReadRow;

extern void dynamo_readset_add(MemoryContext cxt, DynamoReadRow *row, ItemPointer tid);
extern DynamoReadRow *dynamo_readset_find(ItemPointer tid);
extern DynamoValue *dynamo_readset_expect(const DynamoValue *item, const char *pk,
												const char *sk, const char *const *attrs,
												int nattrs, bool whole_item);


#endif							/* DYNAMO_READSET_H */
