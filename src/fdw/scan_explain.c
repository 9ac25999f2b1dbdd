/*-------------------------------------------------------------------------
 *
 * scan_explain.c
 *		  EXPLAIN of a scan: the DynamoDB request it makes, and with
 *		  ANALYZE what reading it took.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_explain.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/explain.h"

#include "dynamo_fdw.h"
#include "planner.h"
#include "scan.h"

/* Attribute Names: #nN = attribute, those the request sends. */
static void
explain_names(DynamoScanState *s, ExplainState *es)
{
	StringInfoData buf;
	ListCell   *lc;
	int			i = 0;

	initStringInfo(&buf);
	foreach(lc, s->plan.names)
	{
		if (s->plan.count_names >= 0 && i >= s->plan.count_names)
			break;				/* the projection's, not shown */
		appendStringInfo(&buf, "%s#n%d = %s", i > 0 ? ", " : "", i, strVal(lfirst(lc)));
		i++;
	}
	if (buf.len > 0)
		ExplainPropertyText("Attribute Names", buf.data, es);
}

/*
 * Attribute Values: each :vN's text; and for GetItem and BatchGetItem the
 * keys, up to a readable few.
 */
static void
explain_values(DynamoScanState *s, ExplainState *es)
{
	List	   *display = s->plan.value_display;
	int			nvalues = s->plan.nvalues;
	int			nkeyattrs = Max(list_length(s->plan.key_attrs), 1);
	StringInfoData buf;
	ListCell   *lc;
	int			i = 0;

	initStringInfo(&buf);
	foreach(lc, display)
	{
		if (i < nvalues)
			appendStringInfo(&buf, "%s:v%d = %s", i > 0 ? ", " : "", i,
							 strVal(lfirst(lc)));
		i++;
	}
	if (buf.len > 0)
		ExplainPropertyText("Attribute Values", buf.data, es);

	resetStringInfo(&buf);
	for (i = nvalues; i < list_length(display) && i < nvalues + 10 * nkeyattrs; i++)
	{
		int			k = (i - nvalues) % nkeyattrs;

		appendStringInfo(&buf, "%s%s%s = %s",
						 i > nvalues ? (k == 0 ? "), " : ", ") : "",
						 k == 0 ? "(" : "",
						 strVal(list_nth(s->plan.key_attrs, k)),
						 strVal(list_nth(display, i)));
	}
	if (buf.len > 0)
	{
		appendStringInfoString(&buf, i < list_length(display) ? "), ..." : ")");
		ExplainPropertyText("DynamoDB Key", buf.data, es);
	}
}

/*
 * ExplainForeignScan: the operation, table and index, the expressions
 * sent (with VERBOSE, what their placeholders stand for), and with ANALYZE
 * the requests, pages, items and capacity the scan took, every parallel
 * participant's included.
 */
void
dynamoExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	DynamoScanState *s = node->fdw_state;
	const DynamoScanPlan *p = &s->plan;

	ExplainPropertyText("DynamoDB Operation", dynamo_operation_names[p->op], es);
	ExplainPropertyText("DynamoDB Table", p->table, es);
	if (p->count_names >= 0)
		ExplainPropertyText("DynamoDB Select", "COUNT", es);
	if (p->index[0])
		ExplainPropertyText("DynamoDB Index", p->index, es);
	if (p->op == DYNAMO_OP_BATCH_GET_ITEM)
		ExplainPropertyInteger("DynamoDB Keys", NULL, p->nkeys, es);
	if (p->keycond[0])
		ExplainPropertyText("Key Condition", p->keycond, es);
	if (p->filter[0])
		ExplainPropertyText("Filter Expression", p->filter, es);
	/* a COUNT(*) projects only to count buffered writes: not shown */
	if (p->projection[0] && p->count_names < 0)
		ExplainPropertyText("Projection", p->projection, es);
	if (es->verbose && p->names)
		explain_names(s, es);
	if (es->verbose && p->value_display)
		explain_values(s, es);
	if (p->order != 0)
		ExplainPropertyText("Sort Key Order", p->order > 0 ? "ascending" : "descending", es);
	if (p->limit > 0)
		ExplainPropertyInteger("Page Limit", NULL, p->limit, es);
	if (p->segments > 1)
		ExplainPropertyInteger("Scan Segments", NULL, p->segments, es);
	if (s->parallel_segments > 0)
		ExplainPropertyInteger("Parallel Scan Segments", NULL, s->parallel_segments, es);
	if (p->consistent)
		ExplainPropertyBool("Consistent Read", true, es);

	if (es->analyze && s->rel)
	{
		if (s->totals_copied)
			ExplainPropertyText("Counts", "leader and workers", es);
		ExplainPropertyUInteger("DynamoDB Requests", NULL, s->requests, es);
		ExplainPropertyUInteger("DynamoDB Pages", NULL, s->pages, es);
		if (p->segments_ahead)
			ExplainPropertyInteger("Scan Segments at Once", NULL, s->seg_most, es);
		ExplainPropertyUInteger("Items Scanned", NULL, s->scanned, es);
		ExplainPropertyFloat("Consumed Capacity", NULL, s->capacity, 1, es);
	}
}
