/*-------------------------------------------------------------------------
 *
 * scan.c
 *		  Running scans of DynamoDB foreign tables: the executor callbacks,
 *		  and rows made from items.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan.c
 *
 * BeginForeignScan reads the plan; the first IterateForeignScan (and each
 * after a rescan) has scan_request.c make the requests; rows then come
 * from scan_page.c's pages, item by item, through scan_overlay.c when this
 * transaction has buffered writes to the table.  Each row is built in a
 * per-row memory context, reset for the next.  A COUNT(*) scan returns
 * scan_count.c's one row; EXPLAIN is scan_explain.c's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "client.h"
#include "convert.h"
#include "ddb_value.h"
#include "dynamo_fdw.h"
#include "ops_read.h"
#include "planner.h"
#include "readset.h"
#include "scan.h"
#include "scan_count.h"
#include "scan_overlay.h"
#include "scan_page.h"
#include "scan_request.h"
#include "table.h"
#include "txn.h"

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
	foreach(lc, s->plan.key_attrs)
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
	s->read_attrs = palloc(sizeof(char *) * Max(list_length(s->plan.retrieved), 1));
	foreach(lc, s->plan.retrieved)
	{
		const DynamoColumn *col = &s->rel->columns[lfirst_int(lc) - 1];

		if (col->document)
			s->read_whole = true;
		else
			s->read_attrs[s->nread_attrs++] = col->attr;
	}
	if (s->plan.projection[0] == '\0')
		return;					/* every attribute comes */
	for (i = 0; i < 2 && keys[i]; i++)
	{
		int			j;

		for (j = 0; j < s->nread_attrs; j++)
			if (strcmp(s->read_attrs[j], keys[i]) == 0)
				break;
		if (j < s->nread_attrs)
			continue;			/* a column reads it already */
		s->plan.names = lappend(list_copy(s->plan.names), makeString(pstrdup(keys[i])));
		s->plan.projection = psprintf("%s, #n%d", s->plan.projection,
									  list_length(s->plan.names) - 1);
	}
}

/*
 * Record ITEM, the row just read, and make SLOT's ctid its handle: its key,
 * and what the row read of it (the conditions of a write derived from it).
 */
static void
record_row(ForeignScanState *node, DynamoScanState *s, TupleTableSlot *slot,
		   const DynamoValue *item)
{
	MemoryContext cxt = node->ss.ps.state->es_query_cxt;
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	const DynamoTable *meta = s->rel->meta;
	DynamoReadRow *row;
	DynamoValue *key = dynamo_value_object();
	const char *keys[2] = {meta->partition_key, meta->sort_key};
	int			i;

	/* kept as long as the query: copies of the row's parts */
	for (i = 0; i < 2 && keys[i]; i++)
	{
		const DynamoValue *v = dynamo_value_member(item, keys[i]);

		if (v)
			dynamo_value_set(key, keys[i], dynamo_value_copy(v));
	}
	row = palloc0(sizeof(DynamoReadRow));
	row->serverid = s->rel->server->serverid;
	row->table = s->plan.table;
	row->key = key;
	row->expect = dynamo_readset_expect(item, meta->partition_key, meta->sort_key,
										s->read_attrs, s->nread_attrs, s->read_whole);
	if (s->keep_tuple)
		row->tuple = ExecCopySlotHeapTuple(slot);
	dynamo_readset_add(cxt, row, &slot->tts_tid);
	MemoryContextSwitchTo(oldcxt);
}

/* ExprStates of fdw_exprs: the :vN values first, then the keys. */
static void
init_expressions(ForeignScanState *node, DynamoScanState *s, List *fdw_exprs)
{
	ListCell   *lc;
	int			i = 0;

	foreach(lc, fdw_exprs)
	{
		Expr	   *e = lfirst(lc);
		ExprState  *es = ExecInitExpr(e, (PlanState *) node);

		if (i++ < s->plan.nvalues)
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
}

/*
 * The row reader of the retrieved columns: a table's row has its columns;
 * a COUNT(*) row has them after the counts (fdw_scan_tlist says where).
 */
static DynamoRowReader *
init_reader(ForeignScan *fs, DynamoScanState *s)
{
	DynamoRowReader *reader = dynamo_row_reader_create(list_length(s->plan.retrieved));
	ListCell   *lc;

	foreach(lc, s->plan.retrieved)
	{
		const DynamoColumn *col = &s->rel->columns[lfirst_int(lc) - 1];
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
		dynamo_row_reader_add(reader, col, pos);
	}
	return reader;
}

/*
 * The connection of the scan's foreign table: as postgres_fdw, the view
 * owner's user mapping for a view's query.  A COUNT(*) scan has no scan
 * relation of its own: it counts the one foreign table below it.
 */
static void
init_connection(ForeignScan *fs, EState *estate, DynamoScanState *s)
{
	Index		rtindex = fs->scan.scanrelid ? fs->scan.scanrelid :
		(Index) bms_next_member(fs->fs_relids, -1);
	RangeTblEntry *rte = exec_rt_fetch(rtindex, estate);
	Oid			userid = dynamo_scan_check_as_user(fs, estate, rte);

	if (!OidIsValid(userid))
		userid = GetUserId();
	/*
	 * A parallel worker runs what the leader planned from DynamoDB's
	 * metadata (and checked the key options against): a DescribeTable per
	 * worker would only delay its first page.  Recording rows (a ctid
	 * asked for) needs the key schema, so it still asks.
	 */
	if (IsParallelWorker() && !fs->fsSystemCol)
		s->rel = dynamo_get_relation_columns(rte->relid);
	else
		s->rel = dynamo_get_relation(rte->relid);
	s->conn = dynamo_connect(s->rel->server,
							 GetUserMapping(userid, s->rel->server->serverid));
}

/*
 * BeginForeignScan: unpack the plan (all EXPLAIN needs), then, unless only
 * explaining, connect, prepare the expressions and the row reader, and
 * make the memory contexts.  No request is sent before the first row is
 * asked for.
 */
void
dynamoBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *fs = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	DynamoScanState *s = palloc0(sizeof(DynamoScanState));

	node->fdw_state = s;
	dynamo_scan_private_unpack(fs->fdw_private, &s->plan);
	if (fs->scan.plan.parallel_aware)
	{
		/* the segments are shared out among the participants */
		s->parallel_segments = s->plan.segments;
		s->plan.segments = 1;
	}
	s->cur_segment = -1;
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	init_connection(fs, estate, s);
	init_expressions(node, s, fs->fdw_exprs);
	s->reader = init_reader(fs, s);
	s->recheck = ExecInitQual(fs->fdw_recheck_quals, (PlanState *) node);
	if (fs->fsSystemCol && fs->scan.scanrelid > 0 && s->plan.count_names < 0)
		init_recording(s, estate, fs->scan.scanrelid);

	s->request_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw request",
										   ALLOCSET_SMALL_SIZES);
	s->page_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw page",
										ALLOCSET_DEFAULT_SIZES);
	/* a row's values mostly fit the first 8 kB block, kept across resets */
	s->row_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw row",
									   ALLOCSET_DEFAULT_SIZES);
	s->sorted_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw sorted",
										  ALLOCSET_DEFAULT_SIZES);
}

