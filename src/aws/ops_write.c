/*-------------------------------------------------------------------------
 *
 * ops_write.c
 *		  DynamoDB's write operations as typed C calls: TransactWriteItems,
 *		  PutItem, UpdateItem, DeleteItem and BatchWriteItem.  (The
 *		  consistent GetItem the write path reads an item with is
 *		  ops_read.c's dynamo_op_read_item.)
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/ops_write.c
 *
 * The wrapper describes a write in C (DynamoWrite: table, item or key,
 * expressions, names and values as trees) and gets answers back parsed:
 * the item of a ReturnValues, the reasons of a cancelled transaction, the
 * items BatchWriteItem left unprocessed.  Request bodies are built here
 * and nowhere else; client.c signs, sends and retries them.  What a
 * request says (which condition, which token) stays the caller's
 * decision: these functions only spell it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_limits.h"
#include "ops_write.h"

static const char *const write_member[] = {
	[DYNAMO_WRITE_PUT] = "Put",
	[DYNAMO_WRITE_UPDATE] = "Update",
	[DYNAMO_WRITE_DELETE] = "Delete",
	[DYNAMO_WRITE_CHECK] = "ConditionCheck",
};

static const char *const write_operation[] = {
	[DYNAMO_WRITE_PUT] = "PutItem",
	[DYNAMO_WRITE_UPDATE] = "UpdateItem",
	[DYNAMO_WRITE_DELETE] = "DeleteItem",
	[DYNAMO_WRITE_CHECK] = NULL,	/* only inside a transaction */
};

static bool
has_members(const DynamoValue *v)
{
	return v != NULL && v->len > 0;
}

/*
 * W's body: what a TransactItems member holds, and what PutItem,
 * UpdateItem and DeleteItem take.  Members in one fixed order (DynamoDB
 * does not mind; a reader of the traffic does).  A new tree.
 */
static DynamoValue *
write_body(const DynamoWrite *w)
{
	DynamoValue *body = dynamo_value_object();

	dynamo_value_set(body, "TableName", dynamo_value_string(w->table));
	if (w->kind == DYNAMO_WRITE_PUT)
		dynamo_value_set(body, "Item", dynamo_value_copy(w->item));
	else
		dynamo_value_set(body, "Key", dynamo_value_copy(w->key));
	if (w->kind == DYNAMO_WRITE_UPDATE)
		dynamo_value_set(body, "UpdateExpression", dynamo_value_string(w->update));
	if (w->condition)
		dynamo_value_set(body, "ConditionExpression", dynamo_value_string(w->condition));
	if (w->old_on_failure)
		dynamo_value_set(body, "ReturnValuesOnConditionCheckFailure",
						 dynamo_value_string("ALL_OLD"));
	if (has_members(w->names))
		dynamo_value_set(body, "ExpressionAttributeNames", dynamo_value_copy(w->names));
	if (has_members(w->values))
		dynamo_value_set(body, "ExpressionAttributeValues", dynamo_value_copy(w->values));
	if (w->return_values)
		dynamo_value_set(body, "ReturnValues", dynamo_value_string(w->return_values));
	return body;
}

/* ---- TransactWriteItems ---- */

void
dynamo_transact_init(DynamoTransact *t)
{
	t->items = dynamo_value_array();
	t->n = 0;
}

/*
 * W as a member of TransactItems ({"Put": body} and so on), with *BYTES
 * its size as JSON text: the caller keeps a request under DynamoDB's 4 MB
 * by adding up these before dynamo_transact_add.  A new tree.
 */
DynamoValue *
dynamo_transact_action(const DynamoWrite *w, Size *bytes)
{
	DynamoValue *action = dynamo_value_object();
	char	   *text;

	dynamo_value_set(action, write_member[w->kind], write_body(w));
	text = dynamo_value_text(action);
	*bytes = strlen(text);
	pfree(text);
	return action;
}

/* Add ACTION (dynamo_transact_action's, which T takes) to T. */
void
dynamo_transact_add(DynamoTransact *t, DynamoValue *action)
{
	dynamo_value_append(t->items, action);
	t->n++;
}

/*
 * Send T as one TransactWriteItems with ClientRequestToken TOKEN.  The
 * client retries a request with the very same body, hence the same token:
 * DynamoDB then applies a request that got through before at most once.
 * True when DynamoDB committed it; false when it answered with an error,
 * which is in *ERR (dynamo_cancel_reasons reads a cancellation's reasons).
 * Failures the client does not hand back (retries exhausted, transport)
 * are reported as ERRORs.
 */
bool
dynamo_op_transact_write(DynamoConn *conn, const DynamoTransact *t, const char *token,
						 DynamoError *err)
{
	DynamoValue *req = dynamo_value_object();

	dynamo_value_set(req, "TransactItems", dynamo_value_copy(t->items));
	dynamo_value_set(req, "ClientRequestToken", dynamo_value_string(token));
	return dynamo_request(conn, "TransactWriteItems", req, err) != NULL;
}

/*
 * The reasons in a "[None, ConditionalCheckFailed]" message, when the
 * error document has no CancellationReasons array: codes only.
 */
