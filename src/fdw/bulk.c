/*-------------------------------------------------------------------------
 *
 * bulk.c
 *		  Bulk mode: INSERTs sent at once with BatchWriteItem.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/bulk.c
 *
 * With dynamo_fdw.bulk_write on, modify.c hands the items of an INSERT or
 * COPY here instead of to the transaction buffer.  They are gathered into
 * groups of up to BULK_PARALLEL requests of 25 items, and each group goes
 * out concurrently (ops_write.c's dynamo_op_batch_put); the items DynamoDB
 * leaves in UnprocessedItems are sent again after the client's own pause
 * (dynamo_retry_pause: capped exponential backoff, full jitter, longer when
 * nothing got through), until none is left.  A BatchWriteItem put has no condition: an
 * existing item is replaced, and nothing of it is atomic or waits for the
 * commit.  DynamoDB refuses two puts of one key in one request, so a key
 * seen again in a group sends the group first (the later put wins, as it
 * would one request later).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "aws_error.h"
#include "bulk.h"
#include "client.h"
#include "ddb_limits.h"
#include "dynamo_fdw.h"
#include "http.h"
#include "ops_write.h"
#include "txn.h"

/* Requests of one group, sent together. */
#define BULK_PARALLEL			DYNAMO_HTTP_MAX_PARALLEL
#define BULK_GROUP_ITEMS		(BULK_PARALLEL * DYNAMO_MAX_BATCH_WRITE_ITEMS)

/* UnprocessedItems: how often to send them again. */
#define BULK_MAX_RETRIES		10

struct DynamoBulkWriter
{
	DynamoConn *conn;
	char	   *table;
	char	   *pk;
	char	   *sk;
	MemoryContext group_cxt;	/* the pending group, reset after sending */
	DynamoValue **items;		/* the group's items */
	char	  **keys;			/* their key strings */
	int			n;
	uint64		written;
};

/*
 * A writer of items into TABLE (key PK [, SK]) through CONN.  palloc'd in
 * the current context, which must outlive it.
 */
DynamoBulkWriter *
dynamo_bulk_begin(DynamoConn *conn, const char *table, const char *pk, const char *sk)
{
	DynamoBulkWriter *w = palloc0(sizeof(DynamoBulkWriter));

	w->conn = conn;
	w->table = pstrdup(table);
	w->pk = pstrdup(pk);
	w->sk = sk ? pstrdup(sk) : NULL;
	w->group_cxt = AllocSetContextCreate(CurrentMemoryContext, "dynamo_fdw bulk group",
										 ALLOCSET_DEFAULT_SIZES);
	w->items = palloc(sizeof(DynamoValue *) * BULK_GROUP_ITEMS);
	w->keys = palloc(sizeof(char *) * BULK_GROUP_ITEMS);
	return w;
}

/* Send the pending group, and whatever DynamoDB leaves of it. */
static void
send_group(DynamoBulkWriter *w)
{
	MemoryContext oldcxt;
	DynamoValue **items = w->items;
	int			n = w->n;
	bool		stalled = false;
	int			attempt;

	if (w->n == 0)
		return;
	oldcxt = MemoryContextSwitchTo(w->group_cxt);
	for (attempt = 0; n > 0; attempt++)
	{
		int			left;

		if (attempt > 0)
		{
			if (attempt > BULK_MAX_RETRIES)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
						 errmsg("DynamoDB left %d items of table \"%s\" unprocessed after %d BatchWriteItem attempts",
								n, w->table, attempt),
						 errdetail("The other items of the load were written; bulk mode is not atomic."),
						 errhint("Raise the table's write capacity, or load with dynamo_fdw.bulk_write off.")));
			/* the client's backoff; longer when nothing got through (throttling) */
			dynamo_retry_pause(attempt - 1, stalled);
		}
		items = dynamo_op_batch_put(w->conn, w->table, items, n, &left);
		stalled = left == n;
		n = left;
	}

	/* counted at once, so that a later error's ROLLBACK still warns */
	w->written += w->n;
	dynamo_txn_note_bulk(w->n);
	w->n = 0;
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(w->group_cxt);
}

/*
 * Add ITEM (which holds its key) to the load; the group goes out when it
 * is full.  ITEM is copied.
 */
void
dynamo_bulk_add(DynamoBulkWriter *w, const DynamoValue *item)
{
	MemoryContext oldcxt;
	char	   *key;
	int			i;

	oldcxt = MemoryContextSwitchTo(w->group_cxt);
	key = dynamo_key_string(item, w->pk, w->sk);
	MemoryContextSwitchTo(oldcxt);
	for (i = 0; i < w->n; i++)
		if (strcmp(w->keys[i], key) == 0)
		{
			/* one request may not put one key twice: send the first one */
			send_group(w);
			oldcxt = MemoryContextSwitchTo(w->group_cxt);
			key = dynamo_key_string(item, w->pk, w->sk);
			MemoryContextSwitchTo(oldcxt);
			break;
		}

	oldcxt = MemoryContextSwitchTo(w->group_cxt);
	w->items[w->n] = dynamo_value_copy(item);
	MemoryContextSwitchTo(oldcxt);
	w->keys[w->n] = key;
	w->n++;
	if (w->n == BULK_GROUP_ITEMS)
		send_group(w);
}

/*
 * Send what is left; returns how many items the writer wrote in all (each
 * group was already counted with dynamo_txn_note_bulk as it went out).
 */
uint64
dynamo_bulk_finish(DynamoBulkWriter *w)
{
	send_group(w);
	return w->written;
}
