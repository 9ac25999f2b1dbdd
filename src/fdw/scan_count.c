/*-------------------------------------------------------------------------
 *
 * scan_count.c
 *		  SELECT count(*) pushed down: a Query or Scan with Select=COUNT,
 *		  whose one row is the count.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_count.c
 *
 * DynamoDB counts the items that meet the conditions and sends only the
 * counts, page by page.  A transaction with buffered writes to the table
 * reads the items instead and counts them here, seen through its writes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/memutils.h"

#include "dynamo_fdw.h"
#include "scan.h"
#include "scan_count.h"
#include "scan_overlay.h"
#include "scan_page.h"

/*
 * The count: DynamoDB's, or with buffered writes to the table, the items
 * seen through them that meet the conditions.
 */
static uint64
count_items(ForeignScanState *node, DynamoScanState *s)
{
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	uint64		n = 0;

	if (s->txn_view == NULL)
	{
		do
			CHECK_FOR_INTERRUPTS();
		while (dynamo_scan_fetch_page(s));
		return s->counted;
	}
	for (;;)
	{
		const DynamoValue *item;
		MemoryContext oldcxt;
		bool		buffered;

		MemoryContextReset(s->row_cxt);
		oldcxt = MemoryContextSwitchTo(s->row_cxt);
		item = dynamo_scan_overlay_next(s, &buffered);
		if (item && buffered)
			dynamo_scan_store_item(s, slot, item);
		MemoryContextSwitchTo(oldcxt);
		if (item == NULL)
			break;
		if (buffered && !dynamo_scan_recheck(node, s, slot))
			continue;
		n++;
	}
	return n;
}

/*
 * IterateForeignScan of a COUNT(*) scan: the one row, every count(*) of
 * the scan's target list set to the count; then the end.
 */
TupleTableSlot *
dynamo_scan_count(ForeignScanState *node, DynamoScanState *s)
{
	ForeignScan *fs = (ForeignScan *) node->ss.ps.plan;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
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
