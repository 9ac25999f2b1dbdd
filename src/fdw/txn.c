/*-------------------------------------------------------------------------
 *
 * txn.c
 *		  The per-transaction write buffer: merging writes to one item,
 *		  savepoints, read-your-writes, and TransactWriteItems at commit.
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
 * requests of at most 100 actions.  This file is the only caller of
 * RegisterXactCallback/RegisterSubXactCallback.
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
 * Savepoints.  Inside a subtransaction every change to an entry is logged
 * with the entry's previous state; ROLLBACK TO SAVEPOINT restores those
 * states in reverse order.  The log is dropped once the outermost
 * subtransaction commits.
 *
 * Memory.  States are immutable and reference counted (an entry, the
 * version before the current command and the savepoint log may share one);
 * json-c trees are freed with the last reference, and everything left
 * when the buffer's memory context goes away.  Unless strict atomicity is
 * on, a buffer that grows beyond TXN_FLUSH_ACTIONS actions or
 * TXN_FLUSH_BYTES bytes sends its oldest full batches at once, during the
 * statement, so memory stays bounded whatever the number of rows; those
 * batches are committed in DynamoDB from then on, whatever the transaction
 * does next.  A statement that reads the table it writes keeps the keys of
 * such early items until it ends, so that it still does not see its own
 * writes.  With strict atomicity on, the 101st action is refused instead.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include "access/xact.h"
#include "common/hashfn.h"
#include "common/pg_prng.h"
#include "lib/ilist.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "tcop/pquery.h"
#include "storage/proc.h"
#include "utils/snapmgr.h"
#include "utils/timeout.h"

#include "client.h"
#include "convert.h"
#include "ddb_limits.h"
#include "dynamo_fdw.h"
#include "txn.h"

bool		dynamo_strict_atomicity = false;
bool		dynamo_bulk_write = false;

/* Send the oldest batches early when the buffer holds more than this. */
#define TXN_FLUSH_ACTIONS	10000
#define TXN_FLUSH_BYTES		((size_t) 64 * 1024 * 1024)

/* Bytes of one TransactWriteItems request, at most (see ddb_limits.h). */
#define TXN_REQUEST_BYTES	DYNAMO_MAX_TRANSACT_REQUEST_BYTES

typedef enum TxnOp
{
	TXN_PUT,					/* the whole item */
	TXN_UPDATE,					/* SET and REMOVE attributes */
	TXN_DELETE,
	TXN_CHECK					/* ConditionCheck: nothing written */
} TxnOp;

typedef enum TxnCond
{
	TXN_COND_NONE,
	TXN_COND_ABSENT,			/* attribute_not_exists(partition key) */
	TXN_COND_PRESENT			/* attribute_exists(partition key) */
} TxnCond;

/* What will be done to one item.  Immutable once made; shared by count. */
typedef struct TxnState
{
	int			refcount;
	TxnOp		op;
	TxnCond		cond;
	bool		do_nothing;		/* an INSERT ... ON CONFLICT DO NOTHING */
	json_c_object *item;		/* PUT: the whole item */
	json_c_object *set;			/* UPDATE: attribute -> AttributeValue */
	json_c_object *remove;		/* UPDATE: attribute -> true */
	json_c_object *image;		/* UPDATE: the whole new item as its writer
								 * saw it, for scans DynamoDB's item misses */
	json_c_object *expect;		/* what the first read of the item saw:
								 * attribute -> AttributeValue, or -> NULL
								 * for an attribute it did not have; NULL:
								 * the write was not derived from a read */
	size_t		size;			/* estimated bytes */
} TxnState;

/* Whose credentials sign a request: one TransactWriteItems each. */
typedef struct TxnTarget
{
	Oid			serverid;
	Oid			userid;
	Oid			umid;
	DynamoConn *conn;			/* made at the first request */
	int			nentries;
} TxnTarget;

/* A DynamoDB table written in this transaction. */
typedef struct TxnTable
{
	Oid			serverid;
	char	   *name;
	char	   *partition_key;
	char	   *sort_key;		/* NULL: none */
	int			nentries;
	HTAB	   *markers;		/* items sent early by command markers_cid */
	CommandId	markers_cid;
} TxnTable;

/* One item with buffered writes. */
typedef struct TxnEntry
{
	char	   *hashkey;		/* server, table and key, as text */
	const char *keystr;			/* the key part of hashkey */
	TxnTable   *table;
	TxnTarget  *target;
	json_c_object *key;
	TxnState   *cur;			/* what commit will send */
	TxnState   *before;			/* before command last_cid; NULL: nothing */
	CommandId	last_cid;
	bool		cmd_changed;	/* an UPDATE/DELETE of last_cid changed it */
	bool		track;			/* leave a marker if sent early */
	bool		in_buffer;
	int			undo_refs;		/* savepoint log records naming it */
	dlist_node	node;			/* in buffer order */
} TxnEntry;

/*
 * What the command that sent an item early should still see of it (its
 * state before the command), kept until the command ends.
 */
typedef struct TxnMarker
{
	char	   *keystr;
	TxnState   *before;			/* NULL: DynamoDB's item as it is now */
	bool		changed;
} TxnMarker;

/* A change to an entry made inside a subtransaction. */
typedef struct TxnUndo
{
	SubTransactionId subid;
	TxnEntry   *entry;
	bool		created;		/* the change created the entry */
	TxnState   *cur;
	TxnState   *before;
	CommandId	last_cid;
	bool		cmd_changed;
} TxnUndo;

typedef struct TxnHashEnt
{
	char	   *key;
	TxnEntry   *entry;
} TxnHashEnt;

typedef struct TxnBuffer
{
	MemoryContext cxt;
	HTAB	   *entries;		/* hashkey -> TxnEntry */
	dlist_head	order;			/* entries, oldest first */
	List	   *tables;			/* TxnTable * */
	List	   *targets;		/* TxnTarget * */
	int			nactions;
	size_t		bytes;
	uint64		sent_actions;	/* sent already (early, or earlier batches) */
	uint64		bulk_items;		/* written with BatchWriteItem */
	bool		committing;
	TxnUndo    *undo;
	int			nundo;
	int			maxundo;
} TxnBuffer;

static TxnBuffer *buf = NULL;
static bool callbacks_registered = false;

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

static void txn_xact_callback(XactEvent event, void *arg);
static void markers_reset(TxnTable *t);
static void txn_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								 SubTransactionId parentSubid, void *arg);

/* ---- hash tables keyed by a C string pointer ---- */

static uint32
strptr_hash(const void *key, Size keysize)
{
	const char *s = *(char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
strptr_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(char *const *) key1, *(char *const *) key2);
}

static HTAB *
strptr_hash_create(const char *name, Size entrysize, MemoryContext cxt)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(char *);
	ctl.entrysize = entrysize;
	ctl.hash = strptr_hash;
	ctl.match = strptr_match;
	ctl.hcxt = cxt;
	return hash_create(name, 64, &ctl,
					   HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
}

/* ---- keys ---- */

/* The one member of an AttributeValue. */
static bool
av_member(json_c_object *av, const char **tag, json_c_object **value)
{
	struct json_object_iterator it,
				end;

	if (av == NULL || !json_object_is_type(av, json_type_object))
		return false;
	it = json_object_iter_begin(av);
	end = json_object_iter_end(av);
	if (json_object_iter_equal(&it, &end))
		return false;
	*tag = json_object_iter_peek_name(&it);
	*value = json_object_iter_peek_value(&it);
	return true;
}

static bool
append_key_part(StringInfo s, json_c_object *av)
{
	const char *tag;
	json_c_object *v;
	const char *text;
	int			len;

	if (!av_member(av, &tag, &v) || !json_object_is_type(v, json_type_string))
		return false;
	text = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if (strcmp(tag, "N") == 0)
	{
		/* 1.50 and 1.5 are one key: DynamoDB stores numbers normalized */
		Datum		n = DirectFunctionCall3(numeric_in, CStringGetDatum(text),
											ObjectIdGetDatum(InvalidOid),
											Int32GetDatum(-1));

		text = numeric_normalize(DatumGetNumeric(n));
		len = strlen(text);
	}
	appendStringInfo(s, "%s%d:", tag, len);
	appendBinaryStringInfo(s, text, len);
	return true;
}

