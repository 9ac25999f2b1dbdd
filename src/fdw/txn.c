/*-------------------------------------------------------------------------
 *
 * txn.c
 *		  The per-transaction write buffer: writes to one item merged into
 *		  one entry, kept until the commit sends them.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/txn.c
 *
 * modify.c turns each INSERT, UPDATE and DELETE row into a write on one
 * item and hands it here.  Nothing goes to DynamoDB until the transaction
 * commits: the writes wait in a buffer under TopTransactionContext, one
 * entry per item, and at PRE_COMMIT they are sent as TransactWriteItems
 * requests of at most 100 actions (txn_send.c).  Scans see the buffer
 * through txn_view.c; savepoints and the transaction callbacks are in
 * txn_undo.c, which is the only caller of RegisterXactCallback and
 * RegisterSubXactCallback.
 *
 * Merging.  DynamoDB refuses two actions on one item in one request, so
 * every write to an item already in the buffer is folded into its entry:
 *
 *	INSERT				Put, condition attribute_not_exists (23505 if it exists)
 *	INSERT, UPDATE		one Put of the updated item, still attribute_not_exists
 *	INSERT, DELETE		ConditionCheck attribute_not_exists: nothing is
 *						written, but an INSERT of an item that existed still
 *						fails, as it would have without the DELETE
 *	UPDATE				Update (SET, REMOVE), condition attribute_exists
 *	UPDATE, UPDATE		one Update with both changes, the later one winning
 *	UPDATE, DELETE		Delete, condition attribute_exists
 *	DELETE				Delete, no condition (a row already gone is no error,
 *						as in PostgreSQL under READ COMMITTED)
 *	DELETE, INSERT		Put with no condition (with attribute_exists when an
 *						UPDATE came first)
 *
 * An INSERT of an item the buffer says exists fails at once (23505), an
 * UPDATE or DELETE of an item the buffer says is gone does nothing.
 *
 * Versions.  A statement must not see its own writes (an INSERT ... SELECT
 * from the same table would otherwise read the rows it inserts), but does
 * see those of earlier statements.  So each entry keeps, besides its
 * current state, the state it had before the command that last changed it;
 * a scan whose snapshot is at that command sees the older state.  A second
 * UPDATE or DELETE of one item by one command is skipped, as PostgreSQL
 * skips a row the same command already changed.
 *
 * Memory.  States are immutable and reference counted (an entry, the
 * version before the current command and the savepoint log may share one);
 * each of a state's trees is one chunk of the buffer's context, freed with
 * the last reference, and everything left goes with the context.  Unless
 * strict atomicity is on, a buffer that grows beyond TXN_FLUSH_ACTIONS
 * actions or TXN_FLUSH_BYTES bytes sends its oldest full batches at once,
 * during the statement, so memory stays bounded whatever the number of
 * rows; those batches are committed in DynamoDB from then on, whatever the
 * transaction does next.  A statement that reads the table it writes keeps
 * the keys of such early items until it ends, so that it still does not
 * see its own writes.  With strict atomicity on, the 101st action is
 * refused instead.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "tcop/pquery.h"
#include "utils/memutils.h"

#include "dynamo_fdw.h"
#include "txn_int.h"

bool		dynamo_strict_atomicity = false;
bool		dynamo_bulk_write = false;

TxnBuffer  *txn_buf = NULL;

/* ---- states ---- */

/* A rough size of a tree as JSON text. */
static size_t
value_size(const DynamoValue *v)
{
	size_t		n = 2;
	const DynamoValue *m;

	switch (v->kind)
	{
		case DYNAMO_VALUE_OBJECT:
			dynamo_value_foreach(m, v)
				n += m->name_len + 4 + value_size(m);
			return n;
		case DYNAMO_VALUE_ARRAY:
			dynamo_value_foreach(m, v)
				n += 1 + value_size(m);
			return n;
		case DYNAMO_VALUE_STRING:
			return n + v->len;
		default:
			return 8;
	}
}

