/*-------------------------------------------------------------------------
 *
 * txn_int.h
 *		  The write buffer's insides, shared by the txn*.c files alone.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/txn_int.h
 *
 * txn.c holds the buffer and merges writes into it, txn_view.c shows it to
 * scans (read-your-writes), txn_send.c turns it into TransactWriteItems
 * requests and reports their failures, txn_undo.c rolls back savepoints
 * and runs the transaction callbacks, txn_key.c spells keys.  txn.h is
 * what the rest of the wrapper sees.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_TXN_INT_H
#define DYNAMO_TXN_INT_H

#include "access/xact.h"
#include "lib/ilist.h"
#include "utils/hsearch.h"

#include "client.h"
#include "ddb_limits.h"
#include "ddb_value.h"
#include "txn.h"

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

/*
 * What will be done to one item.  Immutable once made; shared by count.
 * Its trees are its own, each one chunk of the buffer's context
 * (dynamo_value_copy_flat), freed with the last reference.
 */
typedef struct TxnState
{
	int			refcount;
	TxnOp		op;
	TxnCond		cond;
	bool		do_nothing;		/* an INSERT ... ON CONFLICT DO NOTHING */
	DynamoValue *item;			/* PUT: the whole item */
	DynamoValue *set;			/* UPDATE: attribute -> AttributeValue */
	DynamoValue *remove;		/* UPDATE: attribute -> true */
	DynamoValue *image;			/* UPDATE: the whole new item as its writer
								 * saw it, for scans DynamoDB's item misses */
	DynamoValue *expect;		/* what the first read of the item saw:
								 * attribute -> AttributeValue, or -> JSON
								 * null for an attribute it did not have;
								 * NULL: the write was not derived from a
								 * read */
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
	DynamoValue *key;			/* one chunk of the buffer's context */
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

/* in txn.c: the buffer of the transaction, or NULL */
extern TxnBuffer *txn_buf;

/* in txn_key.c */
extern HTAB *txn_strptr_hash_create(const char *name, Size entrysize, MemoryContext cxt);

/* in txn.c */
extern TxnState *txn_state_new(TxnOp op, TxnCond cond, bool do_nothing);
extern TxnState *txn_state_ref(TxnState *st);
extern void txn_state_unref(TxnState *st);
extern bool txn_state_exists(const TxnState *st);
extern DynamoValue *txn_apply_update(const DynamoValue *item, const DynamoValue *set,
									 const DynamoValue *remove);
extern TxnTable *txn_find_table(Oid serverid, const char *name);
extern TxnEntry *txn_lookup_entry(const TxnTable *t, const char *keystr);
extern TxnMarker *txn_lookup_marker(const TxnTable *t, const char *keystr, CommandId cid);
extern void txn_markers_reset(TxnTable *t);
extern void txn_entry_free(TxnEntry *e);
extern void txn_entry_remove(TxnEntry *e);
extern TxnBuffer *txn_buffer_get(void);
extern void txn_buffer_discard(void);

/* in txn_view.c */
extern TxnState *txn_visible_state(const TxnEntry *e, CommandId view_cid);
extern CommandId txn_reading_cid(void);
extern DynamoValue *txn_state_seen(const TxnState *st, DynamoValue *item);

/* in txn_send.c */
extern void txn_flush_early(void);
extern bool txn_buffer_writes(void);
extern void txn_commit_buffer(void);

/* in txn_undo.c */
extern void txn_push_undo(TxnEntry *e, bool created);

#endif							/* DYNAMO_TXN_INT_H */
