/*-------------------------------------------------------------------------
 *
 * txn_undo.c
 *		  Savepoints of the write buffer, and the transaction callbacks
 *		  that commit, refuse to prepare, or drop it.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/txn_undo.c
 *
 * Inside a subtransaction every change to an entry is logged with the
 * entry's previous state; ROLLBACK TO SAVEPOINT restores those states in
 * reverse order.  The log is dropped once the outermost subtransaction
 * commits.  This file is the only caller of RegisterXactCallback and
 * RegisterSubXactCallback (postgres_fdw's connection.c does the same from
 * one place): PRE_COMMIT sends the buffer, PRE_PREPARE refuses a
 * transaction that wrote to DynamoDB, and COMMIT or ABORT drops it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"

#include "http.h"
#include "txn_int.h"

static bool callbacks_registered = false;

/* Log E's state before a change, inside a subtransaction. */
void
txn_push_undo(TxnEntry *e, bool created)
{
	TxnUndo    *u;

	if (GetCurrentTransactionNestLevel() <= 1)
		return;
	if (txn_buf->nundo == txn_buf->maxundo)
	{
		txn_buf->maxundo = Max(64, txn_buf->maxundo * 2);
		txn_buf->undo = txn_buf->undo
			? repalloc(txn_buf->undo, sizeof(TxnUndo) * txn_buf->maxundo)
			: MemoryContextAlloc(txn_buf->cxt, sizeof(TxnUndo) * txn_buf->maxundo);
	}
	u = &txn_buf->undo[txn_buf->nundo++];
	u->subid = GetCurrentSubTransactionId();
	u->entry = e;
	u->created = created;
	u->cur = txn_state_ref(e->cur);
	u->before = txn_state_ref(e->before);
	u->last_cid = e->last_cid;
	u->cmd_changed = e->cmd_changed;
	e->undo_refs++;
}

/* Give E back the state record U logged. */
static void
restore_entry(TxnEntry *e, TxnUndo *u)
{
	if (e->cur)
		txn_buf->bytes -= Min(txn_buf->bytes, e->cur->size);
	txn_state_unref(e->cur);
	txn_state_unref(e->before);
	e->cur = u->cur;
	e->before = u->before;
	e->last_cid = u->last_cid;
	e->cmd_changed = u->cmd_changed;
	if (e->cur)
		txn_buf->bytes += e->cur->size;
}

/* ROLLBACK TO SAVEPOINT: undo what subtransaction SUBID and its children did. */
static void
undo_to(SubTransactionId subid)
{
	bool		lost = false;

	while (txn_buf->nundo > 0 && txn_buf->undo[txn_buf->nundo - 1].subid >= subid)
	{
		TxnUndo    *u = &txn_buf->undo[--txn_buf->nundo];
		TxnEntry   *e = u->entry;

		e->undo_refs--;
		if (!e->in_buffer || u->created)
		{
			/* sent early (DynamoDB has it now: lost), or made by the change */
			lost |= !e->in_buffer;
			txn_state_unref(u->cur);
			txn_state_unref(u->before);
			if (e->in_buffer)
				txn_entry_remove(e);
			else if (e->undo_refs == 0)
				txn_entry_free(e);
			continue;
		}
		restore_entry(e, u);
	}
	if (lost)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("some DynamoDB writes undone by the rollback to the savepoint were already sent"),
				 errdetail("The transaction outgrew its write buffer (%d actions), so its oldest writes were committed to DynamoDB in batches of %d before the commit.",
						   TXN_FLUSH_ACTIONS, DYNAMO_MAX_TRANSACT_ACTIONS)));
}

/* The outermost subtransaction committed: nothing can be undone any more. */
static void
undo_clear(void)
{
	int			i;

	for (i = 0; i < txn_buf->nundo; i++)
	{
		TxnUndo    *u = &txn_buf->undo[i];

		txn_state_unref(u->cur);
		txn_state_unref(u->before);
		if (--u->entry->undo_refs == 0 && !u->entry->in_buffer)
			txn_entry_free(u->entry);
	}
	txn_buf->nundo = 0;
}

/* ---- transaction callbacks ---- */

/* ABORT: say which DynamoDB writes stay, then drop the buffer. */
static void
warn_at_abort(void)
{
	if (txn_buf->committing && txn_buf->nactions == 0 && txn_buf->sent_actions > 0)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("the %llu DynamoDB actions of this transaction were committed before it failed",
						(unsigned long long) txn_buf->sent_actions),
				 errdetail("DynamoDB committed the transaction's writes before PostgreSQL's own commit, which then failed: the DynamoDB writes stay, the transaction's PostgreSQL changes are rolled back.")));
	else if (!txn_buf->committing && txn_buf->sent_actions > 0)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("%llu DynamoDB actions of this transaction were already committed and are not rolled back",
						(unsigned long long) txn_buf->sent_actions),
				 errdetail("The transaction outgrew its write buffer (%d actions), so its oldest writes were sent in batches of %d before the commit.",
						   TXN_FLUSH_ACTIONS, DYNAMO_MAX_TRANSACT_ACTIONS)));
	if (txn_buf->bulk_items > 0)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("%llu items written with dynamo_fdw.bulk_write are not rolled back",
						(unsigned long long) txn_buf->bulk_items)));
}

/*
 * The transaction callback: PRE_COMMIT sends the buffer (an error there
 * aborts the transaction, with nothing of PostgreSQL's committed);
 * PRE_PREPARE refuses, DynamoDB having no two-phase commit; COMMIT and
 * ABORT drop the buffer, warning about what cannot be rolled back; ABORT
 * also forgets the requests the aborted scans sent ahead.
 */
static void
txn_xact_callback(XactEvent event, void *arg)
{
	/* pages asked for ahead by the scans of an aborted transaction */
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		dynamo_http_drop_all_ahead();
	if (txn_buf == NULL)
		return;
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			txn_commit_buffer();
			break;
		case XACT_EVENT_PRE_PREPARE:
			if ((txn_buf->nactions > 0 && txn_buffer_writes()) ||
				txn_buf->sent_actions > 0 || txn_buf->bulk_items > 0)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot prepare a transaction that wrote to DynamoDB"),
						 errdetail("DynamoDB has no two-phase commit: dynamo_fdw sends a transaction's writes when it commits.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			if (txn_buf->nactions > 0)
				elog(WARNING, "dynamo_fdw: %d buffered DynamoDB actions were not sent at commit",
					 txn_buf->nactions);
			txn_buffer_discard();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			warn_at_abort();
			txn_buffer_discard();
			break;
	}
}

/*
 * The subtransaction callback: a rolled back subtransaction undoes its
 * changes to the buffer; once the outermost one commits, its log goes.
 */
static void
txn_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	if (txn_buf == NULL)
		return;
	if (event == SUBXACT_EVENT_ABORT_SUB)
		undo_to(mySubid);
	else if (event == SUBXACT_EVENT_COMMIT_SUB && parentSubid == TopSubTransactionId)
		undo_clear();
}

/*
 * Register the callbacks, once a backend: at its first buffered write or
 * scan (an abort forgets the pages its scans asked for ahead).
 */
void
dynamo_txn_register_callbacks(void)
{
	if (callbacks_registered)
		return;
	RegisterXactCallback(txn_xact_callback, NULL);
	RegisterSubXactCallback(txn_subxact_callback, NULL);
	callbacks_registered = true;
}
