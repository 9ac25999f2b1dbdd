/*-------------------------------------------------------------------------
 *
 * scan.c
 *		  Running scans of DynamoDB foreign tables: GetItem, BatchGetItem,
 *		  Query and Scan, page by page, and EXPLAIN.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan.c
 *
 * One response (a page) at a time lives in a per-page memory context,
 * reset before the next request, so memory stays flat however many items a
 * scan reads.  Each row is built in a per-row context.  The json-c tree of a
 * page is freed with its context (client.c ties the two together).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include "access/parallel.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "aws_error.h"
#include "client.h"
#include "convert.h"
#include "ddb_limits.h"
#include "dynamo_fdw.h"
#include "http.h"
#include "ddb_value.h"
#include "page.h"
#include "planner.h"
#include "readset.h"
#include "scan.h"
#include "table.h"
#include "txn.h"

/*
 * A parallel Scan's state in dynamic shared memory: the next of its
 * TotalSegments segments to claim, and every participant's counts for
 * EXPLAIN ANALYZE (added as each page arrives).
 */
typedef struct DynamoParallelScan
{
	pg_atomic_uint32 next_segment;
	bool		leader_only;	/* the leader has buffered writes to lay over
								 * the items: it scans alone */
	pg_atomic_uint64 requests;
	pg_atomic_uint64 pages;
	pg_atomic_uint64 scanned;
	pg_atomic_uint64 capacity_milli;	/* capacity units x 1000 */
} DynamoParallelScan;

typedef struct DynamoScanState
{
	DynamoRelation *rel;
	DynamoConn *conn;

	/* from the plan */
	DynamoOperation op;
	char	   *table;
	char	   *index;			/* NULL: the table */
	char	   *keycond;
	char	   *filter;
	char	   *projection;
	List	   *names;
	List	   *value_display;	/* EXPLAIN's text of each fdw_exprs entry */
	int			nvalues;		/* how many of them are :vN values */
	List	   *value_states;	/* ExprState of each :vN */
	List	   *value_types;
	List	   *key_states;		/* ExprState: partition [, sort] of each key */
	List	   *key_types;
	List	   *key_attrs;
	int			nkeys;
	List	   *retrieved;
	bool		consistent;
	int			segments;
	int			limit;			/* page size, or -1 */
	int			order;			/* 1/-1: sort key order promised, 0: none */
	char	   *sort_attr;
	int			count_names;	/* COUNT(*): names the conditions use; else -1 */

	DynamoRowReader *reader;	/* fills a row's columns from an item */

	/* progress */
	MemoryContext page_cxt;		/* the current response */
	MemoryContext row_cxt;		/* one row's conversions */
	json_c_object *request;		/* request of the current Query/Scan */
	json_c_object *items;		/* items of the current page */
	DynamoPage *page;			/* or a Query/Scan page, read item by item */
	uint64		ahead;			/* next page's request, sent ahead; or 0 */
	char	   *ahead_key;		/* its ExclusiveStartKey, when a guess */
	int			pages_read;		/* Query/Scan pages read since (re)start */
	bool		read_all;		/* the planner expects every row read */
	size_t		next_item;
	char	   *start_key;		/* LastEvaluatedKey as JSON text, or NULL */
	char	  **seg_start;		/* parallel Scan: each segment's next start */
	bool	   *seg_done;
	bool		exhausted;
	json_c_object **keys;		/* GetItem/BatchGetItem keys to fetch */
	int			nkeys_left;
	int			key_pos;
	json_c_object *unprocessed; /* BatchGetItem keys DynamoDB returned */
	bool		started;

	/* for EXPLAIN ANALYZE */
	uint64		requests;
	uint64		pages;
	uint64		scanned;
	uint64		returned;
	double		capacity;
	uint64		counted;		/* Select=COUNT: the Counts DynamoDB sent */
	bool		count_done;

	/* this transaction's own buffered writes to the table, or NULL */
	DynamoTxnView *txn_view;
	MemoryContext sorted_cxt;	/* ordered scan merged with buffered rows */
	json_c_object *sorted;
	size_t		next_sorted;
	ExprState  *recheck;		/* pushed conditions, for buffered rows */
	bool		dynamo_done;	/* DynamoDB's rows all read */

	/* for error messages: the item being read, as a tree */
	const DynamoValue *current_item;

	/*
	 * Rows that may be written or locked (the plan asks for their ctid) are
	 * recorded in readset.c, with the attributes read; locked ones with the
	 * row too.
	 */
	/* a parallel Scan: the shared state, and the segment this one reads */
	DynamoParallelScan *pscan;
	int			parallel_segments;	/* TotalSegments; 0: not parallel */
	int			cur_segment;	/* -1: none claimed */
	bool		totals_copied;	/* EXPLAIN shows every participant's counts */

	bool		record;
	bool		keep_tuple;
	const char **read_attrs;
	int			nread_attrs;
	bool		read_whole;		/* a document column reads every attribute */
	json_c_object *row_json;	/* the current row's item, when recording */
} DynamoScanState;

static void init_recording(DynamoScanState *s, EState *estate, Index scanrelid);

/* Name table, column and key of the item being converted. */
static void
conversion_error_callback(void *arg)
{
	DynamoScanState *s = (DynamoScanState *) arg;
	StringInfoData key;
	ListCell   *lc;

	if (s->current_item == NULL)
		return;
	initStringInfo(&key);
	foreach(lc, s->key_attrs)
	{
		const DynamoValue *av = dynamo_value_member(s->current_item, strVal(lfirst(lc)));

		if (av)
			appendStringInfo(&key, "%s%s=%s", key.len ? ", " : "",
							 strVal(lfirst(lc)), dynamo_value_display(av));
	}
	if (s->reader->current_column)
		errcontext("column \"%s\" of foreign table \"%s\", item with key (%s)",
				   s->reader->current_column, s->rel->relname, key.data);
	else
		errcontext("foreign table \"%s\", item with key (%s)",
				   s->rel->relname, key.data);
}

