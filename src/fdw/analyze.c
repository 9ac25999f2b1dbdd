/*-------------------------------------------------------------------------
 *
 * analyze.c
 *		  ANALYZE of a DynamoDB foreign table: a bounded random sample of
 *		  its items, for the planner's column statistics.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/analyze.c
 *
 * A Scan split into segments divides a table's items by their key's hash,
 * so the first page of any segment is a random slice of the table.  The
 * sample asks for segments of about one page each (TotalSegments from
 * DescribeTable's TableSizeBytes) and reads the first page of segments
 * picked at random, at most analyze_max_pages of them (an option of the
 * foreign table or its server, default 10: about 10 MB read, some 1,300
 * read capacity units), keeping targrows rows by reservoir sampling.  A
 * table that fits the budget is read whole.  reltuples is DescribeTable's
 * ItemCount (DynamoDB refreshes it about every six hours), or, while
 * DynamoDB reports none, the sample's count scaled by the segments not
 * read.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/pg_prng.h"
#include "foreign/fdwapi.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "analyze.h"
#include "client.h"
#include "convert.h"
#include "ddb_limits.h"
#include "dynamo_fdw.h"
#include "ddb_value.h"
#include "ops_read.h"
#include "server_options.h"
#include "table.h"

/* Pages an ANALYZE reads at most, unless analyze_max_pages says otherwise. */
#define ANALYZE_DEFAULT_PAGES	10

/* A Scan's TotalSegments, at most (DynamoDB's limit). */
#define DYNAMO_MAX_SEGMENTS		1000000

/* The sample being taken. */
typedef struct Sample
{
	HeapTuple  *rows;
	int			targrows;
	int			numrows;
	double		seen;			/* items read */
	DynamoRowReader *reader;
	TupleDesc	desc;
	Datum	   *values;
	bool	   *nulls;
	MemoryContext rowcxt;		/* where the kept rows go (ANALYZE's) */
} Sample;

/* analyze_max_pages of the foreign table, else of its server, else 10. */
static int
max_pages(const DynamoRelation *rel)
{
	char	   *v = dynamo_option_string(rel->table->options, "analyze_max_pages");

	if (v == NULL)
		v = dynamo_option_string(rel->server->options, "analyze_max_pages");
	return v ? atoi(v) : ANALYZE_DEFAULT_PAGES;
}

/*
 * Keep ITEM's row in the sample, or not (reservoir sampling, algorithm R).
 */