/*
 * The key of ITEM (or of a key object) as text, equal for equal keys
 * whatever their spelling; NULL when a key attribute is missing.  palloc'd
 * in the current context.
 */
char *
dynamo_key_string(json_c_object *item, const char *pk, const char *sk)
{
	StringInfoData s;
	json_c_object *av;

	initStringInfo(&s);
	if (!json_object_object_get_ex(item, pk, &av) || !append_key_part(&s, av))
		return NULL;
	if (sk)
	{
		appendStringInfoChar(&s, '|');
		if (!json_object_object_get_ex(item, sk, &av) || !append_key_part(&s, av))
			return NULL;
	}
	return s.data;
}

/* "(PK, SK)=(a, b)" for messages.  palloc'd in the current context. */
char *
dynamo_key_display(json_c_object *item, const char *pk, const char *sk)
{
	json_c_object *p = NULL,
			   *s = NULL;

	json_object_object_get_ex(item, pk, &p);
	if (sk)
	{
		json_object_object_get_ex(item, sk, &s);
		return psprintf("(%s, %s)=(%s, %s)", pk, sk,
						p ? dynamo_av_display(p) : "?", s ? dynamo_av_display(s) : "?");
	}
	return psprintf("(%s)=(%s)", pk, p ? dynamo_av_display(p) : "?");
}

/*
 * An INSERT of an item that exists: the unique violation a PostgreSQL table
 * would raise, naming the item.
 */
void
dynamo_report_duplicate(const char *table, const char *keydisp, const char *detail_more)
{
	while (detail_more && *detail_more == ' ')
		detail_more++;
	ereport(ERROR,
			(errcode(ERRCODE_UNIQUE_VIOLATION),
			 errmsg("duplicate key value violates the key of DynamoDB table \"%s\"", table),
			 detail_more && *detail_more
			 ? errdetail("Key %s already exists. %s", keydisp, detail_more)
			 : errdetail("Key %s already exists.", keydisp)));
}

/* ---- states ---- */

/* A rough size of a json-c tree as JSON text. */
static size_t
json_size(json_c_object *o)
{
	size_t		n = 2;

	switch (json_object_get_type(o))
	{
		case json_type_object:
			{
				json_object_object_foreach(o, k, v)
					n += strlen(k) + 4 + json_size(v);
				return n;
			}
		case json_type_array:
			{
				size_t		i;

				for (i = 0; i < json_object_array_length(o); i++)
					n += 1 + json_size(json_object_array_get_idx(o, i));
				return n;
			}
		case json_type_string:
			return n + json_object_get_string_len(o);
		default:
			return 8;
	}
}

static TxnState *
state_new(TxnOp op, TxnCond cond, bool do_nothing)
{
	TxnState   *st = MemoryContextAllocZero(buf->cxt, sizeof(TxnState));

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
		st->size += json_size(st->item);
	if (st->set)
		st->size += 2 * json_size(st->set);
	if (st->remove)
		st->size += 2 * json_size(st->remove);
	if (st->expect)
		st->size += 2 * json_size(st->expect);
}

static TxnState *
state_ref(TxnState *st)
{
	if (st)
		st->refcount++;
	return st;
}

static void
state_unref(TxnState *st)
{
	if (st == NULL || --st->refcount > 0)
		return;
	if (st->item)
		json_object_put(st->item);
	if (st->set)
		json_object_put(st->set);
	if (st->remove)
		json_object_put(st->remove);
	if (st->image)
		json_object_put(st->image);
	if (st->expect)
		json_object_put(st->expect);
	pfree(st);
}