void
dynamoBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *fs = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	DynamoScanState *s = palloc0(sizeof(DynamoScanState));
	List	   *priv = fs->fdw_private;
	Oid			relid;
	UserMapping *user;
	Oid			userid;
	int			nvalues;
	ListCell   *lc;
	int			i;

	node->fdw_state = s;

	/* What the plan says, for EXPLAIN as for execution. */
	s->op = intVal(list_nth(priv, ScanPrivateOperation));
	s->table = strVal(list_nth(priv, ScanPrivateTable));
	s->index = strVal(list_nth(priv, ScanPrivateIndex));
	s->keycond = strVal(list_nth(priv, ScanPrivateKeyCondition));
	s->filter = strVal(list_nth(priv, ScanPrivateFilter));
	s->projection = strVal(list_nth(priv, ScanPrivateProjection));
	s->names = list_nth(priv, ScanPrivateNames);
	nvalues = intVal(list_nth(priv, ScanPrivateNumValues));
	s->nvalues = nvalues;
	s->key_attrs = list_nth(priv, ScanPrivateKeyAttrs);
	s->nkeys = intVal(list_nth(priv, ScanPrivateNumKeys));
	s->retrieved = list_nth(priv, ScanPrivateRetrievedAttrs);
	s->consistent = intVal(list_nth(priv, ScanPrivateConsistentRead));
	s->segments = intVal(list_nth(priv, ScanPrivateSegments));
	s->value_display = list_nth(priv, ScanPrivateValueDisplay);
	s->limit = intVal(list_nth(priv, ScanPrivateLimit));
	s->order = intVal(list_nth(priv, ScanPrivateOrder));
	s->sort_attr = strVal(list_nth(priv, ScanPrivateSortAttr));
	s->count_names = intVal(list_nth(priv, ScanPrivateCountOnly));
	s->read_all = intVal(list_nth(priv, ScanPrivateReadAll)) != 0;
	if (fs->scan.plan.parallel_aware)
	{
		/* the segments are shared out among the participants */
		s->parallel_segments = s->segments;
		s->segments = 1;
	}
	s->cur_segment = -1;
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	{
		/*
		 * As postgres_fdw: the view owner's mapping for a view's query.  A
		 * COUNT(*) scan has no scan relation of its own: it counts the one
		 * foreign table below it.
		 */
		Index		rtindex = fs->scan.scanrelid ? fs->scan.scanrelid :
			(Index) bms_next_member(fs->fs_relids, -1);
		RangeTblEntry *rte = exec_rt_fetch(rtindex, estate);

		relid = rte->relid;
		userid = dynamo_scan_check_as_user(fs, estate, rte);
		if (!OidIsValid(userid))
			userid = GetUserId();
	}
	s->rel = dynamo_get_relation(relid);
	user = GetUserMapping(userid, s->rel->server->serverid);
	s->conn = dynamo_connect(s->rel->server, user);

	i = 0;
	foreach(lc, fs->fdw_exprs)
	{
		Expr	   *e = lfirst(lc);
		ExprState  *es = ExecInitExpr(e, (PlanState *) node);

		if (i++ < nvalues)
		{
			s->value_states = lappend(s->value_states, es);
			s->value_types = lappend_oid(s->value_types, exprType((Node *) e));
		}
		else
		{
			s->key_states = lappend(s->key_states, es);
			s->key_types = lappend_oid(s->key_types, exprType((Node *) e));
		}
	}

	s->reader = dynamo_row_reader_create(list_length(s->retrieved));
	foreach(lc, s->retrieved)
	{
		const DynamoColumn *col = &s->rel->columns[lfirst_int(lc) - 1];

		/* a table's row has its columns; a COUNT(*) row has them at the end */
		int			pos = col->attnum - 1;

		if (fs->scan.scanrelid == 0)
		{
			ListCell   *tc;

			foreach(tc, fs->fdw_scan_tlist)
			{
				TargetEntry *te = lfirst(tc);

				if (IsA(te->expr, Var) && ((Var *) te->expr)->varattno == col->attnum)
					pos = te->resno - 1;
			}
		}
		dynamo_row_reader_add(s->reader, col, pos);
	}

	s->recheck = ExecInitQual(fs->fdw_recheck_quals, (PlanState *) node);

	if (fs->fsSystemCol && fs->scan.scanrelid > 0 && s->count_names < 0)
		init_recording(s, estate, fs->scan.scanrelid);

	s->page_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw page",
										ALLOCSET_DEFAULT_SIZES);
	/* a row's values mostly fit the first 8 kB block, kept across resets */
	s->row_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw row",
									   ALLOCSET_DEFAULT_SIZES);
	s->sorted_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw sorted",
										  ALLOCSET_DEFAULT_SIZES);
}

/*
 * This scan's rows may be written or locked: record what each read (see
 * readset.c).  The key attributes are asked for too, whatever the columns
 * need, so that each record names its item.
 */
static void
init_recording(DynamoScanState *s, EState *estate, Index scanrelid)
{
	const DynamoTable *meta = s->rel->meta;
	const char *keys[2] = {meta->partition_key, meta->sort_key};
	ListCell   *lc;
	int			i;

	s->record = true;
	s->keep_tuple = ExecFindRowMark(estate, scanrelid, true) != NULL;
	s->read_attrs = palloc(sizeof(char *) * Max(list_length(s->retrieved), 1));
	foreach(lc, s->retrieved)
	{
		const DynamoColumn *col = &s->rel->columns[lfirst_int(lc) - 1];

		if (col->document)
			s->read_whole = true;
		else
			s->read_attrs[s->nread_attrs++] = col->attr;
	}
	if (s->projection[0] == '\0')
		return;					/* every attribute comes */
	for (i = 0; i < 2 && keys[i]; i++)
	{
		int			j;

		for (j = 0; j < s->nread_attrs; j++)
			if (strcmp(s->read_attrs[j], keys[i]) == 0)
				break;
		if (j < s->nread_attrs)
			continue;			/* a column reads it already */
		s->names = lappend(list_copy(s->names), makeString(pstrdup(keys[i])));
		s->projection = psprintf("%s, #n%d", s->projection, list_length(s->names) - 1);
	}
}

/*
 * Record the row just read from S->row_json and make SLOT's ctid its
 * handle.
 */
static void
record_row(ForeignScanState *node, DynamoScanState *s, TupleTableSlot *slot)
{
	MemoryContext cxt = node->ss.ps.state->es_query_cxt;
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	const DynamoTable *meta = s->rel->meta;
	DynamoReadRow *row = palloc0(sizeof(DynamoReadRow));
	json_c_object *key = json_object_new_object();
	const char *keys[2] = {meta->partition_key, meta->sort_key};
	int			i;

	dynamo_json_own(key);
	for (i = 0; i < 2 && keys[i]; i++)
	{
		json_c_object *v;

		if (json_object_object_get_ex(s->row_json, keys[i], &v))
			json_object_object_add(key, keys[i], json_object_get(v));
	}
	row->serverid = s->rel->server->serverid;
	row->table = s->table;
	row->key = key;
	row->expect = dynamo_readset_expect(s->row_json, meta->partition_key, meta->sort_key,
										s->read_attrs, s->nread_attrs, s->read_whole);
	if (s->keep_tuple)
		row->tuple = ExecCopySlotHeapTuple(slot);
	dynamo_readset_add(cxt, row, &slot->tts_tid);
	MemoryContextSwitchTo(oldcxt);
}

/* Evaluate an ExprState of the plan; *isnull set as usual. */
static Datum
eval_value(ForeignScanState *node, ExprState *es, bool *isnull)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;

	return ExecEvalExpr(es, econtext, isnull);
}

/* Is AV an empty string or binary (never a valid key value)? */
static bool
is_empty_key_value(json_c_object *av)
{
	json_c_object *v;

	if ((json_object_object_get_ex(av, "S", &v) ||
		 json_object_object_get_ex(av, "B", &v)) &&
		json_object_get_string_len(v) == 0)
		return true;
	return false;
}

/* Forget the next page's request if it was sent ahead. */
static void
drop_ahead(DynamoScanState *s)
{
	if (s->ahead)
		dynamo_call_ahead_drop(s->ahead);
	s->ahead = 0;
	s->ahead_key = NULL;
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

	if ((s->op != DYNAMO_OP_SCAN && s->op != DYNAMO_OP_QUERY) ||
		(s->index && s->index[0]) ||
		meta == NULL || meta->item_count < 1 || meta->table_bytes < 1)
		return 0;
	per_page = (1024.0 * 1024.0) / (meta->table_bytes / meta->item_count);
	return (int) Min(2.0 * per_page + 1, 1000000.0);
}