/* V copied for a state: one chunk of the buffer's context (NULL for NULL). */
static DynamoValue *
keep(const DynamoValue *v)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(txn_buf->cxt);
	DynamoValue *copy = dynamo_value_copy_flat(v);

	MemoryContextSwitchTo(oldcxt);
	return copy;
}

TxnState *
txn_state_new(TxnOp op, TxnCond cond, bool do_nothing)
{
	TxnState   *st = MemoryContextAllocZero(txn_buf->cxt, sizeof(TxnState));

	st->refcount = 1;
	st->op = op;
	st->cond = cond;
	st->do_nothing = do_nothing;
	return st;
}

static void
state_set_size(TxnState *st)
{
	st->size = 200;
	if (st->item)
		st->size += value_size(st->item);
	if (st->set)
		st->size += 2 * value_size(st->set);
	if (st->remove)
		st->size += 2 * value_size(st->remove);
	if (st->expect)
		st->size += 2 * value_size(st->expect);
}

TxnState *
txn_state_ref(TxnState *st)
{
	if (st)
		st->refcount++;
	return st;
}

void
txn_state_unref(TxnState *st)
{
	if (st == NULL || --st->refcount > 0)
		return;
	if (st->item)
		pfree(st->item);
	if (st->set)
		pfree(st->set);
	if (st->remove)
		pfree(st->remove);
	if (st->image)
		pfree(st->image);
	if (st->expect)
		pfree(st->expect);
	pfree(st);
}

/* ITEM with SET and REMOVE applied: a new tree in the current context. */
DynamoValue *
txn_apply_update(const DynamoValue *item, const DynamoValue *set,
				 const DynamoValue *remove)
{
	DynamoValue *result = dynamo_value_copy(item);
	const DynamoValue *m;

	dynamo_value_foreach(m, remove)
		dynamo_value_remove(result, m->name);
	dynamo_value_foreach(m, set)
		dynamo_value_set(result, m->name, dynamo_value_copy(m));
	return result;
}

/* A Put of ITEM; EXPECT, when not NULL, is the condition carried over. */
static TxnState *
state_put(const DynamoValue *item, TxnCond cond, bool do_nothing,
		  const DynamoValue *expect)
{
	TxnState   *st = txn_state_new(TXN_PUT, cond, do_nothing);

	st->item = keep(item);
	st->expect = keep(expect);
	state_set_size(st);
	return st;
}

/* A Delete or ConditionCheck carrying the read condition EXPECT. */
static TxnState *
state_plain(TxnOp op, TxnCond cond, bool do_nothing, const DynamoValue *expect)
{
	TxnState   *st = txn_state_new(op, cond, do_nothing);

	st->expect = keep(expect);
	state_set_size(st);
	return st;
}

/* An Update, or a ConditionCheck when it changes nothing. */
static TxnState *
state_update(const DynamoValue *set, const DynamoValue *remove,
			 const DynamoValue *image, const DynamoValue *expect)
{
	TxnState   *st;

	if ((set == NULL || set->len == 0) && (remove == NULL || remove->len == 0))
		st = txn_state_new(TXN_CHECK, TXN_COND_PRESENT, false);
	else
	{
		st = txn_state_new(TXN_UPDATE, TXN_COND_PRESENT, false);
		st->set = keep(set);
		st->remove = keep(remove);
		st->image = keep(image);
	}
	st->expect = keep(expect);
	state_set_size(st);
	return st;
}

/* Does the transaction, in state ST, see the item as existing? */
bool
txn_state_exists(const TxnState *st)
{
	return st->op == TXN_PUT || st->op == TXN_UPDATE ||
		(st->op == TXN_CHECK && st->cond == TXN_COND_PRESENT);
}

/* ---- the buffer ---- */

/*
 * The buffer's context goes away: forget the buffer.  The markers' hash
 * tables live in child contexts of their own, deleted before this callback
 * runs; txn_buffer_discard releases them first.
 */
static void
buffer_release(void *arg)
{
	if (txn_buf == (TxnBuffer *) arg)
		txn_buf = NULL;
}

