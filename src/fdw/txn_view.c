/*-------------------------------------------------------------------------
 *
 * txn_view.c
 *		  Read-your-writes: the write buffer as this transaction's scans
 *		  and direct modifications see it.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/txn_view.c
 *
 * A scan of a table the transaction writes lays the buffered writes over
 * what DynamoDB returns (dynamo_txn_overlay), then returns the
 * buffered items DynamoDB did not (dynamo_txn_next_unseen).  Which
 * version of an entry a scan sees depends on its snapshot's command: a
 * statement sees the writes of earlier statements, never its own (see
 * txn.c, Versions).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "client.h"
#include "txn_int.h"

/* A key of the view's "seen" set. */
typedef struct SeenEnt
{
	char	   *key;
} SeenEnt;

struct DynamoTxnView
{
	Oid			serverid;
	char	   *table;
	CommandId	cid;
	MemoryContext cxt;
	HTAB	   *seen;			/* keys DynamoDB returned, made on first use */
	char	  **unseen;			/* keys of the table's entries */
	int			nunseen;
	int			next_unseen;
	bool		unseen_listed;
};

/* The state a scan at command VIEW_CID sees of E (NULL: DynamoDB's item). */
TxnState *
txn_visible_state(const TxnEntry *e, CommandId view_cid)
{
	if (e->last_cid != InvalidCommandId && e->last_cid >= view_cid)
		return e->before;
	return e->cur;
}

/* The command whose snapshot a read runs with: it sees earlier commands' writes. */
CommandId
txn_reading_cid(void)
{
	return ActiveSnapshotSet() ? GetActiveSnapshot()->curcid : GetCurrentCommandId(false);
}

/*
 * This transaction's buffered writes to TABLE on SERVERID as a scan sees
 * them, or NULL when there are none.  The scan's snapshot decides which:
 * those of earlier commands.  palloc'd in the caller's context, which must
 * outlive the scan's calls.
 */
DynamoTxnView *
dynamo_txn_view(Oid serverid, const char *table, List *key_attrs)
{
	TxnTable   *t = txn_find_table(serverid, table);
	DynamoTxnView *view;
	CommandId	cid;

	if (t == NULL)
		return NULL;
	cid = txn_reading_cid();
	if (t->nentries == 0 && (t->markers == NULL || t->markers_cid != cid))
		return NULL;
	view = palloc0(sizeof(DynamoTxnView));
	view->serverid = serverid;
	view->table = pstrdup(table);
	view->cid = cid;
	view->cxt = CurrentMemoryContext;
	return view;
}

/* Has this transaction buffered writes to TABLE on SERVERID? */
bool
dynamo_txn_writes_table(Oid serverid, const char *table)
{
	TxnTable   *t = txn_find_table(serverid, table);

	return t != NULL && (t->nentries > 0 || t->markers != NULL);
}

/*
 * DynamoDB's ITEM (NULL: none) seen through state ST (NULL: no write):
 * the item the transaction sees, or NULL when it sees none.  ITEM itself,
 * or a new tree in the current context (the buffer's trees may go before
 * the caller is done).
 */
DynamoValue *
txn_state_seen(const TxnState *st, DynamoValue *item)
{
	if (st == NULL)
		return item;
	switch (st->op)
	{
		case TXN_PUT:
			return dynamo_value_copy(st->item);
		case TXN_UPDATE:
			if (item == NULL)
				return dynamo_value_copy(st->image);
			return txn_apply_update(item, st->set, st->remove);
		case TXN_CHECK:
			return st->cond == TXN_COND_PRESENT ? item : NULL;
		case TXN_DELETE:
			return NULL;
	}
	return item;
}

static void
mark_seen(DynamoTxnView *view, const char *keystr)
{
	bool		found;
	SeenEnt    *s;

	if (view->seen == NULL)
		view->seen = txn_strptr_hash_create("dynamo_fdw seen items", sizeof(SeenEnt),
											view->cxt);
	s = hash_search(view->seen, &keystr, HASH_ENTER, &found);
	if (!found)
		s->key = MemoryContextStrdup(view->cxt, keystr);
}

