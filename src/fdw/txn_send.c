/*-------------------------------------------------------------------------
 *
 * txn_send.c
 *		  The write buffer sent: TransactWriteItems requests at commit (or
 *		  early, when the buffer outgrows its bounds), and the errors a
 *		  cancelled request means.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/txn_send.c
 *
 * Each entry becomes one action (ops_write.h's DynamoWrite): its state's
 * operation, conditioned on the key's existence and, for a write derived
 * from a read, on every attribute read still holding what was read.  A
 * failed condition is a serialization failure (40001) or a duplicate key
 * (23505); DynamoDB's ALL_OLD item in the cancellation reason says which.
 * Each request carries a ClientRequestToken of its own, which the client's
 * retries keep: DynamoDB applies a request at most once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/pg_prng.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/memutils.h"
#include "utils/timeout.h"

#include "ops_write.h"
#include "txn_int.h"

/* Actions of one TransactWriteItems request. */
typedef struct TxnBatch
{
	TxnTarget  *target;
	TxnEntry   *entries[DYNAMO_MAX_TRANSACT_ACTIONS];
	DynamoTransact request;
	int			n;
	size_t		bytes;
	bool		complete;		/* every entry of the target fitted */
} TxnBatch;

/* Where a failing request stood, for the error context. */
typedef struct SendContext
{
	int			n;
	uint64		sent_before;
	bool		early;
	bool		in_flight;		/* no answer from DynamoDB yet */
} SendContext;

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

/* ---- actions ---- */

/*
 * The ConditionExpression of ST, with its names and values added to NAMES
 * and VALUES: the key's existence (COND) and, for a write derived from a
 * read, that each attribute read still holds what was read (absent ones
 * still absent).  NULL when there is no condition.  DynamoDB compares
 * numbers as numbers and everything else by type and bytes, so an
 * attribute passes exactly when it is what the read returned.
 */