/* The transaction's buffer, made (with the callbacks) at the first write. */
TxnBuffer *
txn_buffer_get(void)
{
	MemoryContext cxt;
	MemoryContextCallback *cb;

	if (txn_buf)
		return txn_buf;
	dynamo_txn_register_callbacks();
	cxt = AllocSetContextCreate(TopTransactionContext, "dynamo_fdw write buffer",
								ALLOCSET_DEFAULT_SIZES);
	txn_buf = MemoryContextAllocZero(cxt, sizeof(TxnBuffer));
	txn_buf->cxt = cxt;
	txn_buf->entries = txn_strptr_hash_create("dynamo_fdw buffered items",
											  sizeof(TxnHashEnt), cxt);
	dlist_init(&txn_buf->order);
	cb = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	cb->func = buffer_release;
	cb->arg = txn_buf;
	MemoryContextRegisterResetCallback(cxt, cb);
	return txn_buf;
}

/* The transaction ended: drop the buffer and everything in it. */
void
txn_buffer_discard(void)
{
	ListCell   *lc;

	if (txn_buf == NULL)
		return;
	/* while the markers' hash tables still exist (see buffer_release) */
	foreach(lc, txn_buf->tables)
		txn_markers_reset((TxnTable *) lfirst(lc));
	MemoryContextDelete(txn_buf->cxt);	/* buffer_release clears txn_buf */
	txn_buf = NULL;
}