/* Fill SLOT from ITEM. */
void
dynamo_scan_store_item(DynamoScanState *s, TupleTableSlot *slot, const DynamoValue *item)
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
bool
dynamo_scan_recheck(ForeignScanState *node, DynamoScanState *s, TupleTableSlot *slot)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;

	econtext->ecxt_scantuple = slot;
	return ExecQual(s->recheck, econtext);
}

/*
 * The next row's item as a tree, in the row context (or the page's); NULL
 * at the end.  Without buffered writes to lay over them, a page's items go
 * straight from its text to the tree.
 */
static const DynamoValue *
next_row_item(DynamoScanState *s, bool *buffered)
{
	if (s->txn_view != NULL)
		return dynamo_scan_overlay_next(s, buffered);
	*buffered = false;
	if (!dynamo_scan_next_item(s))
		return NULL;
	return dynamo_page_item(s->page, s->next_item++);
}

/*
 * IterateForeignScan: the next row, or an empty slot at the end.  The
 * first call after Begin or ReScan makes the requests; a row from the
 * write buffer is rechecked against the pushed conditions, and a row the
 * statement may write or lock is recorded.
 */
TupleTableSlot *
dynamoIterateForeignScan(ForeignScanState *node)
{
	DynamoScanState *s = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;

	if (!s->started)
		dynamo_scan_start(node, s);
	if (s->plan.count_names >= 0)
		return dynamo_scan_count(node, s);

	for (;;)
	{
		const DynamoValue *item;
		MemoryContext oldcxt;
		bool		buffered;

		/* values live until the next row: the row context is reset here */
		MemoryContextReset(s->row_cxt);
		oldcxt = MemoryContextSwitchTo(s->row_cxt);
		item = next_row_item(s, &buffered);
		if (item)
			dynamo_scan_store_item(s, slot, item);
		MemoryContextSwitchTo(oldcxt);
		if (item == NULL)
			return ExecClearTuple(slot);
		if (buffered && !dynamo_scan_recheck(node, s, slot))
			continue;
		if (s->record)
			record_row(node, s, slot, item);
		s->returned++;
		return slot;
	}
}

/*
 * ReScanForeignScan: parameters may have changed, so the next row starts
 * everything again (values evaluated anew, the first request sent again).
 */
void
dynamoReScanForeignScan(ForeignScanState *node)
{
	DynamoScanState *s = node->fdw_state;

	s->started = false;
	/* a scan started again (a join's inner side) may well stop early */
	s->plan.read_all = false;
	s->page = NULL;
	dynamo_scan_drop_ahead(s);
}

/*
 * EndForeignScan: drop the request sent ahead, if any; the memory goes
 * with the query's context.
 */
void
dynamoEndForeignScan(ForeignScanState *node)
{
	DynamoScanState *s = node->fdw_state;

	if (s == NULL || s->rel == NULL)
		return;
	dynamo_scan_drop_ahead(s);
}

/* ---- parallel query ---- */

/* EstimateDSMForeignScan: the shared state's size. */
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
		dynamo_txn_writes_table(s->rel->server->serverid, s->plan.table);
}

/* InitializeDSMForeignScan, in the leader: the shared state, made now. */
void
dynamoInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
							   void *coordinate)
{
	DynamoScanState *s = node->fdw_state;

	init_shared(s, coordinate);
	s->pscan = coordinate;
}

/* ReInitializeDSMForeignScan: a rescan, every segment to be read again. */
void
dynamoReInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
								 void *coordinate)
{
	init_shared(node->fdw_state, coordinate);
}

/* InitializeWorkerForeignScan, in a worker: the leader's shared state. */
void
dynamoInitializeWorkerForeignScan(ForeignScanState *node, shm_toc *toc,
								  void *coordinate)
{
	DynamoScanState *s = node->fdw_state;

	s->pscan = coordinate;
}

/*
 * ShutdownForeignScan: before the shared memory goes, keep every
 * participant's counts for EXPLAIN ANALYZE (each page's were added as it
 * arrived, before its rows reached the leader).
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
