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

/*
 * json-c's trees, by their struct names: a file that only passes them along
 * needs no json-c; the files that read or build JSON include ddb_json.h.
 */
struct json_c_object;

#include "access/htup.h"
#include "storage/itemptr.h"

#include "ddb_value.h"

/* One row a scan returned, as its writer or locker needs it. */
typedef struct DynamoReadRow
{
	Oid			serverid;
	const char *table;			/* the DynamoDB table */
	DynamoValue *key_value;		/* the item's key */
	DynamoValue *expect_value;	/* see dynamo_readset_expect_value */
	HeapTuple	tuple;			/* the row, for RefetchForeignRow; or NULL */

	/*
	 * boundary: json-c twins for scan.c until the merge.  A row added with
	 * these and without the trees above gets the trees made from them.
	 */
	struct json_c_object *key;
	struct json_c_object *expect;
} DynamoReadRow;

extern void dynamo_readset_add(MemoryContext cxt, DynamoReadRow *row, ItemPointer tid);
extern DynamoReadRow *dynamo_readset_find(ItemPointer tid);
extern DynamoValue *dynamo_readset_expect_value(const DynamoValue *item, const char *pk,
												const char *sk, const char *const *attrs,
												int nattrs, bool whole_item);

/* boundary: json-c twin for scan.c until the merge */
extern struct json_c_object *dynamo_readset_expect(struct json_c_object *item, const char *pk,
												   const char *sk, const char *const *attrs,
												   int nattrs, bool whole_item);

#endif							/* DYNAMO_READSET_H */