TxnTable *
txn_find_table(Oid serverid, const char *name)
{
	ListCell   *lc;

	if (txn_buf == NULL)
		return NULL;
	foreach(lc, txn_buf->tables)
	{
		TxnTable   *t = lfirst(lc);

		if (t->serverid == serverid && strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

static TxnTable *
get_table(const DynamoWriteTarget *wt)
{
	TxnTable   *t = txn_find_table(wt->serverid, wt->table);
	MemoryContext oldcxt;

	if (t)
		return t;
	oldcxt = MemoryContextSwitchTo(txn_buf->cxt);
	t = palloc0(sizeof(TxnTable));
	t->serverid = wt->serverid;
	t->name = pstrdup(wt->table);
	t->partition_key = pstrdup(wt->partition_key);
	t->sort_key = wt->sort_key ? pstrdup(wt->sort_key) : NULL;
	t->markers_cid = InvalidCommandId;
	txn_buf->tables = lappend(txn_buf->tables, t);
	MemoryContextSwitchTo(oldcxt);
	return t;
}

static TxnTarget *
get_target(const DynamoWriteTarget *wt)
{
	ListCell   *lc;
	TxnTarget  *tg;
	MemoryContext oldcxt;

	foreach(lc, txn_buf->targets)
	{
		tg = lfirst(lc);
		if (tg->serverid == wt->serverid && tg->umid == wt->umid)
			return tg;
	}
	oldcxt = MemoryContextSwitchTo(txn_buf->cxt);
	tg = palloc0(sizeof(TxnTarget));
	tg->serverid = wt->serverid;
	tg->userid = wt->userid;
	tg->umid = wt->umid;
	txn_buf->targets = lappend(txn_buf->targets, tg);
	MemoryContextSwitchTo(oldcxt);
	return tg;
}

static char *
make_hashkey(Oid serverid, const char *table, const char *keystr, int *keyoff)
{
	char	   *prefix = psprintf("%u|%s|", serverid, table);
	char	   *result = psprintf("%s%s", prefix, keystr);

	if (keyoff)
		*keyoff = strlen(prefix);
	pfree(prefix);
	return result;
}

TxnEntry *
txn_lookup_entry(const TxnTable *t, const char *keystr)
{
	char	   *hashkey;
	TxnHashEnt *he;

	if (txn_buf == NULL)
		return NULL;
	hashkey = make_hashkey(t->serverid, t->name, keystr, NULL);
	he = hash_search(txn_buf->entries, &hashkey, HASH_FIND, NULL);
	pfree(hashkey);
	return he ? he->entry : NULL;
}

TxnMarker *
txn_lookup_marker(const TxnTable *t, const char *keystr, CommandId cid)
{
	if (t->markers == NULL || t->markers_cid != cid)
		return NULL;
	return hash_search(t->markers, &keystr, HASH_FIND, NULL);
}

/* Forget the markers of an earlier command. */
void
txn_markers_reset(TxnTable *t)
{
	HASH_SEQ_STATUS seq;
	TxnMarker  *m;

	if (t->markers == NULL)
		return;
	hash_seq_init(&seq, t->markers);
	while ((m = hash_seq_search(&seq)) != NULL)
		txn_state_unref(m->before);
	hash_destroy(t->markers);
	t->markers = NULL;
	t->markers_cid = InvalidCommandId;
}

void
txn_entry_free(TxnEntry *e)
{
	txn_state_unref(e->cur);
	txn_state_unref(e->before);
	pfree(e->key);
	pfree(e->hashkey);
	pfree(e);
}

/* Take E out of the buffer (sent, or its creation rolled back). */
void
txn_entry_remove(TxnEntry *e)
{
	bool		found;

	hash_search(txn_buf->entries, &e->hashkey, HASH_REMOVE, &found);
	Assert(found);
	dlist_delete(&e->node);
	txn_buf->nactions--;
	if (e->cur)
		txn_buf->bytes -= Min(txn_buf->bytes, e->cur->size);
	e->table->nentries--;
	e->target->nentries--;
	e->in_buffer = false;
	if (e->undo_refs == 0)
		txn_entry_free(e);
}

/* Make ST (whose reference we take) E's state, as command CID's change. */
static void
entry_set(TxnEntry *e, TxnState *st, CommandId cid, bool changed)
{
	txn_push_undo(e, e->cur == NULL);
	if (e->cur)
		txn_buf->bytes -= Min(txn_buf->bytes, e->cur->size);
	if (e->last_cid != cid)
	{
		txn_state_unref(e->before);
		e->before = e->cur;		/* the reference moves */
		e->last_cid = cid;
		e->cmd_changed = false;
	}
	else
		txn_state_unref(e->cur);
	e->cur = st;
	e->cmd_changed |= changed;
	txn_buf->bytes += st->size;
}

/*
 * With strict atomicity, everything must fit one request: refuse the
 * 101st action, or a second user mapping, before anything is sent.
 */
static void
check_strict_room(TxnTarget *tg)
{
	ListCell   *lc;

	if (!dynamo_strict_atomicity)
		return;
	if (txn_buf->nactions + 1 > DYNAMO_MAX_TRANSACT_ACTIONS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("transaction needs more than %d DynamoDB actions",
						DYNAMO_MAX_TRANSACT_ACTIONS),
				 errdetail("dynamo_fdw.strict_atomicity is on, so the transaction must commit in one TransactWriteItems request; nothing has been sent to DynamoDB."),
				 errhint("Split the work into transactions of at most %d items, or turn dynamo_fdw.strict_atomicity off to commit in consecutive batches.",
						 DYNAMO_MAX_TRANSACT_ACTIONS)));
	foreach(lc, txn_buf->targets)
	{
		TxnTarget  *other = lfirst(lc);

		if (other != tg && other->nentries > 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("transaction writes to DynamoDB through more than one server or user mapping"),
					 errdetail("dynamo_fdw.strict_atomicity is on, and one TransactWriteItems request is signed by one set of credentials.")));
	}
}

/* A new, stateless entry for KEY (entry_set gives it its state). */
static TxnEntry *
entry_create(TxnTable *t, const DynamoWriteTarget *wt, const DynamoValue *key,
			 const char *keystr, CommandId cid)
{
	TxnTarget  *tg = get_target(wt);
	TxnEntry   *e;
	TxnHashEnt *he;
	TxnMarker  *m;
	int			keyoff;
	bool		found;

	check_strict_room(tg);

	e = MemoryContextAllocZero(txn_buf->cxt, sizeof(TxnEntry));
	e->hashkey = MemoryContextStrdup(txn_buf->cxt,
									 make_hashkey(t->serverid, t->name, keystr, &keyoff));
	e->keystr = e->hashkey + keyoff;
	e->table = t;
	e->target = tg;
	e->key = keep(key);
	e->last_cid = InvalidCommandId;
	e->in_buffer = true;
	e->track = wt->track_sent;

	/* the item went out earlier in this command: keep what it still sees */
	if ((m = txn_lookup_marker(t, keystr, cid)) != NULL)
	{
		e->before = m->before;
		e->last_cid = cid;
		e->cmd_changed = m->changed;
		hash_search(t->markers, &keystr, HASH_REMOVE, NULL);
	}

	he = hash_search(txn_buf->entries, &e->hashkey, HASH_ENTER, &found);
	Assert(!found);
	he->key = e->hashkey;
	he->entry = e;
	dlist_push_tail(&txn_buf->order, &e->node);
	txn_buf->nactions++;
	t->nentries++;
	tg->nentries++;
	return e;
}

/* One item may be written through one user mapping only. */
static void
check_same_user(TxnEntry *e, const DynamoWriteTarget *wt)
{
	if (e->target->umid != wt->umid)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot write one DynamoDB item through two user mappings in one transaction"),
				 errdetail("Item %s of DynamoDB table \"%s\" was already written through another user mapping.",
						   dynamo_key_display(e->key, e->table->partition_key,
													e->table->sort_key),
						   e->table->name)));
}