/*
 * Evaluate the values and keys, and prepare the first request.  Runs in the
 * scan's query context at the start and at each rescan.  Sets exhausted
 * when no row can match (a NULL compared value, an empty key).
 */
static void
start_scan(ForeignScanState *node, DynamoScanState *s)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(node->ss.ps.state->es_query_cxt);
	ListCell   *lc;
	ListCell   *tc;
	int			i;

	drop_ahead(s);
	MemoryContextReset(s->page_cxt);
	MemoryContextReset(s->sorted_cxt);
	s->sorted = NULL;
	s->next_sorted = 0;
	s->items = NULL;
	s->page = NULL;
	s->next_item = 0;
	s->pages_read = 0;
	s->start_key = NULL;
	s->exhausted = false;
	s->unprocessed = NULL;
	s->key_pos = 0;
	s->started = true;
	s->dynamo_done = false;
	s->cur_segment = -1;
	s->txn_view = dynamo_txn_view(s->rel->server->serverid, s->table, s->key_attrs);

	if (s->request)
		json_object_put(s->request);
	s->request = NULL;
	if (s->segments > 1)
	{
		s->seg_start = palloc0(sizeof(char *) * s->segments);
		s->seg_done = palloc0(sizeof(bool) * s->segments);
	}

	if (s->op == DYNAMO_OP_GET_ITEM || s->op == DYNAMO_OP_BATCH_GET_ITEM)
	{
		int			per_key = list_length(s->key_attrs);
		int			n = 0;

		if (s->keys)
		{
			for (i = 0; i < s->nkeys_left; i++)
				json_object_put(s->keys[i]);
			pfree(s->keys);
		}
		s->keys = palloc0(sizeof(json_c_object *) * Max(s->nkeys, 1));
		for (i = 0; i < s->nkeys; i++)
		{
			json_c_object *key = json_object_new_object();
			bool		skip = false;
			int			j;

			for (j = 0; j < per_key; j++)
			{
				int			k = i * per_key + j;
				bool		isnull;
				Datum		d = eval_value(node, list_nth(s->key_states, k), &isnull);
				json_c_object *av;

				if (isnull)
				{
					skip = true;
					break;
				}
				if (!dynamo_value_storable(d, list_nth_oid(s->key_types, k)))
				{
					skip = true;	/* no item has such a key */
					break;
				}
				av = dynamo_datum_to_av(d, list_nth_oid(s->key_types, k));
				if (av == NULL || is_empty_key_value(av))
				{
					json_object_put(av);
					skip = true;
					break;
				}
				json_object_object_add(key, strVal(list_nth(s->key_attrs, j)), av);
			}
			/* keys that cannot exist, and repeats, are not asked for */
			for (j = 0; !skip && j < n; j++)
				if (json_object_equal(s->keys[j], key))
					skip = true;
			if (skip)
				json_object_put(key);
			else
				s->keys[n++] = key;
		}
		s->nkeys_left = n;
		if (n == 0)
			s->exhausted = true;
		MemoryContextSwitchTo(oldcxt);
		return;
	}

	/* Query and Scan: one request, sent again page by page. */
	s->request = json_object_new_object();
	json_object_object_add(s->request, "TableName", json_object_new_string(s->table));
	if (s->index && s->index[0])
		json_object_object_add(s->request, "IndexName", json_object_new_string(s->index));
	if (s->keycond[0])
		json_object_object_add(s->request, "KeyConditionExpression",
							   json_object_new_string(s->keycond));
	if (s->filter[0])
		json_object_object_add(s->request, "FilterExpression",
							   json_object_new_string(s->filter));
	/*
	 * COUNT(*) asks DynamoDB for the count alone, unless this transaction
	 * has buffered writes to the table: then its items are read and counted
	 * here, seen through those writes.
	 */
	s->counted = 0;
	s->count_done = false;
	if (s->count_names >= 0 && s->txn_view == NULL)
		json_object_object_add(s->request, "Select", json_object_new_string("COUNT"));
	else if (s->projection[0])
		json_object_object_add(s->request, "ProjectionExpression",
							   json_object_new_string(s->projection));
	if (s->names)
	{
		json_c_object *names = json_object_new_object();
		int			nnames = list_length(s->names);

		if (s->count_names >= 0 && s->txn_view == NULL)
			nnames = s->count_names;	/* the projection's are unused */
		i = 0;
		foreach(lc, s->names)
		{
			if (i >= nnames)
				break;
			json_object_object_add(names, psprintf("#n%d", i++),
								   json_object_new_string(strVal(lfirst(lc))));
		}
		if (nnames > 0)
			json_object_object_add(s->request, "ExpressionAttributeNames", names);
		else
			json_object_put(names);
	}
	if (s->value_states)
	{
		json_c_object *values = json_object_new_object();

		i = 0;
		forboth(lc, s->value_states, tc, s->value_types)
		{
			bool		isnull;
			Datum		d = eval_value(node, lfirst(lc), &isnull);
			json_c_object *av;

			/* conditions are ANDed at the top: a NULL value matches nothing */
			/* ... as does a number no item can hold (only = takes one) */
			if (isnull || !dynamo_value_storable(d, lfirst_oid(tc)) ||
				(av = dynamo_datum_to_av(d, lfirst_oid(tc))) == NULL)
			{
				s->exhausted = true;
				break;
			}
			/* a Query's partition key (:v0) is never empty: no item has it */
			if (i == 0 && s->op == DYNAMO_OP_QUERY && is_empty_key_value(av))
			{
				json_object_put(av);
				s->exhausted = true;
				break;
			}
			json_object_object_add(values, psprintf(":v%d", i++), av);
		}
		json_object_object_add(s->request, "ExpressionAttributeValues", values);
	}
	if (s->consistent)
		json_object_object_add(s->request, "ConsistentRead", json_object_new_boolean(1));
	if (s->limit > 0)
		json_object_object_add(s->request, "Limit", json_object_new_int(s->limit));
	else if (page_items_hint(s) > 0)
		json_object_object_add(s->request, "Limit",
							   json_object_new_int(page_items_hint(s)));
	if (s->order < 0)
		json_object_object_add(s->request, "ScanIndexForward", json_object_new_boolean(0));
	json_object_object_add(s->request, "ReturnConsumedCapacity",
						   json_object_new_string("TOTAL"));
	MemoryContextSwitchTo(oldcxt);
}

/*
 * MEMBER of a DynamoDB answer, which must be a JSON array: the answer comes
 * from whatever listens on the endpoint, and json-c aborts the process on
 * an array operation on anything else.
 */
static json_c_object *
answer_array(json_c_object *v, const char *member, const char *operation)
{
	if (!json_object_is_type(v, json_type_array))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("malformed DynamoDB %s response", operation),
				 errdetail("Its \"%s\" member is not an array.", member)));
	return v;
}

