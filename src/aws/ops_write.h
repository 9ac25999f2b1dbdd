/*-------------------------------------------------------------------------
 *
 * ops_write.h
 *		  DynamoDB's write operations as typed C calls; see ops_write.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/ops_write.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_OPS_WRITE_H
#define DYNAMO_OPS_WRITE_H

#include "client.h"
#include "ddb_value.h"

typedef enum DynamoWriteKind
{
	DYNAMO_WRITE_PUT,			/* the whole item */
	DYNAMO_WRITE_UPDATE,		/* an UpdateExpression */
	DYNAMO_WRITE_DELETE,
	DYNAMO_WRITE_CHECK			/* ConditionCheck: nothing written */
} DynamoWriteKind;

/*
 * One write to one item: an action of TransactWriteItems, or a PutItem,
 * UpdateItem or DeleteItem of its own.  Items, keys and values are
 * AttributeValue maps; NAMES maps "#x" to attribute names, VALUES ":x" to
 * AttributeValues (NULL or empty: none).  Nothing here is changed or kept
 * by the calls below: they copy what they send.
 */
typedef struct DynamoWrite
{
	DynamoWriteKind kind;
	const char *table;
	const DynamoValue *item;	/* PUT */
	const DynamoValue *key;		/* UPDATE, DELETE, CHECK */
	const char *update;			/* UPDATE: the UpdateExpression */
	const char *condition;		/* the ConditionExpression, or NULL */
	const DynamoValue *names;
	const DynamoValue *values;
	bool		old_on_failure; /* ReturnValuesOnConditionCheckFailure
								 * ALL_OLD: a failed condition says whether
								 * the item is there */
	const char *return_values;	/* single writes: ReturnValues, or NULL */
} DynamoWrite;

/* Why DynamoDB cancelled one action of a TransactWriteItems. */
typedef struct DynamoCancelReason
{
	char	   *code;			/* "None", "ConditionalCheckFailed", ...; NULL:
								 * not said */
	char	   *message;		/* or NULL */
	DynamoValue *item;			/* the item, with ALL_OLD; NULL: none */
} DynamoCancelReason;

/*
 * The TransactItems of one request, as dynamo_transact_add gathers them
 * (the actions of dynamo_transact_action, whose sizes let a caller stop at
 * DynamoDB's request limit before adding).
 */
typedef struct DynamoTransact
{
	DynamoValue *items;
	int			n;
} DynamoTransact;

/* in ops_write.c */
extern void dynamo_transact_init(DynamoTransact *t);
extern DynamoValue *dynamo_transact_action(const DynamoWrite *w, Size *bytes);
extern void dynamo_transact_add(DynamoTransact *t, DynamoValue *action);
extern bool dynamo_op_transact_write(DynamoConn *conn, const DynamoTransact *t,
									 const char *token, DynamoError *err);
extern DynamoCancelReason *dynamo_cancel_reasons(const DynamoError *err, int n);
extern bool dynamo_op_write_item(DynamoConn *conn, const DynamoWrite *w,
								 DynamoError *err, DynamoValue **attributes);
extern DynamoValue **dynamo_op_batch_put(DynamoConn *conn, const char *table,
										 DynamoValue **items, int n, int *nleft);

#endif							/* DYNAMO_OPS_WRITE_H */