/* After a write: keep the buffer bounded. */
static void
after_write(void)
{
	if (!dynamo_strict_atomicity &&
		(txn_buf->nactions > TXN_FLUSH_ACTIONS || txn_buf->bytes > TXN_FLUSH_BYTES))
		txn_flush_early();
}

/* ---- writes, as modify.c hands them over ---- */

/*
 * The start of every buffered write: the buffer, WT's table (*tp), KEY as
 * text (*keystrp) and the item's entry, or NULL when it has none yet.
 */
static TxnEntry *
find_for_write(const DynamoWriteTarget *wt, const DynamoValue *key,
			   TxnTable **tp, char **keystrp)
{
	TxnTable   *t;

	txn_buffer_get();
	t = get_table(wt);
	*tp = t;
	*keystrp = dynamo_key_string(key, t->partition_key, t->sort_key);
	if (*keystrp == NULL)
		elog(ERROR, "dynamo_fdw: write without a complete key");
	return txn_lookup_entry(t, *keystrp);
}

/*
 * What this transaction knows of KEY's item: written so that it exists,
 * deleted, or nothing.
 */
DynamoTxnKnown
dynamo_txn_known(const DynamoWriteTarget *wt, const DynamoValue *key)
{
	TxnTable   *t = txn_find_table(wt->serverid, wt->table);
	TxnEntry   *e;
	char	   *keystr;

	if (t == NULL)
		return DYNAMO_TXN_UNKNOWN;
	keystr = dynamo_key_string(key, t->partition_key, t->sort_key);
	e = keystr ? txn_lookup_entry(t, keystr) : NULL;
	if (e == NULL)
		return DYNAMO_TXN_UNKNOWN;
	return txn_state_exists(e->cur) ? DYNAMO_TXN_EXISTS : DYNAMO_TXN_ABSENT;
}

/*
 * Buffer an INSERT of ITEM (whose key is KEY) by command CID.  Returns
 * DYNAMO_TXN_DUPLICATE, buffering nothing, when the transaction itself
 * made the item exist.  KEY and ITEM are copied.  A DELETE buffered before
 * keeps its condition: the Put is conditioned on what that DELETE read.
 */
DynamoTxnOutcome
dynamo_txn_insert(const DynamoWriteTarget *wt, const DynamoValue *key,
				  const DynamoValue *item, bool do_nothing, CommandId cid)
{
	TxnTable   *t;
	TxnEntry   *e;
	char	   *keystr;

	e = find_for_write(wt, key, &t, &keystr);
	if (e)
	{
		TxnState   *cur = e->cur;
		TxnCond		cond;

		check_same_user(e, wt);
		if (txn_state_exists(cur))
			return DYNAMO_TXN_DUPLICATE;
		/* DELETE: as its condition; INSERT then DELETE: must not exist */
		cond = cur->op == TXN_CHECK ? TXN_COND_ABSENT : cur->cond;
		entry_set(e, state_put(item, cond, do_nothing || cur->do_nothing, cur->expect),
				  cid, false);
	}
	else
	{
		e = entry_create(t, wt, key, keystr, cid);
		entry_set(e, state_put(item, TXN_COND_ABSENT, do_nothing, NULL), cid, false);
	}
	after_write();
	return DYNAMO_TXN_BUFFERED;
}