/* The capacity units a response says it consumed. */
double
dynamo_response_capacity(json_c_object *resp)
{
	json_c_object *cc,
			   *units;
	double		total = 0;

	if (!json_object_object_get_ex(resp, "ConsumedCapacity", &cc))
		return 0;
	if (json_object_is_type(cc, json_type_array))
	{
		size_t		i;

		for (i = 0; i < json_object_array_length(cc); i++)
			if (json_object_object_get_ex(json_object_array_get_idx(cc, i),
										  "CapacityUnits", &units))
				total += json_object_get_double(units);
	}
	else if (json_object_object_get_ex(cc, "CapacityUnits", &units))
		total += json_object_get_double(units);
	return total;
}

static void
add_capacity(DynamoScanState *s, json_c_object *resp)
{
	s->capacity += dynamo_response_capacity(resp);
}

/*
 * One BatchGetItem request reading SPEC ({"Keys": [...]} with, optionally,
 * ConsistentRead, ProjectionExpression and ExpressionAttributeNames) from
 * TABLE.  Returns the items DynamoDB sent (NULL: none) and sets
 * *unprocessed to the keys it left for a later request (a spec of the same
 * form; NULL: none); both are part of the response, which belongs to the
 * current memory context.  SPEC is not consumed.  Adds the capacity used to
 * *capacity.  When keys were left, pauses as the AWS SDKs do before the
 * caller asks again.  Shared by key list scans and the batched key join.
 *
 * An answer that leaves every key unprocessed is DynamoDB throttling: the
 * request is sent again here, with backoff as after a throttling error, and
 * after the server's max_attempts such answers the error is throttling's.
 */
json_c_object *
dynamo_batch_get(DynamoConn *conn, const char *table, json_c_object *spec,
				 json_c_object **unprocessed, double *capacity)
{
	json_c_object *keys;
	size_t		asked = 0;
	int			stalls = 0;

	if (json_object_object_get_ex(spec, "Keys", &keys))
		asked = json_object_array_length(keys);
	for (;;)
	{
		json_c_object *req = json_object_new_object();
		json_c_object *ritems = json_object_new_object();
		json_c_object *resp;
		json_c_object *v;
		json_c_object *tab;
		json_c_object *items = NULL;

		dynamo_json_own(req);
		json_object_object_add(ritems, table, json_object_get(spec));
		json_object_object_add(req, "RequestItems", ritems);
		json_object_object_add(req, "ReturnConsumedCapacity",
							   json_object_new_string("TOTAL"));
		resp = dynamo_call(conn, "BatchGetItem", req, NULL);
		*capacity += dynamo_response_capacity(resp);
		if (json_object_object_get_ex(resp, "Responses", &v) &&
			json_object_object_get_ex(v, table, &tab))
			items = answer_array(tab, "Responses", "BatchGetItem");
		*unprocessed = NULL;
		if (json_object_object_get_ex(resp, "UnprocessedKeys", &v) &&
			json_object_object_get_ex(v, table, &tab))
		{
			if (asked > 0 && json_object_object_get_ex(tab, "Keys", &keys) &&
				json_object_array_length(answer_array(keys, "UnprocessedKeys",
													  "BatchGetItem")) >= asked)
			{
				if (++stalls >= conn->opts->max_attempts)
					ereport(ERROR,
							(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
							 errmsg("DynamoDB throttled the BatchGetItem request after %d attempts",
									stalls),
							 errdetail("DynamoDB returned all %zu keys of the request unprocessed each time.",
									   asked),
							 errhint("Raise the table's read capacity, or the server option \"max_attempts\".")));
				dynamo_retry_pause(stalls - 1, true);
				continue;
			}
			*unprocessed = tab;
			/* a pause, as the SDKs do, before asking again */
			pg_usleep(50000L);
		}
		return items;
	}
}

static void
add_projection(DynamoScanState *s, json_c_object *req)
{
	ListCell   *lc;
	int			i = 0;

	if (!s->projection[0])
		return;
	json_object_object_add(req, "ProjectionExpression",
						   json_object_new_string(s->projection));
	if (s->names)
	{
		json_c_object *names = json_object_new_object();

		foreach(lc, s->names)
			json_object_object_add(names, psprintf("#n%d", i++),
								   json_object_new_string(strVal(lfirst(lc))));
		json_object_object_add(req, "ExpressionAttributeNames", names);
	}
}

/*
 * A parallel Scan: the next page of every unfinished segment, requested
 * together (DYNAMO_HTTP_MAX_PARALLEL at a time), their items merged into
 * s->items.  Runs in the page context.
 */
static void
fetch_segments(DynamoScanState *s)
{
	json_c_object *requests[DYNAMO_HTTP_MAX_PARALLEL];
	json_c_object *results[DYNAMO_HTTP_MAX_PARALLEL];
	int			segs[DYNAMO_HTTP_MAX_PARALLEL];
	int			n = 0;
	int			i;

	for (i = 0; i < s->segments && n < DYNAMO_HTTP_MAX_PARALLEL; i++)
	{
		json_c_object *req = NULL;

		if (s->seg_done[i])
			continue;
		if (json_object_deep_copy(s->request, &req, NULL) != 0)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		dynamo_json_own(req);
		json_object_object_add(req, "Segment", json_object_new_int(i));
		json_object_object_add(req, "TotalSegments", json_object_new_int(s->segments));
		if (s->seg_start[i])
		{
			json_c_object *k = dynamo_json_parse(s->seg_start[i], strlen(s->seg_start[i]));

			json_object_object_add(req, "ExclusiveStartKey", json_object_get(k));
		}
		segs[n] = i;
		requests[n++] = req;
	}
	if (n == 0)
	{
		s->exhausted = true;
		return;
	}

	dynamo_call_many(s->conn, "Scan", requests, n, results);

	s->items = json_object_new_array();
	dynamo_json_own(s->items);
	for (i = 0; i < n; i++)
	{
		json_c_object *v;
		int			seg = segs[i];
		MemoryContext oldcxt;

		s->requests++;
		s->pages++;
		add_capacity(s, results[i]);
		if (json_object_object_get_ex(results[i], "ScannedCount", &v))
			s->scanned += json_object_get_int64(v);
		if (json_object_object_get_ex(results[i], "Count", &v))
			s->counted += json_object_get_int64(v);
		if (json_object_object_get_ex(results[i], "Items", &v))
		{
			size_t		j;

			for (j = 0; j < json_object_array_length(answer_array(v, "Items", "Scan")); j++)
				json_object_array_add(s->items,
									  json_object_get(json_object_array_get_idx(v, j)));
		}
		/* each segment's next start outlives the page */
		oldcxt = MemoryContextSwitchTo(GetMemoryChunkContext(s));
		if (s->seg_start[seg])
			pfree(s->seg_start[seg]);
		s->seg_start[seg] = NULL;
		if (json_object_object_get_ex(results[i], "LastEvaluatedKey", &v))
			s->seg_start[seg] = pstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		else
			s->seg_done[seg] = true;
		MemoryContextSwitchTo(oldcxt);
	}
}

/* The operation of a scan that reads pages. */
static const char *
page_operation(DynamoScanState *s)
{
	return s->op == DYNAMO_OP_QUERY ? "Query" : "Scan";
}

/*
 * Send REQUEST, starting at START, for the next page, ahead of need; KEY
 * is START's text when START is only a guess.
 */