static json_c_object *
json_copy(json_c_object *o)
{
	json_c_object *copy = NULL;

	if (json_object_deep_copy(o, &copy, NULL) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	return copy;
}

/* ITEM with SET and REMOVE applied: a new tree sharing ITEM's values. */
static json_c_object *
apply_update(json_c_object *item, json_c_object *set, json_c_object *remove)
{
	json_c_object *result = json_object_new_object();

	json_object_object_foreach(item, k, v)
		json_object_object_add(result, k, json_object_get(v));
	if (remove)
	{
		json_object_object_foreach(remove, rk, rv)
		{
			(void) rv;
			json_object_object_del(result, rk);
		}
	}
	if (set)
	{
		json_object_object_foreach(set, sk, sv)
			json_object_object_add(result, sk, json_object_get(sv));
	}
	return result;
}

/* EXPECT, when not NULL, gains a reference: the condition carried over. */
static TxnState *
state_put(json_c_object *item, TxnCond cond, bool do_nothing, json_c_object *expect)
{
	TxnState   *st = state_new(TXN_PUT, cond, do_nothing);

	st->item = json_object_get(item);
	st->expect = json_object_get(expect);
	state_set_size(st);
	return st;
}

/* A Delete or ConditionCheck carrying the read condition EXPECT. */
static TxnState *
state_plain(TxnOp op, TxnCond cond, bool do_nothing, json_c_object *expect)
{
	TxnState   *st = state_new(op, cond, do_nothing);

	st->expect = json_object_get(expect);
	state_set_size(st);
	return st;
}

/* An Update, or a ConditionCheck when it changes nothing. */
static TxnState *
state_update(json_c_object *set, json_c_object *remove, json_c_object *image,
			 json_c_object *expect)
{
	TxnState   *st;

	if (json_object_object_length(set) == 0 && json_object_object_length(remove) == 0)
	{
		json_object_put(set);
		json_object_put(remove);
		st = state_new(TXN_CHECK, TXN_COND_PRESENT, false);
	}
	else
	{
		st = state_new(TXN_UPDATE, TXN_COND_PRESENT, false);
		st->set = set;
		st->remove = remove;
		st->image = json_object_get(image);
	}
	st->expect = json_object_get(expect);
	state_set_size(st);
	return st;
}

/* Does the transaction, in state ST, see the item as existing? */
static bool
state_exists(const TxnState *st)
{
	return st->op == TXN_PUT || st->op == TXN_UPDATE ||
		(st->op == TXN_CHECK && st->cond == TXN_COND_PRESENT);
}

/* ---- the buffer ---- */

/* Free the json-c trees still held when the buffer's context goes away. */
static void
buffer_release(void *arg)
{
	TxnBuffer  *b = (TxnBuffer *) arg;
	dlist_mutable_iter it;
	int			i;

	for (i = 0; i < b->nundo; i++)
	{
		state_unref(b->undo[i].cur);
		state_unref(b->undo[i].before);
	}
	dlist_foreach_modify(it, &b->order)
	{
		TxnEntry   *e = dlist_container(TxnEntry, node, it.cur);

		state_unref(e->cur);
		state_unref(e->before);
		json_object_put(e->key);
	}
	/* entries only the log still named */
	for (i = 0; i < b->nundo; i++)
	{
		TxnEntry   *e = b->undo[i].entry;

		if (e && !e->in_buffer && --e->undo_refs == 0)
		{
			state_unref(e->cur);
			state_unref(e->before);
			json_object_put(e->key);
		}
	}
	/*
	 * The markers are not released here: their hash table lives in a child
	 * context of its own, deleted before this callback runs.  buffer_discard
	 * releases them first.
	 */
	if (buf == b)
		buf = NULL;
}

static TxnBuffer *
buffer_get(void)
{
	MemoryContext cxt;
	MemoryContextCallback *cb;

	if (buf)
		return buf;
	if (!callbacks_registered)
	{
		RegisterXactCallback(txn_xact_callback, NULL);
		RegisterSubXactCallback(txn_subxact_callback, NULL);
		callbacks_registered = true;
	}
	cxt = AllocSetContextCreate(TopTransactionContext, "dynamo_fdw write buffer",
								ALLOCSET_DEFAULT_SIZES);
	buf = MemoryContextAllocZero(cxt, sizeof(TxnBuffer));
	buf->cxt = cxt;
	buf->entries = strptr_hash_create("dynamo_fdw buffered items",
									  sizeof(TxnHashEnt), cxt);
	dlist_init(&buf->order);
	cb = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	cb->func = buffer_release;
	cb->arg = buf;
	MemoryContextRegisterResetCallback(cxt, cb);
	return buf;
}

static void
buffer_discard(void)
{
	ListCell   *lc;

	if (buf == NULL)
		return;
	/* while the markers' hash tables still exist (see buffer_release) */
	foreach(lc, buf->tables)
		markers_reset((TxnTable *) lfirst(lc));
	MemoryContextDelete(buf->cxt);	/* buffer_release clears buf */
	buf = NULL;
}

static TxnTable *
find_table(Oid serverid, const char *name)
{
	ListCell   *lc;

	if (buf == NULL)
		return NULL;
	foreach(lc, buf->tables)
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
	TxnTable   *t = find_table(wt->serverid, wt->table);
	MemoryContext oldcxt;

	if (t)
		return t;
	oldcxt = MemoryContextSwitchTo(buf->cxt);
	t = palloc0(sizeof(TxnTable));
	t->serverid = wt->serverid;
	t->name = pstrdup(wt->table);
	t->partition_key = pstrdup(wt->partition_key);
	t->sort_key = wt->sort_key ? pstrdup(wt->sort_key) : NULL;
	t->markers_cid = InvalidCommandId;
	buf->tables = lappend(buf->tables, t);
	MemoryContextSwitchTo(oldcxt);
	return t;
}

static TxnTarget *
get_target(const DynamoWriteTarget *wt)
{
	ListCell   *lc;
	TxnTarget  *tg;
	MemoryContext oldcxt;

	foreach(lc, buf->targets)
	{
		tg = lfirst(lc);
		if (tg->serverid == wt->serverid && tg->umid == wt->umid)
			return tg;
	}
	oldcxt = MemoryContextSwitchTo(buf->cxt);
	tg = palloc0(sizeof(TxnTarget));
	tg->serverid = wt->serverid;
	tg->userid = wt->userid;
	tg->umid = wt->umid;
	buf->targets = lappend(buf->targets, tg);
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

static TxnEntry *
lookup_entry(const TxnTable *t, const char *keystr)
{
	char	   *hashkey;
	TxnHashEnt *he;

	if (buf == NULL)
		return NULL;
	hashkey = make_hashkey(t->serverid, t->name, keystr, NULL);
	he = hash_search(buf->entries, &hashkey, HASH_FIND, NULL);
	pfree(hashkey);
	return he ? he->entry : NULL;
}

static TxnMarker *
lookup_marker(const TxnTable *t, const char *keystr, CommandId cid)
{
	if (t->markers == NULL || t->markers_cid != cid)
		return NULL;
	return hash_search(t->markers, &keystr, HASH_FIND, NULL);
}

/* Forget the markers of an earlier command. */
static void
markers_reset(TxnTable *t)
{
	HASH_SEQ_STATUS seq;
	TxnMarker  *m;

	if (t->markers == NULL)
		return;
	hash_seq_init(&seq, t->markers);
	while ((m = hash_seq_search(&seq)) != NULL)
		state_unref(m->before);
	hash_destroy(t->markers);
	t->markers = NULL;
	t->markers_cid = InvalidCommandId;
}

static void
entry_free(TxnEntry *e)
{
	state_unref(e->cur);
	state_unref(e->before);
	json_object_put(e->key);
	pfree(e->hashkey);
	pfree(e);
}

/* Take E out of the buffer (sent, or its creation rolled back). */
static void
entry_remove(TxnEntry *e)
{
	bool		found;

	hash_search(buf->entries, &e->hashkey, HASH_REMOVE, &found);
	Assert(found);
	dlist_delete(&e->node);
	buf->nactions--;
	if (e->cur)
		buf->bytes -= Min(buf->bytes, e->cur->size);
	e->table->nentries--;
	e->target->nentries--;
	e->in_buffer = false;
	if (e->undo_refs == 0)
		entry_free(e);
}

/* Log E's state before a change, inside a subtransaction. */
static void
push_undo(TxnEntry *e, bool created)
{
	TxnUndo    *u;

	if (GetCurrentTransactionNestLevel() <= 1)
		return;
	if (buf->nundo == buf->maxundo)
	{
		buf->maxundo = Max(64, buf->maxundo * 2);
		buf->undo = buf->undo
			? repalloc(buf->undo, sizeof(TxnUndo) * buf->maxundo)
			: MemoryContextAlloc(buf->cxt, sizeof(TxnUndo) * buf->maxundo);
	}
	u = &buf->undo[buf->nundo++];
	u->subid = GetCurrentSubTransactionId();
	u->entry = e;
	u->created = created;
	u->cur = state_ref(e->cur);
	u->before = state_ref(e->before);
	u->last_cid = e->last_cid;
	u->cmd_changed = e->cmd_changed;
	e->undo_refs++;
}

/* Make ST (whose reference we take) E's state, as command CID's change. */
static void
entry_set(TxnEntry *e, TxnState *st, CommandId cid, bool changed)
{
	push_undo(e, e->cur == NULL);
	if (e->cur)
		buf->bytes -= Min(buf->bytes, e->cur->size);
	if (e->last_cid != cid)
	{
		state_unref(e->before);
		e->before = e->cur;		/* the reference moves */
		e->last_cid = cid;
		e->cmd_changed = false;
	}
	else
		state_unref(e->cur);
	e->cur = st;
	e->cmd_changed |= changed;
	buf->bytes += st->size;
}

static void check_strict_room(TxnTarget *tg);
static void flush_early(void);

/* A new, stateless entry for KEY (entry_set gives it its state). */
static TxnEntry *
entry_create(TxnTable *t, const DynamoWriteTarget *wt, json_c_object *key,
			 const char *keystr, CommandId cid)
{
	TxnTarget  *tg = get_target(wt);
	TxnEntry   *e;
	TxnHashEnt *he;
	TxnMarker  *m;
	int			keyoff;
	bool		found;

	check_strict_room(tg);

	e = MemoryContextAllocZero(buf->cxt, sizeof(TxnEntry));
	e->hashkey = MemoryContextStrdup(buf->cxt,
									 make_hashkey(t->serverid, t->name, keystr, &keyoff));
	e->keystr = e->hashkey + keyoff;
	e->table = t;
	e->target = tg;
	e->key = json_object_get(key);
	e->last_cid = InvalidCommandId;
	e->in_buffer = true;
	e->track = wt->track_sent;

	/* the item went out earlier in this command: keep what it still sees */
	if ((m = lookup_marker(t, keystr, cid)) != NULL)
	{
		e->before = m->before;
		e->last_cid = cid;
		e->cmd_changed = m->changed;
		hash_search(t->markers, &keystr, HASH_REMOVE, NULL);
	}

	he = hash_search(buf->entries, &e->hashkey, HASH_ENTER, &found);
	Assert(!found);
	he->key = e->hashkey;
	he->entry = e;
	dlist_push_tail(&buf->order, &e->node);
	buf->nactions++;
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
						   dynamo_key_display(e->key, e->table->partition_key, e->table->sort_key),
						   e->table->name)));
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
	if (buf->nactions + 1 > DYNAMO_MAX_TRANSACT_ACTIONS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("transaction needs more than %d DynamoDB actions",
						DYNAMO_MAX_TRANSACT_ACTIONS),
				 errdetail("dynamo_fdw.strict_atomicity is on, so the transaction must commit in one TransactWriteItems request; nothing has been sent to DynamoDB."),
				 errhint("Split the work into transactions of at most %d items, or turn dynamo_fdw.strict_atomicity off to commit in consecutive batches.",
						 DYNAMO_MAX_TRANSACT_ACTIONS)));
	foreach(lc, buf->targets)
	{
		TxnTarget  *other = lfirst(lc);

		if (other != tg && other->nentries > 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("transaction writes to DynamoDB through more than one server or user mapping"),
					 errdetail("dynamo_fdw.strict_atomicity is on, and one TransactWriteItems request is signed by one set of credentials.")));
	}
}