/*
 * ITEM, as DynamoDB returned it to a scan, seen through the buffered
 * writes: ITEM itself when none apply, NULL when this transaction deleted
 * it, otherwise a new tree in the current memory context.
 */
DynamoValue *
dynamo_txn_overlay(DynamoTxnView *view, DynamoValue *item)
{
	TxnTable   *t;
	TxnEntry   *e;
	TxnMarker  *m = NULL;
	TxnState   *st;
	char	   *keystr;

	if (view == NULL || (t = txn_find_table(view->serverid, view->table)) == NULL)
		return item;
	keystr = dynamo_key_string(item, t->partition_key, t->sort_key);
	if (keystr == NULL)
		return item;
	e = txn_lookup_entry(t, keystr);
	if (e)
	{
		mark_seen(view, keystr);
		st = txn_visible_state(e, view->cid);
	}
	else if ((m = txn_lookup_marker(t, keystr, view->cid)) != NULL)
		st = m->before;
	else
		st = NULL;
	pfree(keystr);
	return txn_state_seen(st, item);
}

/*
 * KEY's item of TABLE on SERVERID as this transaction sees it, given
 * DynamoDB's ITEM (NULL: none): a direct modification's read (direct.c).
 * NULL when the transaction sees no item.  ITEM itself or a new tree in
 * the current context.
 */
DynamoValue *
dynamo_txn_see(Oid serverid, const char *table, const DynamoValue *key, DynamoValue *item)
{
	TxnTable   *t = txn_find_table(serverid, table);
	TxnEntry   *e;
	char	   *keystr;

	if (t == NULL)
		return item;
	keystr = dynamo_key_string(key, t->partition_key, t->sort_key);
	e = keystr ? txn_lookup_entry(t, keystr) : NULL;
	if (e == NULL)
		return item;
	return txn_state_seen(txn_visible_state(e, txn_reading_cid()), item);
}

/* The keys of T's entries, in buffer order, into VIEW (once per scan). */
static void
list_unseen(DynamoTxnView *view, const TxnTable *t)
{
	dlist_iter	it;
	int			n = 0;

	view->unseen_listed = true;
	view->unseen = MemoryContextAlloc(view->cxt, sizeof(char *) * Max(t->nentries, 1));
	dlist_foreach(it, &txn_buf->order)
	{
		TxnEntry   *e = dlist_container(TxnEntry, node, it.cur);

		if (e->table == t && n < t->nentries)
			view->unseen[n++] = MemoryContextStrdup(view->cxt, e->keystr);
	}
	view->nunseen = n;
}

/*
 * The next buffered item of the table that DynamoDB did not return to this
 * scan (new, or changed so that DynamoDB's version did not match), or NULL.
 * The scan rechecks its pushed conditions on it.  A new tree in the
 * current memory context.
 */
DynamoValue *
dynamo_txn_next_unseen(DynamoTxnView *view)
{
	TxnTable   *t;

	if (view == NULL || (t = txn_find_table(view->serverid, view->table)) == NULL)
		return NULL;
	if (!view->unseen_listed)
		list_unseen(view, t);
	while (view->next_unseen < view->nunseen)
	{
		char	   *keystr = view->unseen[view->next_unseen++];
		TxnEntry   *e;
		TxnState   *st;

		if (view->seen && hash_search(view->seen, &keystr, HASH_FIND, NULL))
			continue;
		if ((e = txn_lookup_entry(t, keystr)) == NULL)
			continue;
		st = txn_visible_state(e, view->cid);
		if (st == NULL)
			continue;
		if (st->op == TXN_PUT)
			return dynamo_value_copy(st->item);
		if (st->op == TXN_UPDATE)
			return dynamo_value_copy(st->image);
	}
	return NULL;
}