static char *
state_condition(const TxnState *st, DynamoValue *names, DynamoValue *values)
{
	StringInfoData cond;
	const DynamoValue *ev;
	int			n = 0;

	initStringInfo(&cond);
	if (st->cond == TXN_COND_ABSENT)
		appendStringInfoString(&cond, "attribute_not_exists(#k)");
	else if (st->cond == TXN_COND_PRESENT)
		appendStringInfoString(&cond, "attribute_exists(#k)");
	dynamo_value_foreach(ev, st->expect)
	{
		char	   *name = psprintf("#e%d", n);

		if (cond.len > 0)
			appendStringInfoString(&cond, " AND ");
		dynamo_value_set(names, name, dynamo_value_string(ev->name));
		if (ev->kind == DYNAMO_VALUE_NULL)
			appendStringInfo(&cond, "attribute_not_exists(%s)", name);
		else
		{
			char	   *value = psprintf(":e%d", n);

			appendStringInfo(&cond, "%s = %s", name, value);
			dynamo_value_set(values, value, dynamo_value_copy(ev));
		}
		n++;
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

/* "SET #a0 = :v0, ... REMOVE #a2, ..." of ST, its names and values added. */
static char *
update_expression(const TxnState *st, DynamoValue *names, DynamoValue *values)
{
	StringInfoData expr;
	const DynamoValue *m;
	int			n = 0;
	int			nset = 0;
	int			nremove = 0;

	initStringInfo(&expr);
	dynamo_value_foreach(m, st->set)
	{
		char	   *name = psprintf("#a%d", n);
		char	   *value = psprintf(":v%d", n);

		appendStringInfo(&expr, "%s%s = %s", nset++ == 0 ? "SET " : ", ", name, value);
		dynamo_value_set(names, name, dynamo_value_string(m->name));
		dynamo_value_set(values, value, dynamo_value_copy(m));
		n++;
	}
	dynamo_value_foreach(m, st->remove)
	{
		char	   *name = psprintf("#a%d", n++);

		appendStringInfo(&expr, "%s%s",
						 nremove++ == 0 ? (nset ? " REMOVE " : "REMOVE ") : ", ", name);
		dynamo_value_set(names, name, dynamo_value_string(m->name));
	}
	return expr.data;
}

/*
 * E's write as TransactItems wants it, with *BYTES its size.  A new tree in
 * the current context.
 */
static DynamoValue *
entry_action(const TxnEntry *e, Size *bytes)
{
	static const DynamoWriteKind kinds[] = {
		[TXN_PUT] = DYNAMO_WRITE_PUT,
		[TXN_UPDATE] = DYNAMO_WRITE_UPDATE,
		[TXN_DELETE] = DYNAMO_WRITE_DELETE,
		[TXN_CHECK] = DYNAMO_WRITE_CHECK,
	};
	const TxnState *st = e->cur;
	DynamoValue *names = dynamo_value_object();
	DynamoValue *values = dynamo_value_object();
	DynamoWrite w;

	memset(&w, 0, sizeof(w));
	w.kind = kinds[st->op];
	w.table = e->table->name;
	w.item = st->item;
	w.key = e->key;
	if (st->cond != TXN_COND_NONE)
		dynamo_value_set(names, "#k", dynamo_value_string(e->table->partition_key));
	if (st->op == TXN_UPDATE)
		w.update = update_expression(st, names, values);
	w.condition = state_condition(st, names, values);
	/* a failed read condition says whether the item is gone or changed */
	w.old_on_failure = st->expect && st->expect->len > 0;
	w.names = names;
	w.values = values;
	return dynamo_transact_action(&w, bytes);
}

/*
 * Fill B with the oldest entries of the oldest entry's target: at most 100,
 * and under the request size limit.  The trees belong to the current
 * memory context.
 */
static void
build_batch(TxnBatch *b)
{
	dlist_iter	it;
	TxnEntry   *first = dlist_container(TxnEntry, node, dlist_head_node(&txn_buf->order));

	b->target = first->target;
	b->n = 0;
	b->bytes = 200;
	b->complete = true;
	dynamo_transact_init(&b->request);
	dlist_foreach(it, &txn_buf->order)
	{
		TxnEntry   *e = dlist_container(TxnEntry, node, it.cur);
		DynamoValue *action;
		Size		len;

		if (e->target != b->target)
			continue;
		if (b->n == DYNAMO_MAX_TRANSACT_ACTIONS)
		{
			b->complete = false;
			break;
		}
		action = entry_action(e, &len);
		if (b->n > 0 && b->bytes + len + 1 > TXN_REQUEST_BYTES)
		{
			b->complete = false;
			break;
		}
		dynamo_transact_add(&b->request, action);
		b->entries[b->n++] = e;
		b->bytes += len + 1;
	}
}

/* ---- cancellations ---- */

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

/*
 * A failed condition of entry E: 40001 when the item changed after the
 * read (DynamoDB returned it: HAS_ITEM) or is gone, 23505 when an INSERT
 * found it there.
 */
static void
report_condition_failed(const TxnEntry *e, bool has_item, const char *keydisp,
						uint64 sent_before, const char *more)
{
	const TxnState *st = e->cur;

	if (st->expect && has_item)
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

/* Any other reason DynamoDB gave for cancelling at entry E. */
static void
report_other_reason(const TxnEntry *e, const DynamoCancelReason *r, const char *keydisp,
					const char *more)
{
	const char *code = r->code;

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
				 errdetail_internal("%s%s", r->message ? r->message : code, more)));
	if (strcmp(code, "ItemCollectionSizeLimitExceeded") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("DynamoDB item collection of item %s of table \"%s\" is full",
						keydisp, e->table->name),
				 errdetail_internal("%s%s", r->message ? r->message : code, more)));
	if (strcmp(code, "ThrottlingError") == 0 ||
		strcmp(code, "ProvisionedThroughputExceeded") == 0 ||
		strcmp(code, "RequestLimitExceeded") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("DynamoDB throttled the write of item %s of table \"%s\"",
						keydisp, e->table->name),
				 errdetail_internal("%s: %s%s", code, r->message ? r->message : "", more),
				 errhint("Retry the transaction, or raise the table's capacity.")));
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("DynamoDB cancelled the transaction at item %s of table \"%s\"",
					keydisp, e->table->name),
			 errdetail_internal("%s: %s%s", code, r->message ? r->message : "", more)));
}