static void
request_ahead(DynamoScanState *s, json_c_object *request, json_c_object *start,
			  char *key)
{
	json_object_object_add(request, "ExclusiveStartKey", json_object_get(start));
	s->ahead = dynamo_call_ahead(s->conn, page_operation(s), request);
	s->ahead_key = key;
}

/*
 * Ask for the page after the current one now, unless there is none or the
 * LIMIT was pushed down (the pages asked for are then all that is wanted).
 */
static void
send_ahead(DynamoScanState *s)
{
	if (s->exhausted || s->limit > 0 || s->ahead || s->start_key == NULL)
		return;
	request_ahead(s, s->request, dynamo_json_parse(s->start_key, strlen(s->start_key)),
				  NULL);
}

/*
 * DynamoPagePeek of a scan: a page has arrived intact (a page after the
 * first, or the first of a scan expected to read every row).  Parsing it
 * takes a few milliseconds for a megabyte, during which DynamoDB would sit
 * idle; so guess the page's LastEvaluatedKey from its text and ask for the
 * next page at once.  fetch_page compares the guess with the parsed key
 * and drops the request if they differ.
 */
static void
request_next_early(const char *body, int len, void *arg)
{
	DynamoScanState *s = (DynamoScanState *) arg;
	json_c_object *start;
	json_c_object *next = NULL;

	if (s->limit > 0 || (s->pages_read < 1 && !s->read_all))
		return;
	start = dynamo_page_guess_next_key(body, len);
	if (start == NULL)
		return;
	/* s->request stays as it is: a retry of this page sends it again */
	if (json_object_deep_copy(s->request, &next, NULL) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	dynamo_json_own(next);
	request_ahead(s, next, start,
				  pstrdup(json_object_to_json_string_ext(start, JSON_C_TO_STRING_PLAIN)));
}

/*
 * A parallel Scan: claim the next segment nobody has read, and make the
 * request read it from its start.  False when all are claimed (or, with
 * writes to lay over, in a worker: the leader reads them all).
 */
static bool
claim_segment(DynamoScanState *s)
{
	uint32		seg;

	if (s->pscan->leader_only && IsParallelWorker())
		return false;
	seg = pg_atomic_fetch_add_u32(&s->pscan->next_segment, 1);
	if (seg >= (uint32) s->parallel_segments)
		return false;
	s->cur_segment = (int) seg;
	json_object_object_add(s->request, "Segment", json_object_new_int((int) seg));
	json_object_object_add(s->request, "TotalSegments",
						   json_object_new_int(s->parallel_segments));
	if (s->start_key)
		pfree(s->start_key);
	s->start_key = NULL;
	return true;
}

/* Add a page's counts to a parallel Scan's shared totals. */
static void
share_counts(DynamoScanState *s, json_c_object *resp)
{
	json_c_object *v;

	pg_atomic_fetch_add_u64(&s->pscan->requests, 1);
	pg_atomic_fetch_add_u64(&s->pscan->pages, 1);
	if (json_object_object_get_ex(resp, "ScannedCount", &v))
		pg_atomic_fetch_add_u64(&s->pscan->scanned, json_object_get_int64(v));
	pg_atomic_fetch_add_u64(&s->pscan->capacity_milli,
							(uint64) (dynamo_response_capacity(resp) * 1000.0 + 0.5));
}

/*
 * Fetch the next page into s->items (in a fresh page context).  Returns
 * false when there is nothing more to read.
 */
static bool
fetch_page(DynamoScanState *s)
{
	MemoryContext oldcxt;
	json_c_object *resp;
	json_c_object *v;

	if (s->exhausted)
		return false;

	MemoryContextReset(s->page_cxt);
	oldcxt = MemoryContextSwitchTo(s->page_cxt);
	s->items = NULL;
	s->page = NULL;
	s->next_item = 0;

	switch (s->op)
	{
		case DYNAMO_OP_GET_ITEM:
			{
				json_c_object *req = json_object_new_object();

				dynamo_json_own(req);
				json_object_object_add(req, "TableName", json_object_new_string(s->table));
				json_object_object_add(req, "Key", json_object_get(s->keys[0]));
				if (s->consistent)
					json_object_object_add(req, "ConsistentRead", json_object_new_boolean(1));
				json_object_object_add(req, "ReturnConsumedCapacity",
									   json_object_new_string("TOTAL"));
				add_projection(s, req);
				resp = dynamo_call(s->conn, "GetItem", req, NULL);
				s->requests++;
				s->pages++;
				add_capacity(s, resp);
				s->items = json_object_new_array();
				dynamo_json_own(s->items);
				if (json_object_object_get_ex(resp, "Item", &v))
				{
					json_object_array_add(s->items, json_object_get(v));
					s->scanned++;
				}
				s->exhausted = true;
				break;
			}
		case DYNAMO_OP_BATCH_GET_ITEM:
			{
				json_c_object *spec;
				json_c_object *unp;
				int			n;

				if (s->unprocessed)
				{
					/*
					 * DynamoDB's leftovers first, as it asked.  The scan's
					 * context keeps its own reference until the scan ends.
					 */
					spec = s->unprocessed;
					s->unprocessed = NULL;
				}
				else
				{
					json_c_object *keys = json_object_new_array();

					spec = json_object_new_object();
					dynamo_json_own(spec);
					for (n = 0; n < DYNAMO_MAX_BATCH_GET_KEYS && s->key_pos < s->nkeys_left; n++)
						json_object_array_add(keys, json_object_get(s->keys[s->key_pos++]));
					json_object_object_add(spec, "Keys", keys);
					if (s->consistent)
						json_object_object_add(spec, "ConsistentRead", json_object_new_boolean(1));
					add_projection(s, spec);
				}
				s->items = dynamo_batch_get(s->conn, s->table, spec, &unp, &s->capacity);
				s->requests++;
				s->pages++;
				if (unp)
				{
					/* keep it beyond this page's context */
					MemoryContextSwitchTo(GetMemoryChunkContext(s));
					s->unprocessed = json_object_get(unp);
					dynamo_json_own(s->unprocessed);
					MemoryContextSwitchTo(s->page_cxt);
				}
				if (s->unprocessed == NULL && s->key_pos >= s->nkeys_left)
					s->exhausted = true;
				if (s->items)
					s->scanned += json_object_array_length(s->items);
				break;
			}
		case DYNAMO_OP_SCAN:
			if (s->pscan && s->cur_segment < 0 && !claim_segment(s))
			{
				s->exhausted = true;
				MemoryContextSwitchTo(oldcxt);
				return false;
			}
			if (s->segments > 1)
			{
				fetch_segments(s);
				break;
			}
			/* FALLTHROUGH */
		case DYNAMO_OP_QUERY:
			{
				json_c_object *lek;
				DynamoPage *page;
				DynamoPagePeek peek;
				uint64		seq;

				if (s->start_key)
				{
					json_c_object *k = dynamo_json_parse(s->start_key, strlen(s->start_key));

					json_object_object_add(s->request, "ExclusiveStartKey", json_object_get(k));
				}
				else
					json_object_object_del(s->request, "ExclusiveStartKey");
				/* items are parsed one by one as the scan reaches them */
				peek.peek = request_next_early;
				peek.arg = s;
				seq = s->ahead;
				s->ahead = 0;
				if (seq)
					page = dynamo_call_ahead_finish(seq, s->conn, page_operation(s),
													s->request, dynamo_page_parse, &peek);
				else
					page = dynamo_call_parsed(s->conn, page_operation(s),
											  s->request, NULL, dynamo_page_parse, &peek);
				resp = page->rest;
				s->requests++;
				s->pages++;
				add_capacity(s, resp);
				if (json_object_object_get_ex(resp, "ScannedCount", &v))
					s->scanned += json_object_get_int64(v);
				if (s->pscan)
					share_counts(s, resp);
				if (json_object_object_get_ex(resp, "Count", &v))
					s->counted += json_object_get_int64(v);
				s->page = page;

				/* Where the next page starts (kept across the page reset). */
				MemoryContextSwitchTo(GetMemoryChunkContext(s));
				if (s->start_key)
					pfree(s->start_key);
				s->start_key = NULL;
				if (json_object_object_get_ex(resp, "LastEvaluatedKey", &lek))
					s->start_key = pstrdup(json_object_to_json_string_ext(lek, JSON_C_TO_STRING_PLAIN));
				else if (s->pscan)
					s->cur_segment = -1;	/* the segment is done: claim another */
				else
					s->exhausted = true;
				MemoryContextSwitchTo(s->page_cxt);

				/* a next page asked for early, from a wrong guess: forget it */
				if (s->ahead && (s->ahead_key == NULL || s->start_key == NULL ||
								 strcmp(s->ahead_key, s->start_key) != 0))
				{
					drop_ahead(s);
					s->requests++;	/* it went out all the same */
				}

				/*
				 * A scan that has read a whole page and wants the next one
				 * most likely wants them all: ask for the page after this
				 * one now (if that was not done early), so that DynamoDB
				 * prepares it while this one becomes rows.  So does a scan
				 * the planner expects to read every row.  Otherwise the
				 * first page waits until half of it is read (see
				 * next_dynamo_item).
				 */
				if (++s->pages_read >= 2 || s->read_all)
					send_ahead(s);
				break;
			}
	}

	MemoryContextSwitchTo(oldcxt);
	return true;
}

/* Fill SLOT from ITEM. */
static void
store_item(DynamoScanState *s, TupleTableSlot *slot, const DynamoValue *item)
{
	ErrorContextCallback errcb;

	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);

	s->current_item = item;
	errcb.callback = conversion_error_callback;
	errcb.arg = s;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	dynamo_row_read(s->reader, item, slot->tts_values, slot->tts_isnull);

	error_context_stack = errcb.previous;
	s->current_item = NULL;
	ExecStoreVirtualTuple(slot);
}

