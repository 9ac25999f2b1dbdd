/*-------------------------------------------------------------------------
 *
 * txn.c
 *		  The per-transaction write buffer.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/txn.c
 *
 * Placeholder until the write path lands.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include "dynamo_client.h"
#include "dynamo_fdw.h"

bool		dynamo_strict_atomicity = false;
bool		dynamo_bulk_write = false;

/*
 * Placeholders until the write buffer lands: nothing is ever buffered.
 */
DynamoTxnView *
dynamo_txn_view(Oid serverid, const char *table, List *key_attrs)
{
	return NULL;
}

json_c_object *
dynamo_txn_overlay(DynamoTxnView *view, json_c_object *item)
{
	return item;
}

json_c_object *
dynamo_txn_next_unseen(DynamoTxnView *view)
{
	return NULL;
}
