/*-------------------------------------------------------------------------
 *
 * scan_overlay.c
 *		  Read-your-writes: a scan's items seen through this transaction's
 *		  buffered writes to the table (txn.c), then the buffered items
 *		  DynamoDB did not return.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_overlay.c
 *
 * A row that comes from the write buffer rather than from DynamoDB did not
 * pass DynamoDB's conditions: the scan rechecks the pushed ones on it
 * (scan.c).  A scan that promised sort key order sorts everything itself,
 * since buffered rows would come at the end.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/memutils.h"

#include "client.h"
#include "convert.h"
#include "ddb_value.h"
#include "dynamo_fdw.h"
#include "ops_read.h"
#include "scan.h"
#include "scan_overlay.h"
#include "scan_page.h"
#include "txn.h"

/*
 * DynamoDB's ITEM seen through the buffered writes, in the current
 * context: ITEM itself (*buffered false) when none apply, NULL when this
 * transaction deleted it, else the item the transaction made.
 */
static const DynamoValue *
overlay_item(DynamoScanState *s, const DynamoValue *item, bool *buffered)
{
	const DynamoValue *seen = dynamo_txn_overlay(s->txn_view, unconstify(DynamoValue *, item));

	*buffered = seen != NULL && seen != item;
	return seen;
}

/*
 * The next item in DynamoDB's order, in the current context: DynamoDB's
 * items seen through the buffered writes, then the buffered items DynamoDB
 * did not return.  *buffered is set when the item is not exactly what
 * DynamoDB sent.  NULL at the end.
 */
static const DynamoValue *
next_unordered(DynamoScanState *s, bool *buffered)
{
	while (dynamo_scan_next_item(s))
	{
		const DynamoValue *seen = overlay_item(s, dynamo_page_item(s->page, s->next_item++),
											   buffered);

		if (seen)
			return seen;		/* else deleted in this transaction */
	}
	*buffered = true;
	return dynamo_txn_next_unseen(s->txn_view);
}

/* The string member TAG of AttributeValue AV ("N", "S", "B"), or NULL. */
static const DynamoValue *
av_string(const DynamoValue *av, const char *tag)
{
	const DynamoValue *v = dynamo_value_member(av, tag);

	return v && v->kind == DYNAMO_VALUE_STRING ? v : NULL;
}

/* Order two sort key values as DynamoDB does: bytes for S and B, numbers for N. */
static int
compare_key_values(const DynamoValue *a, const DynamoValue *b)
{
	const DynamoValue *va,
			   *vb;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	if ((va = av_string(a, "N")) && (vb = av_string(b, "N")))
	{
		Datum		na = DirectFunctionCall3(numeric_in, CStringGetDatum(va->str),
											 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		Datum		nb = DirectFunctionCall3(numeric_in, CStringGetDatum(vb->str),
											 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));

		return DatumGetInt32(DirectFunctionCall2(numeric_cmp, na, nb));
	}
	if ((va = av_string(a, "B")) && (vb = av_string(b, "B")))
	{
		bytea	   *ba = DatumGetByteaPP(dynamo_av_to_datum_binary(va));
		bytea	   *bb = DatumGetByteaPP(dynamo_av_to_datum_binary(vb));
		int			la,
					lb,
					c;

		la = VARSIZE_ANY_EXHDR(ba);
		lb = VARSIZE_ANY_EXHDR(bb);
		c = memcmp(VARDATA_ANY(ba), VARDATA_ANY(bb), Min(la, lb));
		return c != 0 ? c : (la > lb) - (la < lb);
	}
	if ((va = av_string(a, "S")) && (vb = av_string(b, "S")))
		return strcmp(va->str, vb->str);
	return 0;
}

static const char *qsort_sort_attr;

static int
compare_items(const void *a, const void *b)
{
	const DynamoValue *ia = *(const DynamoValue *const *) a;
	const DynamoValue *ib = *(const DynamoValue *const *) b;

	return compare_key_values(dynamo_value_member(ia, qsort_sort_attr),
							  dynamo_value_member(ib, qsort_sort_attr));
}

/*
 * Every item, seen through the buffered writes, copied into the sorted
 * context (items die with their page) and sorted ascending; a descending
 * scan reads them backwards.
 */
static void
read_sorted(DynamoScanState *s)
{
	const DynamoValue *item;
	int			cap = 64;
	bool		b;

	s->sorted = MemoryContextAlloc(s->sorted_cxt, sizeof(DynamoValue *) * cap);
	s->nsorted = 0;
	while ((item = next_unordered(s, &b)) != NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(s->sorted_cxt);

		if (s->nsorted == cap)
		{
			cap *= 2;
			s->sorted = repalloc(s->sorted, sizeof(DynamoValue *) * cap);
		}
		s->sorted[s->nsorted++] = dynamo_value_copy(item);
		MemoryContextSwitchTo(oldcxt);
	}
	if (s->nsorted > 1)
	{
		qsort_sort_attr = s->plan.sort_attr;
		qsort(s->sorted, s->nsorted, sizeof(DynamoValue *), compare_items);
	}
	s->next_sorted = 0;
}

/*
 * With buffered writes to the table, the next item to return, in the
 * current (row) context or the sorted context; NULL at the end.  *buffered
 * is set when the item is not exactly what DynamoDB sent (in sort key
 * order, all are: rows are then all rechecked).
 */
const DynamoValue *
dynamo_scan_overlay_next(DynamoScanState *s, bool *buffered)
{
	Assert(s->txn_view != NULL);
	if (s->plan.order == 0)
		return next_unordered(s, buffered);

	if (s->sorted == NULL)
		read_sorted(s);
	*buffered = true;
	if (s->next_sorted >= s->nsorted)
		return NULL;
	if (s->plan.order > 0)
		return s->sorted[s->next_sorted++];
	return s->sorted[s->nsorted - 1 - s->next_sorted++];
}