/*
 * Does a row that came from the write buffer meet the pushed conditions?
 * DynamoDB checked them for its own rows; nobody did for these.
 */
static bool
recheck_buffered(ForeignScanState *node, DynamoScanState *s, TupleTableSlot *slot)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;

	econtext->ecxt_scantuple = slot;
	return ExecQual(s->recheck, econtext);
}

/*
 * Make the next of DynamoDB's items current (s->next_item indexes it),
 * reading the next page when this one is done; false after the last.
 */
static bool
next_dynamo_item(DynamoScanState *s)
{
	for (;;)
	{
		if ((s->page && s->next_item < (size_t) s->page->nitems) ||
			(s->items && s->next_item < json_object_array_length(s->items)))
		{
			if (s->page && s->ahead == 0 && s->pages_read == 1 &&
				s->next_item == (size_t) s->page->nitems / 2)
			{
				/*
				 * Half the first page is read and the scan goes on: it most
				 * likely wants every page, so ask for the second one now.
				 * (Right away, a LIMIT the executor applies could waste a
				 * whole page's read; a scan the planner expects to read
				 * every row asked when the first page arrived.)
				 */
				MemoryContext oldcxt = MemoryContextSwitchTo(s->page_cxt);

				send_ahead(s);
				MemoryContextSwitchTo(oldcxt);
			}
			/* meanwhile, read what has come of the next page */
			if (s->ahead && (s->next_item & 63) == 0)
				dynamo_http_pump_ahead();
			return true;
		}
		if (!s->dynamo_done)
		{
			MemoryContext oldcxt;
			bool		more;

			CHECK_FOR_INTERRUPTS();
			oldcxt = MemoryContextSwitchTo(GetMemoryChunkContext(s));
			more = fetch_page(s);
			MemoryContextSwitchTo(oldcxt);
			if (more)
				continue;
			s->dynamo_done = true;
		}
		return false;
	}
}

/*
 * With buffered writes to the table, the next item to return as json-c's
 * tree, in the row context: DynamoDB's items seen through this
 * transaction's buffered writes, then the buffered items DynamoDB did not
 * return.  *buffered is set when the item is not exactly what DynamoDB
 * sent.  NULL at the end.
 */
static json_c_object *
next_item_unordered(DynamoScanState *s, bool *buffered)
{
	Assert(s->txn_view != NULL);
	for (;;)
	{
		*buffered = false;
		if (next_dynamo_item(s))
		{
			json_c_object *item;
			json_c_object *seen;

			/* a page's item is parsed now, into the row context */
			if (s->page)
				item = dynamo_page_item(s->page, s->next_item++);
			else
				item = json_object_array_get_idx(s->items, s->next_item++);

			seen = dynamo_txn_overlay(s->txn_view, item);
			if (seen == NULL)
				continue;		/* deleted in this transaction */
			*buffered = seen != item;
			return seen;
		}
		*buffered = true;
		return dynamo_txn_next_unseen(s->txn_view);
	}
}

/* Order two sort key values as DynamoDB does: bytes for S and B, numbers for N. */
static int
compare_key_values(json_c_object *a, json_c_object *b)
{
	json_c_object *va,
			   *vb;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	if (json_object_object_get_ex(a, "N", &va) && json_object_object_get_ex(b, "N", &vb))
	{
		Datum		na = DirectFunctionCall3(numeric_in, CStringGetDatum(json_object_get_string(va)),
											 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		Datum		nb = DirectFunctionCall3(numeric_in, CStringGetDatum(json_object_get_string(vb)),
											 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));

		return DatumGetInt32(DirectFunctionCall2(numeric_cmp, na, nb));
	}
	if (json_object_object_get_ex(a, "B", &va) && json_object_object_get_ex(b, "B", &vb))
	{
		bytea	   *ba = DatumGetByteaPP(dynamo_av_to_datum_binary(va));
		bytea	   *bb = DatumGetByteaPP(dynamo_av_to_datum_binary(vb));
		int			la = VARSIZE_ANY_EXHDR(ba),
					lb = VARSIZE_ANY_EXHDR(bb);
		int			c = memcmp(VARDATA_ANY(ba), VARDATA_ANY(bb), Min(la, lb));

		return c != 0 ? c : (la > lb) - (la < lb);
	}
	if (json_object_object_get_ex(a, "S", &va) && json_object_object_get_ex(b, "S", &vb))
		return strcmp(json_object_get_string(va), json_object_get_string(vb));
	return 0;
}

static const char *qsort_sort_attr;