/* Report why DynamoDB cancelled the request of batch B: its first reason. */
static void
report_cancellation(const DynamoError *err, const TxnBatch *b, uint64 sent_before)
{
	DynamoCancelReason *reasons = dynamo_cancel_reasons(err, b->n);
	int			i;
	int			first = -1;
	int			others = 0;
	const TxnEntry *e;
	char	   *keydisp;
	char	   *more;

	for (i = 0; i < b->n; i++)
		if (reasons[i].code && strcmp(reasons[i].code, "None") != 0)
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
	keydisp = dynamo_key_display(e->key, e->table->partition_key, e->table->sort_key);
	more = others == 1 ? " 1 other action of the request failed too."
		: others > 1 ? psprintf(" %d other actions of the request failed too.", others) : "";
	if (strcmp(reasons[first].code, "ConditionalCheckFailed") == 0)
		report_condition_failed(e, reasons[first].item != NULL, keydisp, sent_before, more);
	report_other_reason(e, &reasons[first], keydisp, more);
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
	DynamoCancelReason *reasons = dynamo_cancel_reasons(err, b->n);
	int			i;
	int			ndrop = 0;

	for (i = 0; i < b->n; i++)
	{
		const TxnState *st = b->entries[i]->cur;
		const char *code = reasons[i].code;

		if (code == NULL || strcmp(code, "None") == 0)
			continue;
		if (strcmp(code, "ConditionalCheckFailed") != 0 || st->op != TXN_PUT ||
			!st->do_nothing || st->cond != TXN_COND_ABSENT || st->expect != NULL)
			return false;
		ndrop++;
	}
	if (ndrop == 0)
		return false;
	for (i = 0; i < b->n; i++)
		if (reasons[i].code && strcmp(reasons[i].code, "ConditionalCheckFailed") == 0)
		{
			TxnEntry   *e = b->entries[i];

			ereport(DEBUG1,
					(errmsg_internal("dynamo_fdw: ON CONFLICT DO NOTHING: item %s of table \"%s\" was created by another session; not inserted",
									 dynamo_key_display(e->key, e->table->partition_key,
															  e->table->sort_key),
									 e->table->name)));
			txn_entry_remove(e);
		}
	return true;
}

/* ---- sending ---- */

/*
 * E was sent early by the current command CID, which reads its table: keep
 * a marker of what the command still sees of the item until it ends.
 */
static void
leave_marker(TxnEntry *e, CommandId cid)
{
	TxnTable   *t = e->table;
	TxnMarker  *m;
	bool		found;
	const char *keystr = e->keystr;

	if (t->markers_cid != cid)
		txn_markers_reset(t);
	if (t->markers == NULL)
	{
		t->markers = txn_strptr_hash_create("dynamo_fdw items sent early",
											sizeof(TxnMarker), txn_buf->cxt);
		t->markers_cid = cid;
	}
	m = hash_search(t->markers, &keystr, HASH_ENTER, &found);
	if (!found)
	{
		m->keystr = MemoryContextStrdup(txn_buf->cxt, e->keystr);
		m->before = NULL;
	}
	else
		txn_state_unref(m->before);
	m->changed = e->cmd_changed;
	if (e->before)
		m->before = txn_state_ref(e->before);
	else if (e->cur->cond == TXN_COND_ABSENT)
		m->before = txn_state_new(TXN_CHECK, TXN_COND_ABSENT, false);	/* hide it */
	else
		m->before = NULL;
}

/* The connection of B's target, made in the buffer's context at first use. */
static DynamoConn *
target_conn(TxnTarget *tg)
{
	if (tg->conn == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(txn_buf->cxt);

		tg->conn = dynamo_connect(GetForeignServer(tg->serverid),
								  GetUserMapping(tg->userid, tg->serverid));
		MemoryContextSwitchTo(oldcxt);
	}
	return tg->conn;
}

/*
 * Send batch B with a new token; false when DynamoDB cancelled it only for
 * DO NOTHING inserts, which are dropped, so that the rest goes again.
 * Any other failure is an ERROR.
 */
static bool
send_request(TxnBatch *b, bool early)
{
	DynamoConn *conn = target_conn(b->target);
	DynamoError err;
	ErrorContextCallback errcb;
	SendContext sc;
	bool		ok;

	ereport(DEBUG1,
			(errmsg_internal("dynamo_fdw: TransactWriteItems with %d action%s%s",
							 b->n, b->n == 1 ? "" : "s",
							 early ? " (buffer full: sent before the commit)" : "")));
	sc.n = b->n;
	sc.sent_before = txn_buf->sent_actions;
	sc.early = early;
	sc.in_flight = true;
	errcb.callback = send_error_callback;
	errcb.arg = &sc;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	/* the client retries with the same body, hence the same token */
	ok = dynamo_op_transact_write(conn, &b->request, new_token(), &err);
	sc.in_flight = false;
	if (!ok)
	{
		if (err.type && strcmp(err.type, "TransactionCanceledException") == 0)
		{
			if (drop_conflicting_inserts(&err, b))
			{
				/* nothing was applied: the caller sends the rest again */
				error_context_stack = errcb.previous;
				return false;
			}
			report_cancellation(&err, b, sc.sent_before);
		}
		dynamo_report_error(conn, "TransactWriteItems", &err, err.status);
	}
	error_context_stack = errcb.previous;
	return true;
}