static void
sample_item(const DynamoValue *item, Sample *s)
{
	int			pos = -1;
	MemoryContext oldcxt;

	s->seen += 1;
	if (s->numrows < s->targrows)
		pos = s->numrows++;
	else
	{
		double		k = pg_prng_double(&pg_global_prng_state) * s->seen;

		if (k < s->targrows)
		{
			pos = (int) k;
			heap_freetuple(s->rows[pos]);
		}
	}
	if (pos < 0)
		return;
	memset(s->nulls, true, sizeof(bool) * s->desc->natts);
	dynamo_row_read(s->reader, item, s->values, s->nulls);
	oldcxt = MemoryContextSwitchTo(s->rowcxt);
	s->rows[pos] = heap_form_tuple(s->desc, s->values, s->nulls);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * One page of a plain Scan of TABLE (no projection, no filter): segment
 * SEGMENT of TOTAL (TOTAL 1: the whole table), from START (NULL: the
 * beginning), each item offered to the sample.  Returns the next page's
 * start, or NULL after the last.  In the current context.
 */
static DynamoValue *
sample_page(DynamoConn *conn, const char *table, int segment, int total,
			DynamoValue *start, Sample *s)
{
	DynamoPageRequest req;
	DynamoPage *page;
	int			i;

	memset(&req, 0, sizeof(req));
	req.table = table;
	if (total > 1)
	{
		req.segment = segment;
		req.total_segments = total;
	}
	req.start_key = start;
	page = dynamo_op_page(conn, &req, 0, NULL, NULL);
	for (i = 0; i < page->nitems; i++)
		sample_item(dynamo_page_item(page, i), s);
	return page->last_key;
}

/*
 * AcquireSampleRowsFunc: up to TARGROWS rows of RELATION into ROWS (in the
 * caller's context); *totalrows the table's item count.
 */
static int
dynamo_sample_rows(Relation relation, int elevel, HeapTuple *rows, int targrows,
				   double *totalrows, double *totaldeadrows)
{
	DynamoRelation *rel = dynamo_get_relation(RelationGetRelid(relation));
	const DynamoTable *meta = rel->meta;
	DynamoConn *conn = dynamo_connect(rel->server,
									  GetUserMapping(relation->rd_rel->relowner,
													 rel->server->serverid));
	MemoryContext rowcxt = CurrentMemoryContext;
	MemoryContext pagecxt = AllocSetContextCreate(CurrentMemoryContext,
												  "dynamo_fdw analyze page",
												  ALLOCSET_DEFAULT_SIZES);
	MemoryContext oldcxt;
	Sample		s;
	int			budget = max_pages(rel);
	double		table_pages = Max(1.0, ceil(meta->table_bytes / ((double) DYNAMO_MAX_PAGE_BYTES)));
	int			pages = 0;
	int			total;
	int			i;

	memset(&s, 0, sizeof(s));
	s.rows = rows;
	s.targrows = targrows;
	s.desc = RelationGetDescr(relation);
	s.values = palloc(sizeof(Datum) * s.desc->natts);
	s.nulls = palloc(sizeof(bool) * s.desc->natts);
	s.rowcxt = rowcxt;
	s.reader = dynamo_row_reader_create(rel->ncolumns);
	for (i = 0; i < rel->ncolumns; i++)
		if (!rel->columns[i].dropped)
			dynamo_row_reader_add(s.reader, &rel->columns[i], i);

	total = (int) Min(table_pages, (double) DYNAMO_MAX_SEGMENTS);
	if (table_pages <= budget)
	{
		/* the whole table fits the budget: read it, page after page */
		DynamoValue *start = NULL;

		oldcxt = MemoryContextSwitchTo(pagecxt);
		do
		{
			CHECK_FOR_INTERRUPTS();
			start = sample_page(conn, meta->table_name, 0, 1, start, &s);
			pages++;
		} while (start && pages < budget);
		MemoryContextSwitchTo(oldcxt);
		total = 1;
	}
	else
	{
		/* the first page of BUDGET segments picked at random, none twice */
		int		   *order = palloc(sizeof(int) * Min(total, budget));
		int			n = 0;

		while (n < budget)
		{
			int			seg = (int) pg_prng_uint64_range(&pg_global_prng_state, 0, total - 1);
			int			j;

			for (j = 0; j < n && order[j] != seg; j++)
				;
			if (j == n)
				order[n++] = seg;
		}
		for (i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			MemoryContextReset(pagecxt);
			oldcxt = MemoryContextSwitchTo(pagecxt);
			(void) sample_page(conn, meta->table_name, order[i], total, NULL, &s);
			MemoryContextSwitchTo(oldcxt);
			pages++;
		}
	}
	MemoryContextDelete(pagecxt);

	*totaldeadrows = 0;
	if (meta->item_count > 0)
		*totalrows = meta->item_count;
	else if (total > 1)
		*totalrows = s.seen * total / pages;
	else
		*totalrows = s.seen;

	ereport(elevel,
			(errmsg("\"%s\": read %d page%s of DynamoDB table \"%s\" (%.0f items), kept %d rows in the sample; %.0f items in all",
					RelationGetRelationName(relation), pages, pages == 1 ? "" : "s",
					meta->table_name, s.seen, s.numrows, *totalrows)));
	return s.numrows;
}

/*
 * AnalyzeForeignTable: sample with dynamo_sample_rows; the table's size in
 * PostgreSQL pages from DynamoDB's TableSizeBytes.
 */
static bool
dynamoAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func,
						  BlockNumber *totalpages)
{
	DynamoRelation *rel = dynamo_get_relation(RelationGetRelid(relation));

	*func = dynamo_sample_rows;
	*totalpages = (BlockNumber) Max(1.0, ceil(rel->meta->table_bytes / BLCKSZ));
	return true;
}

/* The ANALYZE callback, for the handler. */
void
dynamo_analyze_routine(FdwRoutine *routine)
{
	routine->AnalyzeForeignTable = dynamoAnalyzeForeignTable;
}