static int
compare_items(const void *a, const void *b)
{
	json_c_object *ia = *(json_c_object *const *) a;
	json_c_object *ib = *(json_c_object *const *) b;
	json_c_object *va = NULL,
			   *vb = NULL;

	json_object_object_get_ex(ia, qsort_sort_attr, &va);
	json_object_object_get_ex(ib, qsort_sort_attr, &vb);
	return compare_key_values(va, vb);
}

/*
 * With buffered writes to the table, the next item (json-c's tree).  A scan
 * that promised sort key order gets DynamoDB's items in order, but the
 * buffered rows would come at the end (or with a changed sort key): then
 * read everything and sort it.
 */
static json_c_object *
next_item(DynamoScanState *s, bool *buffered)
{
	Assert(s->txn_view != NULL);
	if (s->order == 0)
		return next_item_unordered(s, buffered);

	if (s->sorted == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(s->sorted_cxt);
		json_c_object *item;
		bool		b;
		size_t		n;

		s->sorted = json_object_new_array();
		dynamo_json_own(s->sorted);
		MemoryContextSwitchTo(oldcxt);
		while ((item = next_item_unordered(s, &b)) != NULL)
		{
			json_c_object *copy = NULL;

			/* items die with their page: keep copies (rows are all rechecked) */
			if (json_object_deep_copy(item, &copy, NULL) != 0)
				ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
			json_object_array_add(s->sorted, copy);
		}
		n = json_object_array_length(s->sorted);
		if (n > 1)
		{
			/* ascending; a descending scan reads it backwards */
			qsort_sort_attr = s->sort_attr;
			json_object_array_sort(s->sorted, compare_items);
		}
		s->next_sorted = 0;
	}
	*buffered = true;
	if (s->next_sorted >= json_object_array_length(s->sorted))
		return NULL;
	if (s->order > 0)
		return json_object_array_get_idx(s->sorted, s->next_sorted++);
	return json_object_array_get_idx(s->sorted,
									 json_object_array_length(s->sorted) - 1 - s->next_sorted++);
}

/*
 * The next row's item as a tree, in the row context; NULL at the end.
 * Without buffered writes to lay over them, a page's items go straight
 * from its text to the tree (item.c); otherwise through json-c's, which
 * the write buffer works with.
 */
static const DynamoValue *
next_row_item(DynamoScanState *s, bool *buffered)
{
	json_c_object *item;

	if (s->txn_view == NULL)
	{
		*buffered = false;
		if (!next_dynamo_item(s))
			return NULL;
		if (s->page && !s->record)
			return dynamo_page_item_tree(s->page, s->next_item++);
		if (s->page)
			item = dynamo_page_item(s->page, s->next_item++);
		else
			item = json_object_array_get_idx(s->items, s->next_item++);
	}
	else
		item = next_item(s, buffered);
	/* a recorded row keeps json-c's tree: the write's condition is built from it */
	s->row_json = item;
	return item ? dynamo_value_from_json_c(item) : NULL;
}

/*
 * COUNT(*): DynamoDB's count, or with buffered writes to the table, the
 * items seen through them that meet the conditions.
 */
static uint64
count_items(ForeignScanState *node, DynamoScanState *s)
{
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	uint64		n = 0;

	if (s->txn_view == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(GetMemoryChunkContext(s));

		for (;;)
		{
			CHECK_FOR_INTERRUPTS();
			if (!fetch_page(s))
				break;
		}
		MemoryContextSwitchTo(oldcxt);
		return s->counted;
	}
	for (;;)
	{
		json_c_object *item;
		MemoryContext oldcxt;
		bool		buffered;

		MemoryContextReset(s->row_cxt);
		oldcxt = MemoryContextSwitchTo(s->row_cxt);
		item = next_item(s, &buffered);
		if (item == NULL)
		{
			MemoryContextSwitchTo(oldcxt);
			break;
		}
		if (buffered)
			store_item(s, slot, dynamo_value_from_json_c(item));
		MemoryContextSwitchTo(oldcxt);
		if (buffered && !recheck_buffered(node, s, slot))
			continue;
		n++;
	}
	return n;
}

TupleTableSlot *
dynamoIterateForeignScan(ForeignScanState *node)
{
	DynamoScanState *s = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;

	if (!s->started)
		start_scan(node, s);

	if (s->count_names >= 0)
	{
		ForeignScan *fs = (ForeignScan *) node->ss.ps.plan;
		uint64		n;
		ListCell   *lc;

		if (s->count_done)
			return ExecClearTuple(slot);
		n = s->exhausted ? 0 : count_items(node, s);
		s->count_done = true;
		s->returned = n;
		ExecClearTuple(slot);
		memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
		foreach(lc, fs->fdw_scan_tlist)
		{
			TargetEntry *te = lfirst(lc);

			if (!te->resjunk)
			{
				slot->tts_values[te->resno - 1] = Int64GetDatum((int64) n);
				slot->tts_isnull[te->resno - 1] = false;
			}
		}
		return ExecStoreVirtualTuple(slot);
	}

	for (;;)
	{
		const DynamoValue *item;
		MemoryContext oldcxt;
		bool		buffered;

		/* values live until the next row: the row context is reset here */
		MemoryContextReset(s->row_cxt);
		oldcxt = MemoryContextSwitchTo(s->row_cxt);
		item = next_row_item(s, &buffered);
		if (item == NULL)
		{
			MemoryContextSwitchTo(oldcxt);
			return ExecClearTuple(slot);
		}
		store_item(s, slot, item);
		MemoryContextSwitchTo(oldcxt);
		if (buffered && !recheck_buffered(node, s, slot))
			continue;
		if (s->record)
			record_row(node, s, slot);
		s->returned++;
		return slot;
	}
}

void
dynamoReScanForeignScan(ForeignScanState *node)
{
	DynamoScanState *s = node->fdw_state;

	/* parameters may have changed: evaluate everything again */
	s->started = false;
	/* a scan started again (a join's inner side) may well stop early */
	s->read_all = false;
	s->items = NULL;
	s->page = NULL;
	drop_ahead(s);
}

void
dynamoEndForeignScan(ForeignScanState *node)
{
	DynamoScanState *s = node->fdw_state;
	int			i;

	if (s == NULL || s->rel == NULL)
		return;
	drop_ahead(s);
	if (s->request)
		json_object_put(s->request);
	s->request = NULL;
	for (i = 0; s->keys && i < s->nkeys_left; i++)
		json_object_put(s->keys[i]);
	s->keys = NULL;
	s->nkeys_left = 0;
}

/*
 * One page of a plain Scan of TABLE (no projection, no filter): segment
 * SEGMENT of TOTAL (TOTAL 1: the whole table), from START (LastEvaluatedKey
 * as JSON text; NULL: the beginning).  Each item goes to SINK; returns the
 * next page's start, or NULL after the last.  In the current context.
 */