/* After a write: keep the buffer bounded. */
static void
after_write(void)
{
	if (!dynamo_strict_atomicity &&
		(buf->nactions > TXN_FLUSH_ACTIONS || buf->bytes > TXN_FLUSH_BYTES))
		flush_early();
}

/* ---- writes, as modify.c hands them over ---- */

/*
 * The start of every buffered write: the buffer, WT's table (*tp), KEY as
 * text (*keystrp) and the item's entry, or NULL when it has none yet.
 */
static TxnEntry *
find_for_write(const DynamoWriteTarget *wt, json_c_object *key,
			   TxnTable **tp, char **keystrp)
{
	TxnTable   *t;

	buffer_get();
	t = get_table(wt);
	*tp = t;
	*keystrp = dynamo_key_string(key, t->partition_key, t->sort_key);
	if (*keystrp == NULL)
		elog(ERROR, "dynamo_fdw: write without a complete key");
	return lookup_entry(t, *keystrp);
}

/*
 * What this transaction knows of KEY's item: written so that it exists,
 * deleted, or nothing.
 */
DynamoTxnKnown
dynamo_txn_known(const DynamoWriteTarget *wt, json_c_object *key)
{
	TxnTable   *t = find_table(wt->serverid, wt->table);
	TxnEntry   *e;
	char	   *keystr;

	if (t == NULL)
		return DYNAMO_TXN_UNKNOWN;
	keystr = dynamo_key_string(key, t->partition_key, t->sort_key);
	e = keystr ? lookup_entry(t, keystr) : NULL;
	if (e == NULL)
		return DYNAMO_TXN_UNKNOWN;
	return state_exists(e->cur) ? DYNAMO_TXN_EXISTS : DYNAMO_TXN_ABSENT;
}

/*
 * Buffer an INSERT of ITEM (whose key is KEY) by command CID.  Returns
 * DYNAMO_TXN_DUPLICATE, buffering nothing, when the transaction itself
 * made the item exist.  KEY and ITEM gain a reference each; the caller must
 * not change them afterwards.  A DELETE buffered before keeps its
 * condition: the Put is conditioned on what that DELETE read.
 */
DynamoTxnOutcome
dynamo_txn_insert(const DynamoWriteTarget *wt, json_c_object *key,
				  json_c_object *item, bool do_nothing, CommandId cid)
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
		if (state_exists(cur))
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
 * Buffer an UPDATE of KEY's item by command CID: SET (attribute ->
 * AttributeValue) and REMOVE (attribute -> anything) are the changes, IMAGE
 * the whole new item as the writer sees it, EXPECT what the row it was
 * computed from held in DynamoDB (see TxnState; NULL when the row came
 * from this transaction's own writes).  An item already in the buffer
 * keeps the condition of its first write: that is what the transaction
 * read from DynamoDB.  Returns DYNAMO_TXN_SKIPPED when the item is gone for
 * this transaction or this command already changed it.  Takes a reference
 * to each object.
 */
DynamoTxnOutcome
dynamo_txn_update(const DynamoWriteTarget *wt, json_c_object *key,
				  json_c_object *set, json_c_object *remove,
				  json_c_object *image, json_c_object *expect, CommandId cid)
{
	TxnTable   *t;
	TxnEntry   *e;
	TxnState   *st;
	char	   *keystr;

	e = find_for_write(wt, key, &t, &keystr);
	if (e == NULL)
	{
		TxnMarker  *m = lookup_marker(t, keystr, cid);

		if (m && m->changed)
			return DYNAMO_TXN_SKIPPED;
		e = entry_create(t, wt, key, keystr, cid);
		st = state_update(json_object_get(set), json_object_get(remove), image, expect);
		entry_set(e, st, cid, true);
		after_write();
		return DYNAMO_TXN_BUFFERED;
	}

	check_same_user(e, wt);
	if (e->last_cid == cid && e->cmd_changed)
		return DYNAMO_TXN_SKIPPED;
	switch (e->cur->op)
	{
		case TXN_PUT:
			{
				json_c_object *item = apply_update(e->cur->item, set, remove);

				st = state_put(item, e->cur->cond, e->cur->do_nothing, e->cur->expect);
				json_object_put(item);
				break;
			}
		case TXN_UPDATE:
			{
				json_c_object *nset = json_copy(e->cur->set);
				json_c_object *nremove = json_copy(e->cur->remove);

				{
					json_object_object_foreach(remove, rk, rv)
					{
						json_object_object_del(nset, rk);
						json_object_object_add(nremove, rk, json_object_get(rv));
					}
				}
				{
					json_object_object_foreach(set, sk, sv)
					{
						json_object_object_del(nremove, sk);
						json_object_object_add(nset, sk, json_object_get(sv));
					}
				}
				st = state_update(nset, nremove, image, e->cur->expect);
				break;
			}
		case TXN_CHECK:
			if (e->cur->cond != TXN_COND_PRESENT)
				return DYNAMO_TXN_SKIPPED;
			st = state_update(json_object_get(set), json_object_get(remove), image,
							  e->cur->expect);
			break;
		case TXN_DELETE:
		default:
			return DYNAMO_TXN_SKIPPED;
	}
	entry_set(e, st, cid, true);
	after_write();
	return DYNAMO_TXN_BUFFERED;
}

/*
 * Buffer a DELETE of KEY's item by command CID, with EXPECT as for an
 * UPDATE.  DYNAMO_TXN_SKIPPED as for an UPDATE.  Takes a reference to KEY.
 */
DynamoTxnOutcome
dynamo_txn_delete(const DynamoWriteTarget *wt, json_c_object *key,
				  json_c_object *expect, CommandId cid)
{
	TxnTable   *t;
	TxnEntry   *e;
	TxnState   *st;
	json_c_object *first;
	char	   *keystr;

	e = find_for_write(wt, key, &t, &keystr);
	if (e == NULL)
	{
		TxnMarker  *m = lookup_marker(t, keystr, cid);

		if (m && m->changed)
			return DYNAMO_TXN_SKIPPED;
		e = entry_create(t, wt, key, keystr, cid);
		entry_set(e, state_plain(TXN_DELETE, TXN_COND_NONE, false, expect), cid, true);
		after_write();
		return DYNAMO_TXN_BUFFERED;
	}

	check_same_user(e, wt);
	if (e->last_cid == cid && e->cmd_changed)
		return DYNAMO_TXN_SKIPPED;
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
	entry_set(e, st, cid, true);
	after_write();
	return DYNAMO_TXN_BUFFERED;
}

/*
 * A row locked with FOR UPDATE or FOR SHARE (or read beside the target of
 * an UPDATE or DELETE): at commit, a ConditionCheck that KEY's item still
 * holds EXPECT, in the same TransactWriteItems as the writes.  An item the
 * transaction already writes keeps its own condition.  Nothing is sent for
 * checks alone (a transaction that writes nothing commits nothing).
 */
void
dynamo_txn_lock(const DynamoWriteTarget *wt, json_c_object *key, json_c_object *expect,
				CommandId cid)
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
	buffer_get()->bulk_items += items;
}

/* ---- read-your-writes ---- */

/* The state a scan at command VIEW_CID sees of E (NULL: DynamoDB's item). */
static TxnState *
visible_state(const TxnEntry *e, CommandId view_cid)
{
	if (e->last_cid != InvalidCommandId && e->last_cid >= view_cid)
		return e->before;
	return e->cur;
}

/* The command whose snapshot a read runs with: it sees earlier commands' writes. */
static CommandId
reading_cid(void)
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
	TxnTable   *t = find_table(serverid, table);
	DynamoTxnView *view;
	CommandId	cid;

	if (t == NULL)
		return NULL;
	cid = reading_cid();
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
	TxnTable   *t = find_table(serverid, table);

	return t != NULL && (t->nentries > 0 || t->markers != NULL);
}

/* JSON owned by the current memory context: a new reference to OBJ. */
static json_c_object *
owned_ref(json_c_object *obj)
{
	json_object_get(obj);
	dynamo_json_own(obj);
	return obj;
}