/*
 * Send the oldest batch and take its entries out of the buffer.  EARLY:
 * during a statement, because the buffer outgrew its bounds.
 */
static void
send_batch(bool early)
{
	MemoryContext tmpcxt = AllocSetContextCreate(txn_buf->cxt, "dynamo_fdw request",
												 ALLOCSET_DEFAULT_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(tmpcxt);
	TxnBatch   *b = palloc0(sizeof(TxnBatch));
	CommandId	cid = GetCurrentCommandId(false);
	int			i;

	build_batch(b);
	if (send_request(b, early))
	{
		/* committed in DynamoDB: out of the buffer */
		txn_buf->sent_actions += b->n;
		for (i = 0; i < b->n; i++)
		{
			TxnEntry   *e = b->entries[i];

			if (early && e->track && e->last_cid == cid)
				leave_marker(e, cid);
			txn_entry_remove(e);
		}
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(tmpcxt);
}

/* Send the oldest batch now, so that the buffer stays bounded. */
void
txn_flush_early(void)
{
	while (txn_buf->nactions > TXN_FLUSH_ACTIONS - DYNAMO_MAX_TRANSACT_ACTIONS ||
		   txn_buf->bytes > TXN_FLUSH_BYTES / 2)
		send_batch(true);
}

/*
 * Does the buffer write anything?  ConditionChecks that the item exists
 * come from locked rows and from UPDATEs that changed nothing: alone, they
 * protect no write, and the transaction commits without a request.
 */
bool
txn_buffer_writes(void)
{
	dlist_iter	it;

	dlist_foreach(it, &txn_buf->order)
	{
		TxnEntry   *e = dlist_container(TxnEntry, node, it.cur);

		if (e->cur->op != TXN_CHECK || e->cur->cond != TXN_COND_PRESENT)
			return true;
	}
	return false;
}

/*
 * With strict atomicity: everything in one request, or nothing sent.
 * Refuses what cannot be, before anything goes out.
 */
static void
check_strict_commit(void)
{
	ListCell   *lc;
	int			ntargets = 0;
	TxnBatch   *b;
	MemoryContext tmpcxt;
	MemoryContext oldcxt;

	if (txn_buf->sent_actions > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cannot commit the DynamoDB writes of this transaction atomically"),
				 errdetail("%llu of its actions were already sent before dynamo_fdw.strict_atomicity was turned on.",
						   (unsigned long long) txn_buf->sent_actions)));
	foreach(lc, txn_buf->targets)
		if (((TxnTarget *) lfirst(lc))->nentries > 0)
			ntargets++;
	if (ntargets > 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("transaction writes to DynamoDB through more than one server or user mapping"),
				 errdetail("dynamo_fdw.strict_atomicity is on, and one TransactWriteItems request is signed by one set of credentials; nothing has been sent to DynamoDB.")));
	if (txn_buf->nactions > DYNAMO_MAX_TRANSACT_ACTIONS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("transaction needs %d DynamoDB actions, more than the %d of one request",
						txn_buf->nactions, DYNAMO_MAX_TRANSACT_ACTIONS),
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
						   txn_buf->nactions, TXN_REQUEST_BYTES)));
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(tmpcxt);
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
void
txn_commit_buffer(void)
{
	bool		timer = false;

	if (txn_buf->nactions == 0)
		return;
	if (!txn_buffer_writes())
	{
		/* only checks of rows read: nothing to protect, nothing to send */
		while (!dlist_is_empty(&txn_buf->order))
			txn_entry_remove(dlist_container(TxnEntry, node,
											 dlist_head_node(&txn_buf->order)));
		return;
	}
	txn_buf->committing = true;
	if (StatementTimeout > 0 && !get_timeout_active(STATEMENT_TIMEOUT))
	{
		enable_timeout_after(STATEMENT_TIMEOUT, StatementTimeout);
		timer = true;
	}
	if (dynamo_strict_atomicity)
		check_strict_commit();
	while (txn_buf->nactions > 0)
		send_batch(false);
	if (timer)
		disable_timeout(STATEMENT_TIMEOUT, false);
}