char *
dynamo_scan_page(DynamoConn *conn, const char *table, int segment, int total,
				 const char *start, DynamoItemSink sink, void *arg)
{
	json_c_object *req = json_object_new_object();
	json_c_object *resp;
	json_c_object *items;
	json_c_object *lek;
	size_t		i;

	dynamo_json_own(req);
	json_object_object_add(req, "TableName", json_object_new_string(table));
	if (total > 1)
	{
		json_object_object_add(req, "Segment", json_object_new_int(segment));
		json_object_object_add(req, "TotalSegments", json_object_new_int(total));
	}
	if (start)
		json_object_object_add(req, "ExclusiveStartKey",
							   json_object_get(dynamo_json_parse(start, strlen(start))));
	resp = dynamo_call(conn, "Scan", req, NULL);
	if (json_object_object_get_ex(resp, "Items", &items))
	{
		answer_array(items, "Items", "Scan");
		for (i = 0; i < json_object_array_length(items); i++)
			sink(dynamo_value_from_json_c(json_object_array_get_idx(items, i)), arg);
	}
	if (!json_object_object_get_ex(resp, "LastEvaluatedKey", &lek))
		return NULL;
	return pstrdup(json_object_to_json_string_ext(lek, JSON_C_TO_STRING_PLAIN));
}

/* ---- parallel query ---- */

Size
dynamoEstimateDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt)
{
	return sizeof(DynamoParallelScan);
}

static void
init_shared(DynamoScanState *s, DynamoParallelScan *p)
{
	pg_atomic_init_u32(&p->next_segment, 0);
	pg_atomic_init_u64(&p->requests, 0);
	pg_atomic_init_u64(&p->pages, 0);
	pg_atomic_init_u64(&p->scanned, 0);
	pg_atomic_init_u64(&p->capacity_milli, 0);
	/* buffered writes are in the leader's memory: it alone can show them */
	p->leader_only = s->rel &&
		dynamo_txn_writes_table(s->rel->server->serverid, s->table);
}

/* The leader: the shared state, made now. */
void
dynamoInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
							   void *coordinate)
{
	DynamoScanState *s = node->fdw_state;

	init_shared(s, coordinate);
	s->pscan = coordinate;
}

/* A rescan: every segment is to be read again. */
void
dynamoReInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
								 void *coordinate)
{
	init_shared(node->fdw_state, coordinate);
}

/* A worker: the leader's shared state. */
void
dynamoInitializeWorkerForeignScan(ForeignScanState *node, shm_toc *toc,
								  void *coordinate)
{
	DynamoScanState *s = node->fdw_state;

	s->pscan = coordinate;
}

/*
 * Before the shared memory goes: keep every participant's counts for
 * EXPLAIN ANALYZE (each page's were added as it arrived, before its rows
 * reached the leader).
 */
void
dynamoShutdownForeignScan(ForeignScanState *node)
{
	DynamoScanState *s = node->fdw_state;

	/* a direct modification's node has a state of its own (direct.c) */
	if (((ForeignScan *) node->ss.ps.plan)->operation != CMD_SELECT)
		return;
	if (s == NULL || s->pscan == NULL || IsParallelWorker())
		return;
	s->requests = pg_atomic_read_u64(&s->pscan->requests);
	s->pages = pg_atomic_read_u64(&s->pscan->pages);
	s->scanned = pg_atomic_read_u64(&s->pscan->scanned);
	s->capacity = pg_atomic_read_u64(&s->pscan->capacity_milli) / 1000.0;
	s->totals_copied = true;
	s->pscan = NULL;
}

void
dynamoExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	DynamoScanState *s = node->fdw_state;

	ExplainPropertyText("DynamoDB Operation", dynamo_operation_names[s->op], es);
	ExplainPropertyText("DynamoDB Table", s->table, es);
	if (s->count_names >= 0)
		ExplainPropertyText("DynamoDB Select", "COUNT", es);
	if (s->index && s->index[0])
		ExplainPropertyText("DynamoDB Index", s->index, es);
	if (s->op == DYNAMO_OP_BATCH_GET_ITEM)
		ExplainPropertyInteger("DynamoDB Keys", NULL, s->nkeys, es);
	if (s->keycond && s->keycond[0])
		ExplainPropertyText("Key Condition", s->keycond, es);
	if (s->filter && s->filter[0])
		ExplainPropertyText("Filter Expression", s->filter, es);
	/* a COUNT(*) projects only to count buffered writes: not shown */
	if (s->projection && s->projection[0] && s->count_names < 0)
		ExplainPropertyText("Projection", s->projection, es);
	if (es->verbose && s->names)
	{
		StringInfoData buf;
		ListCell   *lc;
		int			i = 0;

		initStringInfo(&buf);
		foreach(lc, s->names)
		{
			if (s->count_names >= 0 && i >= s->count_names)
				break;			/* the projection's, not shown */
			appendStringInfo(&buf, "%s#n%d = %s", i > 0 ? ", " : "", i, strVal(lfirst(lc)));
			i++;
		}
		if (buf.len > 0)
			ExplainPropertyText("Attribute Names", buf.data, es);
	}
	if (es->verbose && s->value_display)
	{
		StringInfoData buf;
		ListCell   *lc;
		int			i = 0;
		int			nkeyattrs = Max(list_length(s->key_attrs), 1);

		initStringInfo(&buf);
		foreach(lc, s->value_display)
		{
			if (i < s->nvalues)
				appendStringInfo(&buf, "%s:v%d = %s", i > 0 ? ", " : "", i,
								 strVal(lfirst(lc)));
			i++;
		}
		if (buf.len > 0)
			ExplainPropertyText("Attribute Values", buf.data, es);

		/* GetItem and BatchGetItem: the keys, up to a readable few */
		resetStringInfo(&buf);
		for (i = s->nvalues; i < list_length(s->value_display) && i < s->nvalues + 10 * nkeyattrs; i++)
		{
			int			k = (i - s->nvalues) % nkeyattrs;

			appendStringInfo(&buf, "%s%s%s = %s%s",
							 i > s->nvalues ? (k == 0 ? "), " : ", ") : "",
							 k == 0 ? "(" : "",
							 strVal(list_nth(s->key_attrs, k)),
							 strVal(list_nth(s->value_display, i)),
							 "");
		}
		if (buf.len > 0)
		{
			appendStringInfoString(&buf, i < list_length(s->value_display) ? "), ..." : ")");
			ExplainPropertyText("DynamoDB Key", buf.data, es);
		}
	}
	if (s->order != 0)
		ExplainPropertyText("Sort Key Order", s->order > 0 ? "ascending" : "descending", es);
	if (s->limit > 0)
		ExplainPropertyInteger("Page Limit", NULL, s->limit, es);
	if (s->segments > 1)
		ExplainPropertyInteger("Scan Segments", NULL, s->segments, es);
	if (s->parallel_segments > 0)
		ExplainPropertyInteger("Parallel Scan Segments", NULL, s->parallel_segments, es);
	if (s->consistent)
		ExplainPropertyBool("Consistent Read", true, es);

	if (es->analyze && s->rel)
	{
		if (s->totals_copied)
			ExplainPropertyText("Counts", "leader and workers", es);
		ExplainPropertyUInteger("DynamoDB Requests", NULL, s->requests, es);
		ExplainPropertyUInteger("DynamoDB Pages", NULL, s->pages, es);
		ExplainPropertyUInteger("Items Scanned", NULL, s->scanned, es);
		ExplainPropertyFloat("Consumed Capacity", NULL, s->capacity, 1, es);
	}
}