/*
 * DynamoDB's ITEM (NULL: none) seen through state ST (NULL: no write):
 * the item the transaction sees, or NULL when it sees none.  Owned by the
 * current context.
 */
static json_c_object *
state_seen(const TxnState *st, json_c_object *item)
{
	json_c_object *seen;

	if (st == NULL)
		return item;
	switch (st->op)
	{
		case TXN_PUT:
			return owned_ref(st->item);
		case TXN_UPDATE:
			if (item == NULL)
				return owned_ref(st->image);
			seen = apply_update(item, st->set, st->remove);
			dynamo_json_own(seen);
			return seen;
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
	char	   *copy;
	bool		found;
	SeenEnt    *s;

	if (view->seen == NULL)
		view->seen = strptr_hash_create("dynamo_fdw seen items", sizeof(SeenEnt),
										view->cxt);
	s = hash_search(view->seen, &keystr, HASH_ENTER, &found);
	if (!found)
	{
		copy = MemoryContextStrdup(view->cxt, keystr);
		s->key = copy;
	}
}

/*
 * ITEM, as DynamoDB returned it to a scan, seen through the buffered
 * writes: ITEM itself when none apply, NULL when this transaction deleted
 * it, otherwise a new tree owned by the current memory context.
 */
json_c_object *
dynamo_txn_overlay(DynamoTxnView *view, json_c_object *item)
{
	TxnTable   *t;
	TxnEntry   *e;
	TxnMarker  *m = NULL;
	TxnState   *st;
	char	   *keystr;

	if (view == NULL || (t = find_table(view->serverid, view->table)) == NULL)
		return item;
	keystr = dynamo_key_string(item, t->partition_key, t->sort_key);
	if (keystr == NULL)
		return item;
	e = lookup_entry(t, keystr);
	if (e)
	{
		mark_seen(view, keystr);
		st = visible_state(e, view->cid);
	}
	else if ((m = lookup_marker(t, keystr, view->cid)) != NULL)
		st = m->before;
	else
		st = NULL;
	pfree(keystr);
	return state_seen(st, item);
}

/*
 * KEY's item of TABLE on SERVERID as this transaction sees it, given
 * DynamoDB's ITEM (NULL: none): a direct modification's read (direct.c).
 * NULL when the transaction sees no item.  Owned by the current context.
 */
json_c_object *
dynamo_txn_see(Oid serverid, const char *table, json_c_object *key, json_c_object *item)
{
	TxnTable   *t = find_table(serverid, table);
	TxnEntry   *e;
	char	   *keystr;

	if (t == NULL)
		return item;
	keystr = dynamo_key_string(key, t->partition_key, t->sort_key);
	e = keystr ? lookup_entry(t, keystr) : NULL;
	if (e == NULL)
		return item;
	return state_seen(visible_state(e, reading_cid()), item);
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
	return buf == NULL || buf->nactions == 0;
}

/*
 * The next buffered item of the table that DynamoDB did not return to this
 * scan (new, or changed so that DynamoDB's version did not match), or NULL.
 * The scan rechecks its pushed conditions on it.  Owned by the current
 * memory context.
 */
json_c_object *
dynamo_txn_next_unseen(DynamoTxnView *view)
{
	TxnTable   *t;

	if (view == NULL || (t = find_table(view->serverid, view->table)) == NULL)
		return NULL;
	if (!view->unseen_listed)
	{
		dlist_iter it;
		int			n = 0;

		view->unseen_listed = true;
		view->unseen = MemoryContextAlloc(view->cxt, sizeof(char *) * Max(t->nentries, 1));
		dlist_foreach(it, &buf->order)
		{
			TxnEntry   *e = dlist_container(TxnEntry, node, it.cur);

			if (e->table == t && n < t->nentries)
				view->unseen[n++] = MemoryContextStrdup(view->cxt, e->keystr);
		}
		view->nunseen = n;
	}
	while (view->next_unseen < view->nunseen)
	{
		char	   *keystr = view->unseen[view->next_unseen++];
		TxnEntry   *e;
		TxnState   *st;

		if (view->seen && hash_search(view->seen, &keystr, HASH_FIND, NULL))
			continue;
		if ((e = lookup_entry(t, keystr)) == NULL)
			continue;
		st = visible_state(e, view->cid);
		if (st == NULL)
			continue;
		if (st->op == TXN_PUT)
			return owned_ref(st->item);
		if (st->op == TXN_UPDATE)
			return owned_ref(st->image);
	}
	return NULL;
}

/* ---- sending ---- */

/* A ClientRequestToken: a random UUID, fixed for every attempt of a request. */
static char *
new_token(void)
{
	uint8		b[16];

	if (!pg_strong_random(b, sizeof(b)))
	{
		int			i;

		for (i = 0; i < 16; i++)
			b[i] = (uint8) pg_prng_uint32(&pg_global_prng_state);
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	return psprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
					b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
					b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/*
 * The ConditionExpression of ST, with its names and values added to NAMES
 * and VALUES: the key's existence (COND) and, for a write derived from a
 * read, that each attribute read still holds what was read (absent ones
 * still absent).  NULL when there is no condition.  DynamoDB compares
 * numbers as numbers and everything else by type and bytes, so an
 * attribute passes exactly when it is what the read returned.
 */
static char *
state_condition(const TxnState *st, json_c_object *names, json_c_object *values)
{
	StringInfoData cond;
	int			n = 0;

	initStringInfo(&cond);
	if (st->cond == TXN_COND_ABSENT)
		appendStringInfoString(&cond, "attribute_not_exists(#k)");
	else if (st->cond == TXN_COND_PRESENT)
		appendStringInfoString(&cond, "attribute_exists(#k)");
	if (st->expect)
	{
		json_object_object_foreach(st->expect, ek, ev)
		{
			char	   *name = psprintf("#e%d", n);

			if (cond.len > 0)
				appendStringInfoString(&cond, " AND ");
			json_object_object_add(names, name, json_object_new_string(ek));
			if (ev == NULL)
				appendStringInfo(&cond, "attribute_not_exists(%s)", name);
			else
			{
				char	   *value = psprintf(":e%d", n);

				appendStringInfo(&cond, "%s = %s", name, value);
				json_object_object_add(values, value, json_object_get(ev));
			}
			n++;
		}
	}
	if (cond.len > DYNAMO_MAX_EXPRESSION_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cannot check %d attributes of one DynamoDB item for concurrent changes", n),
				 errdetail("The condition that the item still holds what was read takes %d bytes, and DynamoDB allows %d.",
						   cond.len, DYNAMO_MAX_EXPRESSION_BYTES),
				 errhint("Read fewer columns of the item in the statement that changes it (a document column reads all of its attributes).")));
	return cond.len > 0 ? cond.data : NULL;
}

/*
 * The body of E's write, as TransactItems' member wants it (and as
 * UpdateItem, DeleteItem and PutItem take it): *wrapper is set to the
 * member's name.  A new tree.
 */
static json_c_object *
build_action_body(const TxnEntry *e, const char **wrapper)
{
	const TxnState *st = e->cur;
	const TxnTable *t = e->table;
	json_c_object *body = json_object_new_object();
	json_c_object *names = json_object_new_object();
	json_c_object *values = json_object_new_object();
	char	   *cond;

	json_object_object_add(body, "TableName", json_object_new_string(t->name));
	if (st->cond != TXN_COND_NONE)
		json_object_object_add(names, "#k", json_object_new_string(t->partition_key));

	switch (st->op)
	{
		case TXN_PUT:
			*wrapper = "Put";
			json_object_object_add(body, "Item", json_object_get(st->item));
			break;
		case TXN_DELETE:
			*wrapper = "Delete";
			json_object_object_add(body, "Key", json_object_get(e->key));
			break;
		case TXN_CHECK:
			*wrapper = "ConditionCheck";
			json_object_object_add(body, "Key", json_object_get(e->key));
			break;
		case TXN_UPDATE:
			{
				StringInfoData expr;
				int			n = 0;
				int			nset = 0;
				int			nremove = 0;

				*wrapper = "Update";
				json_object_object_add(body, "Key", json_object_get(e->key));
				initStringInfo(&expr);
				{
					json_object_object_foreach(st->set, sk, sv)
					{
						char	   *name = psprintf("#a%d", n);
						char	   *value = psprintf(":v%d", n);

						appendStringInfo(&expr, "%s%s = %s", nset++ == 0 ? "SET " : ", ",
										 name, value);
						json_object_object_add(names, name, json_object_new_string(sk));
						json_object_object_add(values, value, json_object_get(sv));
						n++;
					}
				}
				{
					json_object_object_foreach(st->remove, rk, rv)
					{
						char	   *name = psprintf("#a%d", n++);

						(void) rv;
						appendStringInfo(&expr, "%s%s",
										 nremove++ == 0 ? (nset ? " REMOVE " : "REMOVE ") : ", ",
										 name);
						json_object_object_add(names, name, json_object_new_string(rk));
					}
				}
				json_object_object_add(body, "UpdateExpression",
									   json_object_new_string(expr.data));
				break;
			}
	}
	cond = state_condition(st, names, values);
	if (cond)
		json_object_object_add(body, "ConditionExpression", json_object_new_string(cond));
	/* a failed read condition says whether the item is gone or changed */
	if (st->expect && json_object_object_length(st->expect) > 0)
		json_object_object_add(body, "ReturnValuesOnConditionCheckFailure",
							   json_object_new_string("ALL_OLD"));
	if (json_object_object_length(names) > 0)
		json_object_object_add(body, "ExpressionAttributeNames", names);
	else
		json_object_put(names);
	if (json_object_object_length(values) > 0)
		json_object_object_add(body, "ExpressionAttributeValues", values);
	else
		json_object_put(values);
	return body;
}

/* The TransactItems member for E's state.  A new tree. */
static json_c_object *
build_action(const TxnEntry *e)
{
	const char *wrapper = "Put";
	json_c_object *body = build_action_body(e, &wrapper);
	json_c_object *action = json_object_new_object();

	json_object_object_add(action, wrapper, body);
	return action;
}

/* Actions of one TransactWriteItems request. */
typedef struct TxnBatch
{
	TxnTarget  *target;
	TxnEntry   *entries[DYNAMO_MAX_TRANSACT_ACTIONS];
	json_c_object *items;		/* the TransactItems array */
	int			n;
	size_t		bytes;
	bool		complete;		/* every entry of the target fitted */
} TxnBatch;

/*
 * Fill B with the oldest entries of the oldest entry's target: at most 100,
 * and under the request size limit.  The JSON belongs to the current
 * memory context.
 */
static void
build_batch(TxnBatch *b)
{
	dlist_iter	it;
	TxnEntry   *first = dlist_container(TxnEntry, node, dlist_head_node(&buf->order));

	b->target = first->target;
	b->n = 0;
	b->bytes = 200;
	b->complete = true;
	b->items = json_object_new_array();
	dynamo_json_own(b->items);
	dlist_foreach(it, &buf->order)
	{
		TxnEntry   *e = dlist_container(TxnEntry, node, it.cur);
		json_c_object *action;
		size_t		len;

		if (e->target != b->target)
			continue;
		if (b->n == DYNAMO_MAX_TRANSACT_ACTIONS)
		{
			b->complete = false;
			break;
		}
		action = build_action(e);
		len = strlen(json_object_to_json_string_ext(action, JSON_C_TO_STRING_PLAIN |
													JSON_C_TO_STRING_NOSLASHESCAPE));
		if (b->n > 0 && b->bytes + len + 1 > TXN_REQUEST_BYTES)
		{
			json_object_put(action);
			b->complete = false;
			break;
		}
		json_object_array_add(b->items, action);
		b->entries[b->n++] = e;
		b->bytes += len + 1;
	}
}

/* Where a failing request stood, for the error context. */
typedef struct SendContext
{
	int			n;
	uint64		sent_before;
	bool		early;
	bool		in_flight;		/* no answer from DynamoDB yet */
} SendContext;

static void
send_error_callback(void *arg)
{
	SendContext *sc = (SendContext *) arg;

	/*
	 * A cancel, a timeout or a transport failure without an answer: the
	 * request may have reached DynamoDB, which applies all of its actions or
	 * none.  Only DynamoDB knows which; say so.
	 */
	if (sc->in_flight)
		errcontext("DynamoDB TransactWriteItems request of %d actions, which got no answer: DynamoDB may have applied all of its actions or none of them",
				   sc->n);
	if (sc->sent_before > 0)
		errcontext("DynamoDB TransactWriteItems request of %d action%s (%llu actions of this transaction were committed to DynamoDB by earlier requests and stay committed)",
				   sc->n, sc->n == 1 ? "" : "s", (unsigned long long) sc->sent_before);
	else
		errcontext("DynamoDB TransactWriteItems request of %d action%s%s",
				   sc->n, sc->n == 1 ? "" : "s",
				   sc->early ? ", sent before the commit because the transaction outgrew its buffer" : "");
}

/* The CancellationReasons codes, from the array or from the message. */
static char **
cancellation_codes(const DynamoError *err, int n, char ***messages)
{
	char	  **codes = palloc0(sizeof(char *) * n);
	json_c_object *reasons;
	int			i;

	*messages = palloc0(sizeof(char *) * n);
	if (err->body && json_object_object_get_ex(err->body, "CancellationReasons", &reasons) &&
		json_object_is_type(reasons, json_type_array))
	{
		for (i = 0; i < n && i < (int) json_object_array_length(reasons); i++)
		{
			json_c_object *r = json_object_array_get_idx(reasons, i);
			const char *code = dynamo_json_get_string(r, "Code");
			const char *msg = dynamo_json_get_string(r, "Message");

			codes[i] = code ? pstrdup(code) : NULL;
			(*messages)[i] = msg ? pstrdup(msg) : NULL;
		}
		return codes;
	}
	/* "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]" */
	if (err->message && strchr(err->message, '['))
	{
		char	   *list = pstrdup(strchr(err->message, '[') + 1);
		char	   *end = strchr(list, ']');
		char	   *tok;
		char	   *save = NULL;

		if (end)
			*end = '\0';
		i = 0;
		for (tok = strtok_r(list, ",", &save); tok && i < n; tok = strtok_r(NULL, ",", &save))
		{
			while (*tok == ' ')
				tok++;
			codes[i++] = pstrdup(tok);
		}
	}
	return codes;
}

/* Did DynamoDB's I-th cancellation reason come with the item (it exists)? */
static bool
reason_has_item(const DynamoError *err, int i)
{
	json_c_object *reasons;

	return err->body &&
		json_object_object_get_ex(err->body, "CancellationReasons", &reasons) &&
		json_object_is_type(reasons, json_type_array) &&
		i < (int) json_object_array_length(reasons) &&
		json_object_object_get_ex(json_object_array_get_idx(reasons, i), "Item", NULL);
}

/* Report why DynamoDB cancelled the request of batch B. */
static void
report_cancellation(const DynamoError *err, const TxnBatch *b, uint64 sent_before)
{
	char	  **messages;
	char	  **codes = cancellation_codes(err, b->n, &messages);
	int			i;
	int			first = -1;
	int			others = 0;
	const TxnEntry *e;
	const TxnState *st;
	char	   *keydisp;
	char	   *more;
	const char *code;

	for (i = 0; i < b->n; i++)
		if (codes[i] && strcmp(codes[i], "None") != 0)
		{
			if (first < 0)
				first = i;
			else
				others++;
		}
	if (first < 0)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("DynamoDB cancelled the transaction"),
				 errdetail_internal("%s", err->message ? err->message : "TransactionCanceledException")));

	e = b->entries[first];
	st = e->cur;
	code = codes[first];
	keydisp = dynamo_key_display(e->key, e->table->partition_key, e->table->sort_key);
	more = others == 1 ? " 1 other action of the request failed too."
		: others > 1 ? psprintf(" %d other actions of the request failed too.", others) : "";

	if (strcmp(code, "ConditionalCheckFailed") == 0)
	{
		if (st->expect && reason_has_item(err, first))
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access due to concurrent update"),
					 errdetail("Item %s of DynamoDB table \"%s\" changed after this transaction read it, so its %s was not applied. %s%s",
							   keydisp, e->table->name,
							   st->op == TXN_CHECK ? "check that the row it locked is unchanged" :
							   st->op == TXN_DELETE ? "DELETE" :
							   st->op == TXN_PUT ? "write" : "UPDATE",
							   sent_before == 0 ? "Nothing was written to DynamoDB." :
							   "Nothing of this request was written to DynamoDB.",
							   more),
					 errhint("Retry the transaction.")));
		if (st->cond == TXN_COND_ABSENT)
			dynamo_report_duplicate(e->table->name, keydisp,
									psprintf("%s%s%s",
											 st->do_nothing ? "It was created after INSERT ... ON CONFLICT DO NOTHING checked for it. " : "",
											 sent_before == 0 ? "Nothing was written to DynamoDB." : "",
											 more));
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent delete"),
				 errdetail("Item %s of DynamoDB table \"%s\" no longer exists; this transaction %s it.%s",
						   keydisp, e->table->name,
						   st->op == TXN_CHECK ? "read" :
						   st->op == TXN_PUT ? "replaced" :
						   st->op == TXN_DELETE ? (st->expect ? "deleted" : "updated and deleted") :
						   "updated", more),
				 errhint("Retry the transaction.")));
	}
	if (strcmp(code, "TransactionConflict") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to a concurrent DynamoDB transaction"),
				 errdetail("Item %s of DynamoDB table \"%s\" is being changed by another transaction.%s",
						   keydisp, e->table->name, more),
				 errhint("Retry the transaction.")));
	if (strcmp(code, "ValidationError") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("DynamoDB refused the write of item %s of table \"%s\"",
						keydisp, e->table->name),
				 errdetail_internal("%s%s", messages[first] ? messages[first] : code, more)));
	if (strcmp(code, "ItemCollectionSizeLimitExceeded") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("DynamoDB item collection of item %s of table \"%s\" is full",
						keydisp, e->table->name),
				 errdetail_internal("%s%s", messages[first] ? messages[first] : code, more)));
	if (strcmp(code, "ThrottlingError") == 0 ||
		strcmp(code, "ProvisionedThroughputExceeded") == 0 ||
		strcmp(code, "RequestLimitExceeded") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("DynamoDB throttled the write of item %s of table \"%s\"",
						keydisp, e->table->name),
				 errdetail_internal("%s: %s%s", code, messages[first] ? messages[first] : "", more),
				 errhint("Retry the transaction, or raise the table's capacity.")));
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("DynamoDB cancelled the transaction at item %s of table \"%s\"",
					keydisp, e->table->name),
			 errdetail_internal("%s: %s%s", code, messages[first] ? messages[first] : "", more)));
}

