/*-------------------------------------------------------------------------
 *
 * txn.h
 *		  The transaction's write buffer; see txn.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/txn.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_TXN_H
#define DYNAMO_TXN_H

#include "nodes/pg_list.h"

#include "ddb_value.h"

struct EState;

/*
 * This transaction's buffered writes to one table, as a scan sees them
 * (read-your-writes).  Opaque outside txn_view.c.
 */
typedef struct DynamoTxnView DynamoTxnView;

/* in txn.c: settings (dynamo_fdw.c registers them) */
extern bool dynamo_strict_atomicity;
extern bool dynamo_bulk_write;

/* in txn_undo.c */
extern void dynamo_txn_register_callbacks(void);

/* in txn_view.c */
extern bool dynamo_txn_writes_table(Oid serverid, const char *table);

/* in txn_view.c */
extern DynamoTxnView *dynamo_txn_view(Oid serverid, const char *table,
									  List *key_attrs);
extern DynamoValue *dynamo_txn_overlay(DynamoTxnView *view, DynamoValue *item);
extern DynamoValue *dynamo_txn_next_unseen(DynamoTxnView *view);
extern DynamoValue *dynamo_txn_see(Oid serverid, const char *table,
								   const DynamoValue *key, DynamoValue *item);

/*
 * Where a buffered write goes: the DynamoDB table and its key, and whose
 * user mapping signs the request (one TransactWriteItems per mapping).
 */
typedef struct DynamoWriteTarget
{
	Oid			serverid;
	Oid			userid;			/* the role the user mapping was found for */
	Oid			umid;			/* that user mapping */
	const char *table;
	const char *partition_key;
	const char *sort_key;		/* NULL: none */
	bool		track_sent;		/* the statement also reads the table */
} DynamoWriteTarget;

typedef enum DynamoTxnOutcome
{
	DYNAMO_TXN_BUFFERED,		/* merged into the buffer */
	DYNAMO_TXN_SKIPPED,			/* nothing to do: the item is gone for this
								 * transaction, or this command changed it */
	DYNAMO_TXN_DUPLICATE		/* INSERT of an item the transaction made */
} DynamoTxnOutcome;

typedef enum DynamoTxnKnown
{
	DYNAMO_TXN_UNKNOWN,			/* no buffered write */
	DYNAMO_TXN_EXISTS,
	DYNAMO_TXN_ABSENT
} DynamoTxnKnown;

/* in txn_key.c */
extern char *dynamo_key_string(const DynamoValue *item, const char *pk, const char *sk);
extern char *dynamo_key_display(const DynamoValue *item, const char *pk, const char *sk);
extern void dynamo_report_duplicate(const char *table, const char *keydisp,
									const char *detail_more) pg_attribute_noreturn();

/* in txn.c */
extern DynamoTxnKnown dynamo_txn_known(const DynamoWriteTarget *wt, const DynamoValue *key);
extern DynamoTxnOutcome dynamo_txn_insert(const DynamoWriteTarget *wt, const DynamoValue *key,
										  const DynamoValue *item, bool do_nothing,
										  CommandId cid);
extern DynamoTxnOutcome dynamo_txn_update(const DynamoWriteTarget *wt, const DynamoValue *key,
										  const DynamoValue *set, const DynamoValue *remove,
										  const DynamoValue *image, const DynamoValue *expect,
										  CommandId cid);
extern DynamoTxnOutcome dynamo_txn_delete(const DynamoWriteTarget *wt, const DynamoValue *key,
										  const DynamoValue *expect, CommandId cid);
extern void dynamo_txn_lock(const DynamoWriteTarget *wt, const DynamoValue *key,
							const DynamoValue *expect, CommandId cid);
extern void dynamo_txn_note_bulk(uint64 items);
extern bool dynamo_txn_single_statement(struct EState *estate);

#endif							/* DYNAMO_TXN_H */
