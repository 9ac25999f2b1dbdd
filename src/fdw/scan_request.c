/*-------------------------------------------------------------------------
 *
 * scan_request.c
 *		  A scan's requests: its plan's expressions and the values of its
 *		  parameters, made into ops_read.h's requests at each (re)start.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_request.c
 *
 * GetItem and BatchGetItem get their keys evaluated here (repeats and keys
 * no item can have left out); a Query or Scan gets one DynamoPageRequest,
 * sent again page by page (scan_page.c) with another ExclusiveStartKey.
 * Everything lives in the scan's request context, reset at each start.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/executor.h"
#include "utils/memutils.h"

#include "convert.h"
#include "ddb_value.h"
#include "dynamo_fdw.h"
#include "ops_read.h"
#include "scan.h"
#include "scan_page.h"
#include "scan_request.h"
#include "txn.h"

/*
 * The ExpressionAttributeNames object of the first N of NAMES (#n0, #n1
 * ...), or NULL when there are none.  In the current context.
 */
DynamoValue *
dynamo_names_object(List *names, int n)
{
	DynamoValue *obj;
	ListCell   *lc;
	int			i = 0;

	if (n <= 0 || names == NIL)
		return NULL;
	obj = dynamo_value_object();
	foreach(lc, names)
	{
		if (i >= n)
			break;
		dynamo_value_set(obj, psprintf("#n%d", i++), dynamo_value_string(strVal(lfirst(lc))));
	}
	return obj;
}

/*
 * The AttributeValue of a non-null Datum D of TYPE (convert.c), or NULL
 * for a value DynamoDB stores as no attribute at all.  In the current
 * context.
 */
DynamoValue *
dynamo_datum_av(Datum d, Oid type)
{
	return dynamo_datum_to_av(d, type);
}

/* Is AV an empty string or binary (never a valid key value)? */
bool
dynamo_av_is_empty_key(const DynamoValue *av)
{
	DynamoValue *v = dynamo_value_member(av, "S");

	if (v == NULL)
		v = dynamo_value_member(av, "B");
	return v && v->kind == DYNAMO_VALUE_STRING && v->len == 0;
}

/* Evaluate an ExprState of the plan; *isnull set as usual. */
static Datum
eval_value(ForeignScanState *node, ExprState *es, bool *isnull)
{
	return ExecEvalExpr(es, node->ss.ps.ps_ExprContext, isnull);
}

/*
 * Limit for a Query or Scan of the table itself that the plan gave no page
 * size: twice the items a 1 MB page holds at the table's average item size
 * (DescribeTable's TableSizeBytes / ItemCount), or 0 for none.
 *
 * DynamoDB ends a page at 1 MB or at Limit items, whichever comes first,
 * so with twice the average, pages stay the 1 MB ones (only a run of items
 * under half the average size ends a page early, by Limit).  DynamoDB Local
 * needs it: without a Limit it reads every item left in the table for each
 * page before cutting the page at 1 MB, which makes a full scan quadratic
 * in the table's size; with one it reads at most Limit items a page.  An
 * index holds smaller entries than the table, so its pages are left alone.
 */
static int
page_items_hint(DynamoScanState *s)
{
	const DynamoTable *meta = s->rel->meta;
	double		per_page;

	if ((s->plan.op != DYNAMO_OP_SCAN && s->plan.op != DYNAMO_OP_QUERY) ||
		s->plan.index[0] ||
		meta == NULL || meta->item_count < 1 || meta->table_bytes < 1)
		return 0;
	per_page = (1024.0 * 1024.0) / (meta->table_bytes / meta->item_count);
	return (int) Min(2.0 * per_page + 1, 1000000.0);
}

/*
 * The key of GetItem/BatchGetItem number I, from the key expressions; NULL
 * when no item can have it (a NULL or empty value, a number no item can
 * hold).
 */
static DynamoValue *
eval_key(ForeignScanState *node, DynamoScanState *s, int i)
{
	int			per_key = list_length(s->plan.key_attrs);
	DynamoValue *key = dynamo_value_object();
	int			j;

	for (j = 0; j < per_key; j++)
	{
		int			k = i * per_key + j;
		Oid			type = list_nth_oid(s->key_types, k);
		bool		isnull;
		Datum		d = eval_value(node, list_nth(s->key_states, k), &isnull);
		DynamoValue *av;

		if (isnull || !dynamo_value_storable(d, type))
			return NULL;
		av = dynamo_datum_av(d, type);
		if (av == NULL || dynamo_av_is_empty_key(av))
			return NULL;
		dynamo_value_set(key, strVal(list_nth(s->plan.key_attrs, j)), av);
	}
	return key;
}

/*
 * GetItem and BatchGetItem: the distinct keys that may exist, and what
 * every request for them shares.
 */