/*
 * DynamoDB cancelled batch B (nothing of it applied).  When the only
 * actions that failed are puts of INSERT ... ON CONFLICT DO NOTHING whose
 * item another session created meanwhile, those rows conflict after all:
 * drop them from the buffer, as DO NOTHING would have, and return true so
 * that the rest is sent again.  Otherwise false: the cancellation is an
 * error.
 */
static bool
drop_conflicting_inserts(const DynamoError *err, const TxnBatch *b)
{
	char	  **messages;
	char	  **codes = cancellation_codes(err, b->n, &messages);
	int			i;
	int			ndrop = 0;

	for (i = 0; i < b->n; i++)
	{
		const TxnState *st = b->entries[i]->cur;

		if (codes[i] == NULL || strcmp(codes[i], "None") == 0)
			continue;
		if (strcmp(codes[i], "ConditionalCheckFailed") != 0 || st->op != TXN_PUT ||
			!st->do_nothing || st->cond != TXN_COND_ABSENT || st->expect != NULL)
			return false;
		ndrop++;
	}
	if (ndrop == 0)
		return false;
	for (i = 0; i < b->n; i++)
		if (codes[i] && strcmp(codes[i], "ConditionalCheckFailed") == 0)
		{
			ereport(DEBUG1,
					(errmsg_internal("dynamo_fdw: ON CONFLICT DO NOTHING: item %s of table \"%s\" was created by another session; not inserted",
									 dynamo_key_display(b->entries[i]->key,
														b->entries[i]->table->partition_key,
														b->entries[i]->table->sort_key),
									 b->entries[i]->table->name)));
			entry_remove(b->entries[i]);
		}
	return true;
}