/*
 * An UPDATE (SET, REMOVE) merged into the Update CUR already buffered: the
 * later change to an attribute wins.
 */
static TxnState *
merge_updates(const TxnState *cur, const DynamoValue *set, const DynamoValue *remove,
			  const DynamoValue *image)
{
	DynamoValue *nset = dynamo_value_copy(cur->set);
	DynamoValue *nremove = dynamo_value_copy(cur->remove);
	const DynamoValue *m;

	dynamo_value_foreach(m, remove)
	{
		dynamo_value_remove(nset, m->name);
		dynamo_value_set(nremove, m->name, dynamo_value_copy(m));
	}
	dynamo_value_foreach(m, set)
	{
		dynamo_value_remove(nremove, m->name);
		dynamo_value_set(nset, m->name, dynamo_value_copy(m));
	}
	return state_update(nset, nremove, image, cur->expect);
}

/*
 * The start of an UPDATE or DELETE of KEY's item by command CID.  *EP gets
 * the item's entry: a new one (CHANGE_NEW), whose state the caller sets, or
 * the one already there (CHANGE_MERGE), whose state the caller merges
 * with.  CHANGE_SKIP when the item is gone for this transaction's command
 * (a marker of a write undone) or this command already changed it.
 */
typedef enum ChangeStart
{
	CHANGE_NEW,
	CHANGE_MERGE,
	CHANGE_SKIP
} ChangeStart;

static ChangeStart
start_change(const DynamoWriteTarget *wt, const DynamoValue *key, CommandId cid,
			 TxnEntry **ep)
{
	TxnTable   *t;
	char	   *keystr;
	TxnEntry   *e = find_for_write(wt, key, &t, &keystr);

	if (e == NULL)
	{
		TxnMarker  *m = txn_lookup_marker(t, keystr, cid);

		if (m && m->changed)
			return CHANGE_SKIP;
		*ep = entry_create(t, wt, key, keystr, cid);
		return CHANGE_NEW;
	}
	check_same_user(e, wt);
	if (e->last_cid == cid && e->cmd_changed)
		return CHANGE_SKIP;
	*ep = e;
	return CHANGE_MERGE;
}

/* E's new state ST, set by command CID: the write is in the buffer. */
static DynamoTxnOutcome
buffered(TxnEntry *e, TxnState *st, CommandId cid)
{
	entry_set(e, st, cid, true);
	after_write();
	return DYNAMO_TXN_BUFFERED;
}

/*
 * Buffer an UPDATE of KEY's item by command CID: SET (attribute ->
 * AttributeValue) and REMOVE (attribute -> anything) are the changes, IMAGE
 * the whole new item as the writer sees it, EXPECT what the row it was
 * computed from held in DynamoDB (see TxnState; NULL when the row came
 * from this transaction's own writes).  An item already in the buffer
 * keeps the condition of its first write: that is what the transaction
 * read from DynamoDB.  Returns DYNAMO_TXN_SKIPPED when the item is gone for
 * this transaction or this command already changed it.  Copies what it
 * keeps.
 */
DynamoTxnOutcome
dynamo_txn_update(const DynamoWriteTarget *wt, const DynamoValue *key,
				  const DynamoValue *set, const DynamoValue *remove,
				  const DynamoValue *image, const DynamoValue *expect, CommandId cid)
{
	TxnEntry   *e = NULL;
	TxnState   *st;

	switch (start_change(wt, key, cid, &e))
	{
		case CHANGE_SKIP:
			return DYNAMO_TXN_SKIPPED;
		case CHANGE_NEW:
			return buffered(e, state_update(set, remove, image, expect), cid);
		case CHANGE_MERGE:
			break;
	}
	switch (e->cur->op)
	{
		case TXN_PUT:
			st = state_put(txn_apply_update(e->cur->item, set, remove), e->cur->cond,
						   e->cur->do_nothing, e->cur->expect);
			break;
		case TXN_UPDATE:
			st = merge_updates(e->cur, set, remove, image);
			break;
		case TXN_CHECK:
			if (e->cur->cond != TXN_COND_PRESENT)
				return DYNAMO_TXN_SKIPPED;
			st = state_update(set, remove, image, e->cur->expect);
			break;
		case TXN_DELETE:
		default:
			return DYNAMO_TXN_SKIPPED;
	}
	return buffered(e, st, cid);
}