static void
start_get(ForeignScanState *node, DynamoScanState *s)
{
	int			n = 0;
	int			i;

	s->get = palloc0(sizeof(DynamoGetRequest));
	s->get->table = s->plan.table;
	s->get->consistent = s->plan.consistent;
	s->get->projection = s->plan.projection;
	s->get->names = dynamo_names_object(s->plan.names, list_length(s->plan.names));

	s->keys = palloc0(sizeof(DynamoValue *) * Max(s->plan.nkeys, 1));
	for (i = 0; i < s->plan.nkeys; i++)
	{
		DynamoValue *key = eval_key(node, s, i);
		int			j;

		/* keys that cannot exist, and repeats, are not asked for */
		for (j = 0; key && j < n; j++)
			if (dynamo_value_equal(s->keys[j], key))
				key = NULL;
		if (key)
			s->keys[n++] = key;
	}
	s->nkeys_left = n;
	if (n == 0)
		s->exhausted = true;
}

/*
 * The ExpressionAttributeValues of a Query or Scan, or NULL; sets
 * s->exhausted when no item can match.
 */
static DynamoValue *
eval_values(ForeignScanState *node, DynamoScanState *s)
{
	DynamoValue *values;
	ListCell   *lc;
	ListCell   *tc;
	int			i = 0;

	if (s->value_states == NIL)
		return NULL;
	values = dynamo_value_object();
	forboth(lc, s->value_states, tc, s->value_types)
	{
		bool		isnull;
		Datum		d = eval_value(node, lfirst(lc), &isnull);
		DynamoValue *av;

		/* conditions are ANDed at the top: a NULL value matches nothing */
		/* ... as does a number no item can hold (only = takes one) */
		if (isnull || !dynamo_value_storable(d, lfirst_oid(tc)) ||
			(av = dynamo_datum_av(d, lfirst_oid(tc))) == NULL)
		{
			s->exhausted = true;
			break;
		}
		/* a Query's partition key (:v0) is never empty: no item has it */
		if (i == 0 && s->plan.op == DYNAMO_OP_QUERY && dynamo_av_is_empty_key(av))
		{
			s->exhausted = true;
			break;
		}
		dynamo_value_set(values, psprintf(":v%d", i++), av);
	}
	return values;
}

/*
 * Query and Scan: one request, sent again page by page.  COUNT(*) asks
 * DynamoDB for the count alone, unless this transaction has buffered
 * writes to the table: then its items are read and counted here, seen
 * through those writes.
 */
static void
start_pages(ForeignScanState *node, DynamoScanState *s)
{
	DynamoPageRequest *req = palloc0(sizeof(DynamoPageRequest));
	int			nnames = list_length(s->plan.names);

	req->query = s->plan.op == DYNAMO_OP_QUERY;
	req->table = s->plan.table;
	req->index = s->plan.index;
	req->key_condition = s->plan.keycond;
	req->filter = s->plan.filter;
	req->count = s->plan.count_names >= 0 && s->txn_view == NULL;
	req->projection = s->plan.projection;
	if (req->count)
		nnames = s->plan.count_names;	/* the projection's are unused */
	req->names = dynamo_names_object(s->plan.names, nnames);
	req->values = eval_values(node, s);
	req->consistent = s->plan.consistent;
	req->limit = s->plan.limit > 0 ? s->plan.limit : page_items_hint(s);
	req->descending = s->plan.order < 0;
	req->capacity = true;
	s->request = req;
	if (s->plan.segments > 1)
	{
		s->seg_start = palloc0(sizeof(char *) * s->plan.segments);
		s->seg_done = palloc0(sizeof(bool) * s->plan.segments);
		if (s->plan.segments_ahead)
			s->seg_ahead = palloc0(sizeof(uint64) * s->plan.segments);
	}
}

/*
 * Evaluate the values and keys, and prepare the first request, at the
 * start and at each rescan: everything of the previous start goes with
 * the request context.  Sets s->exhausted when no row can match.
 */
void
dynamo_scan_start(ForeignScanState *node, DynamoScanState *s)
{
	MemoryContext oldcxt;

	dynamo_scan_drop_ahead(s);
	MemoryContextReset(s->page_cxt);
	MemoryContextReset(s->sorted_cxt);
	MemoryContextReset(s->request_cxt);
	oldcxt = MemoryContextSwitchTo(s->request_cxt);

	s->sorted = NULL;
	s->nsorted = 0;
	s->next_sorted = 0;
	s->page = NULL;
	s->next_item = 0;
	s->pages_read = 0;
	s->request = NULL;
	s->get = NULL;
	s->keys = NULL;
	s->nkeys_left = 0;
	s->key_pos = 0;
	s->nunprocessed = 0;
	s->start_key = NULL;
	s->seg_start = NULL;
	s->seg_done = NULL;
	s->seg_ahead = NULL;
	s->next_seg = 0;
	s->seg_started = 0;
	s->exhausted = false;
	s->started = true;
	s->dynamo_done = false;
	s->cur_segment = -1;
	s->counted = 0;
	s->count_done = false;
	s->txn_view = dynamo_txn_view(s->rel->server->serverid, s->plan.table,
								  s->plan.key_attrs);
	dynamo_txn_register_callbacks();	/* an abort drops pages asked ahead */

	if (s->plan.op == DYNAMO_OP_GET_ITEM || s->plan.op == DYNAMO_OP_BATCH_GET_ITEM)
		start_get(node, s);
	else
		start_pages(node, s);
	MemoryContextSwitchTo(oldcxt);
}