/*
 * Send the oldest batch and take its entries out of the buffer.  EARLY:
 * during a statement, because the buffer outgrew its bounds.
 */
static void
send_batch(bool early)
{
	MemoryContext tmpcxt = AllocSetContextCreate(buf->cxt, "dynamo_fdw request",
												 ALLOCSET_DEFAULT_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(tmpcxt);
	TxnBatch   *b = palloc0(sizeof(TxnBatch));
	json_c_object *req;
	json_c_object *resp;
	DynamoError err;
	ErrorContextCallback errcb;
	SendContext sc;
	CommandId	cid = GetCurrentCommandId(false);
	int			i;

	build_batch(b);
	if (b->target->conn == NULL)
	{
		MemoryContextSwitchTo(buf->cxt);
		b->target->conn = dynamo_connect(GetForeignServer(b->target->serverid),
										 GetUserMapping(b->target->userid,
														b->target->serverid));
		MemoryContextSwitchTo(tmpcxt);
	}

	req = json_object_new_object();
	dynamo_json_own(req);
	json_object_object_add(req, "TransactItems", json_object_get(b->items));
	json_object_object_add(req, "ClientRequestToken", json_object_new_string(new_token()));

	ereport(DEBUG1,
			(errmsg_internal("dynamo_fdw: TransactWriteItems with %d action%s%s",
							 b->n, b->n == 1 ? "" : "s",
							 early ? " (buffer full: sent before the commit)" : "")));

	sc.n = b->n;
	sc.sent_before = buf->sent_actions;
	sc.early = early;
	sc.in_flight = true;
	errcb.callback = send_error_callback;
	errcb.arg = &sc;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	/* dynamo_call retries with the same body, hence the same token */
	resp = dynamo_call(b->target->conn, "TransactWriteItems", req, &err);
	sc.in_flight = false;
	if (resp == NULL)
	{
		if (err.type && strcmp(err.type, "TransactionCanceledException") == 0)
		{
			if (drop_conflicting_inserts(&err, b))
			{
				/* nothing was applied: the caller sends the rest again */
				error_context_stack = errcb.previous;
				MemoryContextSwitchTo(oldcxt);
				MemoryContextDelete(tmpcxt);
				return;
			}
			report_cancellation(&err, b, sc.sent_before);
		}
		dynamo_report_error(b->target->conn, "TransactWriteItems", &err, err.status);
	}
	error_context_stack = errcb.previous;

	/* committed in DynamoDB: out of the buffer */
	buf->sent_actions += b->n;
	for (i = 0; i < b->n; i++)
	{
		TxnEntry   *e = b->entries[i];

		if (early && e->track && e->last_cid == cid)
		{
			TxnTable   *t = e->table;
			TxnMarker  *m;
			bool		found;
			const char *keystr = e->keystr;

			if (t->markers_cid != cid)
				markers_reset(t);
			if (t->markers == NULL)
			{
				t->markers = strptr_hash_create("dynamo_fdw items sent early",
												sizeof(TxnMarker), buf->cxt);
				t->markers_cid = cid;
			}
			m = hash_search(t->markers, &keystr, HASH_ENTER, &found);
			if (!found)
			{
				m->keystr = MemoryContextStrdup(buf->cxt, e->keystr);
				m->before = NULL;
			}
			else
				state_unref(m->before);
			m->changed = e->cmd_changed;
			if (e->before)
				m->before = state_ref(e->before);
			else if (e->cur->cond == TXN_COND_ABSENT)
				m->before = state_new(TXN_CHECK, TXN_COND_ABSENT, false);	/* hide it */
			else
				m->before = NULL;
		}
		entry_remove(e);
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(tmpcxt);
}

/* Send the oldest batch now, so that the buffer stays bounded. */
static void
flush_early(void)
{
	while (buf->nactions > TXN_FLUSH_ACTIONS - DYNAMO_MAX_TRANSACT_ACTIONS ||
		   buf->bytes > TXN_FLUSH_BYTES / 2)
		send_batch(true);
}

/*
 * Does the buffer write anything?  ConditionChecks that the item exists
 * come from locked rows and from UPDATEs that changed nothing: alone, they
 * protect no write, and the transaction commits without a request.
 */
static bool
buffer_writes(void)
{
	dlist_iter	it;

	dlist_foreach(it, &buf->order)
	{
		TxnEntry   *e = dlist_container(TxnEntry, node, it.cur);

		if (e->cur->op != TXN_CHECK || e->cur->cond != TXN_COND_PRESENT)
			return true;
	}
	return false;
}

/*
 * PRE_COMMIT: send everything, or refuse to send anything.
 *
 * PostgreSQL stops the statement_timeout timer before it commits, so the
 * commit's requests would otherwise wait for DynamoDB as long as the
 * server's request_timeout and max_attempts allow.  They get a
 * statement_timeout of their own instead; an error aborts the transaction,
 * and PostgresMain stops the timer.
 */
static void
commit_buffer(void)
{
	bool		timer = false;

	if (buf->nactions == 0)
		return;
	if (!buffer_writes())
	{
		/* only checks of rows read: nothing to protect, nothing to send */
		while (!dlist_is_empty(&buf->order))
			entry_remove(dlist_container(TxnEntry, node, dlist_head_node(&buf->order)));
		return;
	}
	buf->committing = true;
	if (StatementTimeout > 0 && !get_timeout_active(STATEMENT_TIMEOUT))
	{
		enable_timeout_after(STATEMENT_TIMEOUT, StatementTimeout);
		timer = true;
	}
	if (dynamo_strict_atomicity)
	{
		ListCell   *lc;
		int			ntargets = 0;
		TxnBatch   *b;
		MemoryContext tmpcxt;
		MemoryContext oldcxt;

		if (buf->sent_actions > 0)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("cannot commit the DynamoDB writes of this transaction atomically"),
					 errdetail("%llu of its actions were already sent before dynamo_fdw.strict_atomicity was turned on.",
							   (unsigned long long) buf->sent_actions)));
		foreach(lc, buf->targets)
			if (((TxnTarget *) lfirst(lc))->nentries > 0)
				ntargets++;
		if (ntargets > 1)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("transaction writes to DynamoDB through more than one server or user mapping"),
					 errdetail("dynamo_fdw.strict_atomicity is on, and one TransactWriteItems request is signed by one set of credentials; nothing has been sent to DynamoDB.")));
		if (buf->nactions > DYNAMO_MAX_TRANSACT_ACTIONS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("transaction needs %d DynamoDB actions, more than the %d of one request",
							buf->nactions, DYNAMO_MAX_TRANSACT_ACTIONS),
					 errdetail("dynamo_fdw.strict_atomicity is on, so the transaction must commit in one TransactWriteItems request; nothing has been sent to DynamoDB."),
					 errhint("Split the work into smaller transactions, or turn dynamo_fdw.strict_atomicity off to commit in consecutive batches.")));
		/* the size limit, before sending */
		tmpcxt = AllocSetContextCreate(CurrentMemoryContext, "dynamo_fdw size check",
									   ALLOCSET_DEFAULT_SIZES);
		oldcxt = MemoryContextSwitchTo(tmpcxt);
		b = palloc0(sizeof(TxnBatch));
		build_batch(b);
		if (!b->complete)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("transaction's DynamoDB writes exceed the size of one request"),
					 errdetail("dynamo_fdw.strict_atomicity is on, and the %d actions take more than %d bytes; nothing has been sent to DynamoDB.",
							   buf->nactions, TXN_REQUEST_BYTES)));
		MemoryContextSwitchTo(oldcxt);
		MemoryContextDelete(tmpcxt);
	}
	while (buf->nactions > 0)
		send_batch(false);
	if (timer)
		disable_timeout(STATEMENT_TIMEOUT, false);
}