/*
 * Buffer a DELETE of KEY's item by command CID, with EXPECT as for an
 * UPDATE.  DYNAMO_TXN_SKIPPED as for an UPDATE.  Copies what it keeps.
 */
DynamoTxnOutcome
dynamo_txn_delete(const DynamoWriteTarget *wt, const DynamoValue *key,
				  const DynamoValue *expect, CommandId cid)
{
	TxnEntry   *e = NULL;
	TxnState   *st;
	const DynamoValue *first;

	switch (start_change(wt, key, cid, &e))
	{
		case CHANGE_SKIP:
			return DYNAMO_TXN_SKIPPED;
		case CHANGE_NEW:
			return buffered(e, state_plain(TXN_DELETE, TXN_COND_NONE, false, expect), cid);
		case CHANGE_MERGE:
			break;
	}
	first = e->cur->expect;
	switch (e->cur->op)
	{
		case TXN_PUT:
			if (e->cur->cond == TXN_COND_ABSENT)
				st = state_plain(TXN_CHECK, TXN_COND_ABSENT, e->cur->do_nothing, first);
			else
				st = state_plain(TXN_DELETE, e->cur->cond, false, first);
			break;
		case TXN_UPDATE:
			st = state_plain(TXN_DELETE, TXN_COND_PRESENT, false, first);
			break;
		case TXN_CHECK:
			if (e->cur->cond != TXN_COND_PRESENT)
				return DYNAMO_TXN_SKIPPED;
			st = state_plain(TXN_DELETE, TXN_COND_PRESENT, false, first);
			break;
		case TXN_DELETE:
		default:
			return DYNAMO_TXN_SKIPPED;
	}
	return buffered(e, st, cid);
}

/*
 * A row locked with FOR UPDATE or FOR SHARE (or read beside the target of
 * an UPDATE or DELETE): at commit, a ConditionCheck that KEY's item still
 * holds EXPECT, in the same TransactWriteItems as the writes.  An item the
 * transaction already writes keeps its own condition.  Nothing is sent for
 * checks alone (a transaction that writes nothing commits nothing).
 */
void
dynamo_txn_lock(const DynamoWriteTarget *wt, const DynamoValue *key,
				const DynamoValue *expect, CommandId cid)
{
	TxnTable   *t;
	TxnEntry   *e;
	char	   *keystr;

	e = find_for_write(wt, key, &t, &keystr);
	if (e != NULL)
		return;
	e = entry_create(t, wt, key, keystr, cid);
	entry_set(e, state_plain(TXN_CHECK, TXN_COND_PRESENT, false, expect), cid, false);
	after_write();
}

/* Count items bulk mode wrote, for the ROLLBACK warning. */
void
dynamo_txn_note_bulk(uint64 items)
{
	txn_buffer_get()->bulk_items += items;
}

/*
 * Is ESTATE's statement all that its transaction does?  Then a write sent
 * at once commits exactly when the transaction would.  Not in a
 * transaction block (nor a query string of several statements), not in a
 * statement a function or another statement runs (the portal runs this
 * very plan), one result relation and no WITH that writes, and nothing
 * buffered yet.
 */
bool
dynamo_txn_single_statement(EState *estate)
{
	PlannedStmt *stmt = estate->es_plannedstmt;

	if (IsTransactionBlock() || IsSubTransaction())
		return false;
	if (ActivePortal == NULL || list_length(ActivePortal->stmts) != 1 ||
		linitial(ActivePortal->stmts) != stmt)
		return false;
	if (stmt->hasModifyingCTE || list_length(stmt->resultRelations) != 1)
		return false;
	return txn_buf == NULL || txn_buf->nactions == 0;
}