static void
reasons_from_message(const char *message, DynamoCancelReason *reasons, int n)
{
	char	   *list;
	char	   *end;
	char	   *tok;
	char	   *save = NULL;
	int			i = 0;

	if (message == NULL || strchr(message, '[') == NULL)
		return;
	list = pstrdup(strchr(message, '[') + 1);
	if ((end = strchr(list, ']')) != NULL)
		*end = '\0';
	for (tok = strtok_r(list, ",", &save); tok && i < n; tok = strtok_r(NULL, ",", &save))
	{
		while (*tok == ' ')
			tok++;
		reasons[i++].code = pstrdup(tok);
	}
}

/*
 * Why DynamoDB cancelled a TransactWriteItems of N actions (ERR's
 * TransactionCanceledException): N reasons, one an action in request
 * order, from the CancellationReasons of the error document or, without
 * them, from the message.  A reason not given has a NULL code.  palloc'd
 * in the current context.
 */
DynamoCancelReason *
dynamo_cancel_reasons(const DynamoError *err, int n)
{
	DynamoCancelReason *reasons = palloc0(sizeof(DynamoCancelReason) * Max(n, 1));
	DynamoValue *array = dynamo_value_member(err->doc, "CancellationReasons");
	DynamoValue *r;
	int			i = 0;

	if (array == NULL || array->kind != DYNAMO_VALUE_ARRAY)
	{
		reasons_from_message(err->message, reasons, n);
		return reasons;
	}
	dynamo_value_foreach(r, array)
	{
		const char *code = dynamo_value_member_string(r, "Code");
		const char *msg = dynamo_value_member_string(r, "Message");

		if (i == n)
			break;
		reasons[i].code = code ? pstrdup(code) : NULL;
		reasons[i].message = msg ? pstrdup(msg) : NULL;
		reasons[i].item = dynamo_value_member(r, "Item");
		i++;
	}
	return reasons;
}

/* ---- PutItem, UpdateItem, DeleteItem ---- */

/*
 * W (a PUT, UPDATE or DELETE) as a request of its own.  True when DynamoDB
 * applied it, with *ATTRIBUTES the item ReturnValues asked for (NULL when
 * none came); false when DynamoDB answered with an error, in *ERR (a
 * failed condition is ConditionalCheckFailedException).
 */
bool
dynamo_op_write_item(DynamoConn *conn, const DynamoWrite *w, DynamoError *err,
					 DynamoValue **attributes)
{
	DynamoValue *resp;

	Assert(write_operation[w->kind] != NULL);
	*attributes = NULL;
	resp = dynamo_request(conn, write_operation[w->kind], write_body(w), err);
	if (resp == NULL)
		return false;
	*attributes = dynamo_value_member(resp, "Attributes");
	return true;
}

/* ---- BatchWriteItem ---- */

/* A BatchWriteItem of ITEMS[FIRST .. FIRST + N - 1], puts into TABLE. */
static DynamoValue *
batch_put_request(const char *table, DynamoValue **items, int first, int n)
{
	DynamoValue *req = dynamo_value_object();
	DynamoValue *tables = dynamo_value_object();
	DynamoValue *list = dynamo_value_array();
	int			i;

	for (i = first; i < first + n; i++)
	{
		DynamoValue *body = dynamo_value_object();
		DynamoValue *put = dynamo_value_object();

		dynamo_value_set(body, "Item", dynamo_value_copy(items[i]));
		dynamo_value_set(put, "PutRequest", body);
		dynamo_value_append(list, put);
	}
	dynamo_value_set(tables, table, list);
	dynamo_value_set(req, "RequestItems", tables);
	return req;
}

/*
 * Put ITEMS[0 .. N - 1] into TABLE with BatchWriteItem: 25 a request, all
 * requests at once (N is at most 25 times the transport's parallel
 * requests).  Returns the items DynamoDB left unprocessed, *NLEFT of them,
 * for the caller to send again after a pause; errors are reported.
 * palloc'd in the current context.
 */
DynamoValue **
dynamo_op_batch_put(DynamoConn *conn, const char *table, DynamoValue **items, int n,
					int *nleft)
{
	int			nreq = (n + DYNAMO_MAX_BATCH_WRITE_ITEMS - 1) / DYNAMO_MAX_BATCH_WRITE_ITEMS;
	DynamoValue **requests = palloc(sizeof(DynamoValue *) * Max(nreq, 1));
	DynamoValue **results = palloc0(sizeof(DynamoValue *) * Max(nreq, 1));
	DynamoValue **left = palloc(sizeof(DynamoValue *) * Max(n, 1));
	int			r;

	*nleft = 0;
	for (r = 0; r < nreq; r++)
		requests[r] = batch_put_request(table, items, r * DYNAMO_MAX_BATCH_WRITE_ITEMS,
										Min(n - r * DYNAMO_MAX_BATCH_WRITE_ITEMS,
											DYNAMO_MAX_BATCH_WRITE_ITEMS));
	if (nreq == 1)
		results[0] = dynamo_request(conn, "BatchWriteItem", requests[0], NULL);
	else if (nreq > 1)
		dynamo_request_many(conn, "BatchWriteItem", requests, nreq, results);

	for (r = 0; r < nreq; r++)
	{
		DynamoValue *unprocessed = dynamo_value_member(results[r], "UnprocessedItems");
		DynamoValue *writes = dynamo_value_member(unprocessed, table);
		DynamoValue *wr;

		dynamo_value_foreach(wr, writes)
		{
			DynamoValue *item = dynamo_value_member(dynamo_value_member(wr, "PutRequest"),
													"Item");

			if (item && *nleft < n)
				left[(*nleft)++] = item;
		}
	}
	return left;
}