/* ---- undo ---- */

/* ROLLBACK TO SAVEPOINT: undo what subtransaction SUBID and its children did. */
static void
undo_to(SubTransactionId subid)
{
	bool		lost = false;

	while (buf->nundo > 0 && buf->undo[buf->nundo - 1].subid >= subid)
	{
		TxnUndo    *u = &buf->undo[--buf->nundo];
		TxnEntry   *e = u->entry;

		e->undo_refs--;
		if (!e->in_buffer)
		{
			/* sent early: DynamoDB has it now */
			lost = true;
			state_unref(u->cur);
			state_unref(u->before);
			if (e->undo_refs == 0)
				entry_free(e);
			continue;
		}
		if (u->created)
		{
			state_unref(u->cur);
			state_unref(u->before);
			entry_remove(e);
			continue;
		}
		if (e->cur)
			buf->bytes -= Min(buf->bytes, e->cur->size);
		state_unref(e->cur);
		state_unref(e->before);
		e->cur = u->cur;
		e->before = u->before;
		e->last_cid = u->last_cid;
		e->cmd_changed = u->cmd_changed;
		if (e->cur)
			buf->bytes += e->cur->size;
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

	for (i = 0; i < buf->nundo; i++)
	{
		TxnUndo    *u = &buf->undo[i];

		state_unref(u->cur);
		state_unref(u->before);
		if (--u->entry->undo_refs == 0 && !u->entry->in_buffer)
			entry_free(u->entry);
	}
	buf->nundo = 0;
}

/* ---- transaction callbacks ---- */

static void
txn_xact_callback(XactEvent event, void *arg)
{
	if (buf == NULL)
		return;
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			commit_buffer();
			break;
		case XACT_EVENT_PRE_PREPARE:
			if ((buf->nactions > 0 && buffer_writes()) || buf->sent_actions > 0 ||
				buf->bulk_items > 0)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot prepare a transaction that wrote to DynamoDB"),
						 errdetail("DynamoDB has no two-phase commit: dynamo_fdw sends a transaction's writes when it commits.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			if (buf->nactions > 0)
				elog(WARNING, "dynamo_fdw: %d buffered DynamoDB actions were not sent at commit",
					 buf->nactions);
			buffer_discard();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			if (buf->committing && buf->nactions == 0 && buf->sent_actions > 0)
				ereport(WARNING,
						(errcode(ERRCODE_WARNING),
						 errmsg("the %llu DynamoDB actions of this transaction were committed before it failed",
								(unsigned long long) buf->sent_actions),
						 errdetail("DynamoDB committed the transaction's writes before PostgreSQL's own commit, which then failed: the DynamoDB writes stay, the transaction's PostgreSQL changes are rolled back.")));
			else if (!buf->committing && buf->sent_actions > 0)
				ereport(WARNING,
						(errcode(ERRCODE_WARNING),
						 errmsg("%llu DynamoDB actions of this transaction were already committed and are not rolled back",
								(unsigned long long) buf->sent_actions),
						 errdetail("The transaction outgrew its write buffer (%d actions), so its oldest writes were sent in batches of %d before the commit.",
								   TXN_FLUSH_ACTIONS, DYNAMO_MAX_TRANSACT_ACTIONS)));
			if (buf->bulk_items > 0)
				ereport(WARNING,
						(errcode(ERRCODE_WARNING),
						 errmsg("%llu items written with dynamo_fdw.bulk_write are not rolled back",
								(unsigned long long) buf->bulk_items)));
			buffer_discard();
			break;
	}
}

static void
txn_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	if (buf == NULL)
		return;
	if (event == SUBXACT_EVENT_ABORT_SUB)
		undo_to(mySubid);
	else if (event == SUBXACT_EVENT_COMMIT_SUB && parentSubid == TopSubTransactionId)
		undo_clear();
}
