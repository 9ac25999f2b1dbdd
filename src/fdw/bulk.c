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
 * out concurrently (dynamo_call_many); the items DynamoDB leaves in
 * UnprocessedItems are sent again, with capped exponential backoff and full
 * jitter, until none is left.  A BatchWriteItem put has no condition: an
 * existing item is replaced, and nothing of it is atomic or waits for the
 * commit.  DynamoDB refuses two puts of one key in one request, so a key
 * seen again in a group sends the group first (the later put wins, as it
 * would one request later).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include "common/pg_prng.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/memutils.h"
#include "utils/wait_event.h"

#include "bulk.h"
#include "client.h"
#include "ddb_limits.h"
#include "dynamo_fdw.h"
#include "http.h"
#include "txn.h"

/* Requests of one group, sent together. */
#define BULK_PARALLEL			DYNAMO_HTTP_MAX_PARALLEL
#define BULK_GROUP_ITEMS		(BULK_PARALLEL * DYNAMO_MAX_BATCH_WRITE_ITEMS)

/* UnprocessedItems: how often, and how patiently, to send them again. */
#define BULK_MAX_RETRIES		10
#define BULK_RETRY_BASE_MS		50
#define BULK_RETRY_MAX_MS		5000

struct DynamoBulkWriter
{
	DynamoConn *conn;
	char	   *table;
	char	   *pk;
	char	   *sk;
	MemoryContext group_cxt;	/* the pending group, reset after sending */
	json_c_object **items;		/* PutRequest items of the group */
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
	w->items = palloc(sizeof(json_c_object *) * BULK_GROUP_ITEMS);
	w->keys = palloc(sizeof(char *) * BULK_GROUP_ITEMS);
	return w;
}

static void
bulk_sleep(long ms)
{
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 ms, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
}

/*
 * Send the write requests in WRITES (a json array of {"PutRequest": ...}),
 * 25 a request, all requests at once; return the ones DynamoDB left
 * unprocessed, as a new array owned by the current context.
 */
static json_c_object *
send_requests(DynamoBulkWriter *w, json_c_object *writes)
{
	int			total = json_object_array_length(writes);
	int			nreq = (total + DYNAMO_MAX_BATCH_WRITE_ITEMS - 1) / DYNAMO_MAX_BATCH_WRITE_ITEMS;
	json_c_object *requests[BULK_PARALLEL];
	json_c_object *results[BULK_PARALLEL];
	json_c_object *left = json_object_new_array();
	int			r;

	Assert(nreq <= BULK_PARALLEL);
	dynamo_json_own(left);
	for (r = 0; r < nreq; r++)
	{
		json_c_object *req = json_object_new_object();
		json_c_object *ritems = json_object_new_object();
		json_c_object *list = json_object_new_array();
		int			i;

		for (i = r * DYNAMO_MAX_BATCH_WRITE_ITEMS;
			 i < total && i < (r + 1) * DYNAMO_MAX_BATCH_WRITE_ITEMS; i++)
			json_object_array_add(list, json_object_get(json_object_array_get_idx(writes, i)));
		json_object_object_add(ritems, w->table, list);
		json_object_object_add(req, "RequestItems", ritems);
		dynamo_json_own(req);
		requests[r] = req;
	}
	if (nreq == 1)
		results[0] = dynamo_call(w->conn, "BatchWriteItem", requests[0], NULL);
	else
		dynamo_call_many(w->conn, "BatchWriteItem", requests, nreq, results);

	for (r = 0; r < nreq; r++)
	{
		json_c_object *unp;
		json_c_object *tab;
		size_t		i;

		if (json_object_object_get_ex(results[r], "UnprocessedItems", &unp) &&
			json_object_object_get_ex(unp, w->table, &tab))
			for (i = 0; i < json_object_array_length(tab); i++)
				json_object_array_add(left, json_object_get(json_object_array_get_idx(tab, i)));
	}
	return left;
}

/* Send the pending group, and whatever DynamoDB leaves of it. */
static void
send_group(DynamoBulkWriter *w)
{
	MemoryContext oldcxt;
	json_c_object *writes;
	int			attempt;
	int			i;

	if (w->n == 0)
		return;
	oldcxt = MemoryContextSwitchTo(w->group_cxt);
	writes = json_object_new_array();
	dynamo_json_own(writes);
	for (i = 0; i < w->n; i++)
	{
		json_c_object *put = json_object_new_object();
		json_c_object *body = json_object_new_object();

		json_object_object_add(body, "Item", json_object_get(w->items[i]));
		json_object_object_add(put, "PutRequest", body);
		json_object_array_add(writes, put);
	}

	for (attempt = 0; json_object_array_length(writes) > 0; attempt++)
	{
		if (attempt > 0)
		{
			double		cap = BULK_RETRY_BASE_MS;
			int			j;

			if (attempt > BULK_MAX_RETRIES)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
						 errmsg("DynamoDB left %d items of table \"%s\" unprocessed after %d BatchWriteItem attempts",
								(int) json_object_array_length(writes), w->table, attempt),
						 errdetail("The other items of the load were written; bulk mode is not atomic."),
						 errhint("Raise the table's write capacity, or load with dynamo_fdw.bulk_write off.")));
			for (j = 1; j < attempt && cap < BULK_RETRY_MAX_MS; j++)
				cap *= 2;
			bulk_sleep((long) (pg_prng_double(&pg_global_prng_state) * Min(cap, BULK_RETRY_MAX_MS)) + 1);
		}
		writes = send_requests(w, writes);
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
 * is full.  Takes a reference to ITEM.
 */
void
dynamo_bulk_add(DynamoBulkWriter *w, json_c_object *item)
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
	json_object_get(item);
	dynamo_json_own(item);
	MemoryContextSwitchTo(oldcxt);
	w->items[w->n] = item;
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
