/*-------------------------------------------------------------------------
 *
 * readset.c
 *		  What a statement read of the items it may write or lock, so that
 *		  those writes are conditioned on it.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/readset.c
 *
 * Another session can change an item between our read and our write.  An
 * UPDATE or DELETE computed from a row we read must therefore only apply
 * if the item still holds what we read (a lost update otherwise), and a
 * row locked with FOR UPDATE or FOR SHARE is checked unchanged at commit.
 *
 * A scan whose rows may be written or locked (its plan asks for a system
 * column: the ctid that AddForeignUpdateTargets and row marks add) records
 * each row it returns here: the item's key, the attributes it read (those
 * the statement depends on, absent ones included) and, for locked rows,
 * the row itself.  The row's ctid is a handle to that record, not a
 * location: a serial number in the backend, unique for the transaction.
 * The writer finds the record through the ctid the executor hands it.
 *
 * Records live in the memory context of the query that read them and go
 * with it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "client.h"
#include "dynamo_fdw.h"
#include "readset.h"

/* The records of one query, numbered from first on. */
typedef struct ReadSet
{
	MemoryContext cxt;
	uint64		first;
	int			n;
	int			max;
	DynamoReadRow **rows;
	struct ReadSet *next;
} ReadSet;

static ReadSet *readsets = NULL;
static uint64 next_serial = 0;

/* An ItemPointer's offset is 1 to 65535: 65535 serial numbers a block. */
#define SERIALS_PER_BLOCK	65535

static void
readset_forget(void *arg)
{
	ReadSet   **p;

	for (p = &readsets; *p; p = &(*p)->next)
		if (*p == arg)
		{
			*p = ((ReadSet *) arg)->next;
			return;
		}
}

/*
 * The set CXT's query numbers its next row in: its latest one, unless
 * another query numbered rows since (serial numbers of one set are
 * consecutive).
 */
static ReadSet *
readset_for(MemoryContext cxt)
{
	ReadSet    *rs;
	MemoryContextCallback *cb;

	for (rs = readsets; rs; rs = rs->next)
		if (rs->cxt == cxt)
			break;
	if (rs && rs->first + rs->n == next_serial)
		return rs;
	rs = MemoryContextAllocZero(cxt, sizeof(ReadSet));
	rs->cxt = cxt;
	rs->first = next_serial;
	rs->max = 64;
	rs->rows = MemoryContextAlloc(cxt, sizeof(DynamoReadRow *) * rs->max);
	rs->next = readsets;
	readsets = rs;
	cb = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	cb->func = readset_forget;
	cb->arg = rs;
	MemoryContextRegisterResetCallback(cxt, cb);
	return rs;
}

/* Keep ROW (palloc'd in CXT, the reading query's context); *TID is its handle. */
void
dynamo_readset_add(MemoryContext cxt, DynamoReadRow *row, ItemPointer tid)
{
	ReadSet    *rs = readset_for(cxt);
	uint64		serial;

	if (rs->n == rs->max)
	{
		rs->max *= 2;
		rs->rows = repalloc_huge(rs->rows, sizeof(DynamoReadRow *) * rs->max);
	}
	serial = next_serial++;
	rs->rows[rs->n++] = row;
	ItemPointerSet(tid, (BlockNumber) (serial / SERIALS_PER_BLOCK),
				   (OffsetNumber) (serial % SERIALS_PER_BLOCK + 1));
}

/* The record TID names, or NULL when it names none (any more). */
DynamoReadRow *
dynamo_readset_find(ItemPointer tid)
{
	ReadSet    *rs;
	uint64		serial;

	if (tid == NULL || !ItemPointerIsValid(tid))
		return NULL;
	serial = (uint64) ItemPointerGetBlockNumberNoCheck(tid) * SERIALS_PER_BLOCK +
		ItemPointerGetOffsetNumberNoCheck(tid) - 1;
	for (rs = readsets; rs; rs = rs->next)
		if (serial >= rs->first && serial < rs->first + rs->n)
			return rs->rows[serial - rs->first];
	return NULL;
}

/*
 * What a row read of ITEM: each of ATTRS (the attributes its columns
 * read) with its value, or JSON null when the item lacks it, and with
 * WHOLE_ITEM (a document column read it all) every attribute the item has.
 * The key attributes PK and SK are left out: the write names the item by
 * them.  A new tree (values copied) in the current context.
 */
DynamoValue *
dynamo_readset_expect(const DynamoValue *item, const char *pk, const char *sk,
							const char *const *attrs, int nattrs, bool whole_item)
{
	DynamoValue *expect;
	const DynamoValue *m;
	int			i;

	if (whole_item)
	{
		/* the item's attributes have distinct names: copied whole */
		expect = dynamo_value_copy(item);
		dynamo_value_remove(expect, pk);
		if (sk)
			dynamo_value_remove(expect, sk);
	}
	else
		expect = dynamo_value_object();
	for (i = 0; i < nattrs; i++)
	{
		if (strcmp(attrs[i], pk) == 0 || (sk && strcmp(attrs[i], sk) == 0))
			continue;
		m = dynamo_value_member(item, attrs[i]);
		dynamo_value_set(expect, attrs[i], m ? dynamo_value_copy(m) : dynamo_value_null());
	}
	return expect;
}

