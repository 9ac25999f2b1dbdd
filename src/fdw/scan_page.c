/*-------------------------------------------------------------------------
 *
 * scan_page.c
 *		  The page pipeline of a scan: each request's answer (a page) in
 *		  turn, the next Query or Scan page asked for ahead of need.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/scan_page.c
 *
 * One page at a time lives in the scan's page context, reset before the
 * next request, so memory stays flat however many items a scan reads; a
 * Query or Scan page keeps its body and parses each item only when the
 * scan reaches it (ops_read.c).  A scan that reads on asks for the next
 * page while it turns this one into rows: as soon as this one arrives, from
 * a guess at its LastEvaluatedKey, when every row is wanted; otherwise
 * once it has read half the first page.  A Scan of several segments asks
 * for a page of each at once; one read ahead in segments begins them one
 * by one, while it waits for pages; a parallel Scan's participants claim
 * segments from shared memory.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "client.h"
#include "ddb_limits.h"
#include "ddb_value.h"
#include "dynamo_fdw.h"
#include "http.h"
#include "ops_read.h"
#include "scan.h"
#include "scan_page.h"

/*
 * Keep KEY (NULL: none) in *SLOT as JSON text in the request context,
 * instead of what was there: a scan of many pages holds one key.
 */
static void
keep_key(DynamoScanState *s, char **slot, const DynamoValue *key)
{
	if (*slot)
		pfree(*slot);
	*slot = key ? MemoryContextStrdup(s->request_cxt, dynamo_value_text(key)) : NULL;
}

/* The key kept as TEXT (NULL: none) as a tree, in the current context. */
static DynamoValue *
kept_key(const char *text)
{
	return text ? dynamo_value_parse_any(text, strlen(text)) : NULL;
}

/* Forget the next page's requests sent ahead (every segment's). */
void
dynamo_scan_drop_ahead(DynamoScanState *s)
{
	int			i;

	if (s->ahead)
		dynamo_request_ahead_drop(s->ahead);
	s->ahead = 0;
	s->ahead_key = NULL;
	for (i = 0; s->seg_ahead && i < s->plan.segments; i++)
	{
		if (s->seg_ahead[i])
			dynamo_request_ahead_drop(s->seg_ahead[i]);
		s->seg_ahead[i] = 0;
	}
}

/* Count a page's request for EXPLAIN ANALYZE. */
static void
count_page(DynamoScanState *s, const DynamoPage *page)
{
	s->requests++;
	s->pages++;
	s->capacity += page->capacity;
	s->scanned += page->scanned;
}

/* GetItem: its one key. */
static void
fetch_item(DynamoScanState *s)
{
	DynamoGetRequest req = *s->get;

	req.key = s->keys[0];
	s->page = dynamo_op_get_item(s->conn, &req);
	count_page(s, s->page);
	s->scanned += s->page->nitems;
	s->exhausted = true;
}

/* The items of N pages, in order, as one page (their arrays are shared). */
static DynamoPage *
merge_pages(DynamoPage **pages, int n)
{
	DynamoPage *merged = palloc0(sizeof(DynamoPage));
	int			nitems = 0;
	int			i;

	for (i = 0; i < n; i++)
		nitems += pages[i]->nitems;
	merged->items = palloc(sizeof(DynamoValue *) * Max(nitems, 1));
	for (i = 0; i < n; i++)
	{
		memcpy(merged->items + merged->nitems, pages[i]->items,
			   sizeof(DynamoValue *) * pages[i]->nitems);
		merged->nitems += pages[i]->nitems;
	}
	return merged;
}

/*
 * BatchGetItem: the keys DynamoDB left unprocessed first, as it asks, then
 * the next keys, DYNAMO_MAX_BATCH_GET_KEYS a request, all sent together
 * (DYNAMO_HTTP_MAX_PARALLEL at most: 1,600 keys), their items merged into
 * one page.  Keys left unprocessed go out again in the next round, after a
 * pause (dynamo_retry_pause: the first backoff when the round read items,
 * a throttle's backoff when a request read none; after max_attempts such
 * answers to one request, an error).
 */
static void
fetch_batch(DynamoScanState *s)
{
	DynamoGetRequest reqs[DYNAMO_HTTP_MAX_PARALLEL];
	int			stalls[DYNAMO_HTTP_MAX_PARALLEL];
	DynamoPage *pages[DYNAMO_HTTP_MAX_PARALLEL];
	int			most_stalls = 0;
	int			n = 0;
	int			i;

	for (i = 0; i < s->nunprocessed; i++)
	{
		reqs[n] = *s->get;
		reqs[n].keys = s->unprocessed[i];
		stalls[n++] = s->unprocessed_stalls[i];
	}
	s->nunprocessed = 0;
	while (n < DYNAMO_HTTP_MAX_PARALLEL && s->key_pos < s->nkeys_left)
	{
		int			k;

		reqs[n] = *s->get;
		reqs[n].keys = dynamo_value_array();
		for (k = 0; k < DYNAMO_MAX_BATCH_GET_KEYS && s->key_pos < s->nkeys_left; k++)
			dynamo_value_append(reqs[n].keys, dynamo_value_copy(s->keys[s->key_pos++]));
		stalls[n++] = 0;
	}

	dynamo_op_batch_get_item_many(s->conn, reqs, n, pages);

	for (i = 0; i < n; i++)
	{
		DynamoPage *page = pages[i];

		count_page(s, page);
		s->scanned += page->nitems;
		if (page->unprocessed)
		{
			/* kept beyond this page's context */
			MemoryContext oldcxt = MemoryContextSwitchTo(s->request_cxt);
			int			k = s->nunprocessed++;

			s->unprocessed_stalls[k] = dynamo_op_batch_get_stalls(s->conn, &reqs[i], page, stalls[i]);
			s->unprocessed[k] = dynamo_value_copy(page->unprocessed);
			most_stalls = Max(most_stalls, s->unprocessed_stalls[k]);
			MemoryContextSwitchTo(oldcxt);
		}
	}
	if (s->nunprocessed > 0)
		dynamo_retry_pause(Max(most_stalls - 1, 0), most_stalls > 0);
	else if (s->key_pos >= s->nkeys_left)
		s->exhausted = true;
	s->page = merge_pages(pages, n);
}

/*
 * A Scan of several segments: the next page of every unfinished segment,
 * requested together (DYNAMO_HTTP_MAX_PARALLEL at a time), their items
 * merged into one page.
 */
static void
fetch_segments(DynamoScanState *s)
{
	DynamoPageRequest reqs[DYNAMO_HTTP_MAX_PARALLEL];
	DynamoPage *pages[DYNAMO_HTTP_MAX_PARALLEL];
	int			segs[DYNAMO_HTTP_MAX_PARALLEL];
	int			n = 0;
	int			i;

	for (i = 0; i < s->plan.segments && n < DYNAMO_HTTP_MAX_PARALLEL; i++)
	{
		if (s->seg_done[i])
			continue;
		reqs[n] = *s->request;
		reqs[n].segment = i;
		reqs[n].total_segments = s->plan.segments;
		reqs[n].start_key = kept_key(s->seg_start[i]);
		segs[n++] = i;
	}
	if (n == 0)
	{
		s->exhausted = true;
		return;
	}

	dynamo_op_page_many(s->conn, reqs, n, pages);

	for (i = 0; i < n; i++)
	{
		count_page(s, pages[i]);
		s->counted += pages[i]->count;
		keep_key(s, &s->seg_start[segs[i]], pages[i]->last_key);
		if (pages[i]->last_key == NULL)
			s->seg_done[segs[i]] = true;
	}
	s->page = merge_pages(pages, n);
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
	s->request->segment = (int) seg;
	s->request->total_segments = s->parallel_segments;
	keep_key(s, &s->start_key, NULL);
	return true;
}

/* Add a page's counts to a parallel Scan's shared totals. */
static void
share_counts(DynamoScanState *s, const DynamoPage *page)
{
	pg_atomic_fetch_add_u64(&s->pscan->requests, 1);
	pg_atomic_fetch_add_u64(&s->pscan->pages, 1);
	pg_atomic_fetch_add_u64(&s->pscan->scanned, page->scanned);
	pg_atomic_fetch_add_u64(&s->pscan->capacity_milli,
							(uint64) (page->capacity * 1000.0 + 0.5));
}

/*
 * Ask for the page after the current one now, unless there is none or the
 * LIMIT was pushed down (the pages asked for are then all that is wanted).
 */
static void
send_ahead(DynamoScanState *s)
{
	if (s->exhausted || s->plan.limit > 0 || s->ahead || s->start_key == NULL)
		return;
	s->request->start_key = kept_key(s->start_key);
	s->ahead = dynamo_op_page_ahead(s->conn, s->request);
	s->ahead_key = NULL;
}

/*
 * DynamoPageEarly of a scan: a page has arrived intact (a page after the
 * first, or the first of a scan expected to read every row).  Parsing it
 * takes a few milliseconds for a megabyte, during which DynamoDB would sit
 * idle; so ask for the next page at once, from the guess at this page's
 * LastEvaluatedKey.  fetch_pages compares the guess with the parsed key
 * and drops the request if they differ.
 */
static void
request_next_early(const DynamoValue *next_key, void *arg)
{
	DynamoScanState *s = (DynamoScanState *) arg;
	DynamoPageRequest next = *s->request;

	/* s->request stays as it is: a retry of this page sends it again */
	next.start_key = unconstify(DynamoValue *, next_key);
	s->ahead = dynamo_op_page_ahead(s->conn, &next);
	s->ahead_key = next_key;
}

/*
 * A Query or Scan: the next page, from the request sent ahead if there is
 * one.  Then where the page after it starts, and whether to ask for it now.
 */
static void
fetch_pages(DynamoScanState *s)
{
	uint64		seq = s->ahead;
	bool		early = s->plan.limit <= 0 && (s->pages_read >= 1 || s->plan.read_all);
	DynamoPage *page;

	s->request->start_key = kept_key(s->start_key);
	s->ahead = 0;
	page = dynamo_op_page(s->conn, s->request, seq,
						  early ? request_next_early : NULL, s);
	count_page(s, page);
	if (s->pscan)
		share_counts(s, page);
	s->counted += page->count;
	s->page = page;

	keep_key(s, &s->start_key, page->last_key);
	if (page->last_key == NULL && !s->pscan)
		s->exhausted = true;

	/*
	 * A next page asked for early, from a wrong guess: forget it (only it:
	 * other segments' pages asked for ahead stay).
	 */
	if (s->ahead && (s->ahead_key == NULL || page->last_key == NULL ||
					 !dynamo_value_equal(s->ahead_key, page->last_key)))
	{
		dynamo_request_ahead_drop(s->ahead);
		s->ahead = 0;
		s->ahead_key = NULL;
		s->requests++;			/* it went out all the same */
	}

	/*
	 * A parallel Scan's segment is done: claim the next one now and ask for
	 * its first page, so that DynamoDB reads it while this page becomes
	 * rows, as within a segment.
	 */
	if (page->last_key == NULL && s->pscan)
	{
		if (claim_segment(s))
		{
			s->request->start_key = NULL;
			s->ahead = dynamo_op_page_ahead(s->conn, s->request);
		}
		else
			s->exhausted = true;
		return;
	}

	/*
	 * A scan that has read a whole page and wants the next one most likely
	 * wants them all: ask for the page after this one now (if that was not
	 * done early), so that DynamoDB prepares it while this one becomes rows.
	 * So does a scan the planner expects to read every row.  Otherwise the
	 * first page waits until half of it is read (dynamo_scan_next_item).
	 */
	if (++s->pages_read >= 2 || s->plan.read_all)
		send_ahead(s);
}

/*
 * A Scan of segments read ahead begins its next segment: asks for its
 * first page.
 */
static void
start_segment(DynamoScanState *s)
{
	int			seg = s->seg_started++;
	int			reading = 0;
	int			i;

	s->request->segment = seg;
	s->request->start_key = NULL;
	s->seg_ahead[seg] = dynamo_op_page_ahead(s->conn, s->request);
	for (i = 0; i < s->seg_started; i++)
		reading += s->seg_done[i] ? 0 : 1;
	s->seg_most = Max(s->seg_most, reading);
}

/*
 * The begun segment to read a page of next: from next_seg on, the first
 * whose page has arrived, else the first not done; -1 when all are done.
 */
static int
choose_segment(DynamoScanState *s)
{
	int			first = -1;
	int			i;

	for (i = 0; i < s->seg_started; i++)
	{
		int			seg = (s->next_seg + i) % s->seg_started;

		if (s->seg_done[seg])
			continue;
		if (dynamo_http_ahead_arrived(s->seg_ahead[seg]))
			return seg;
		if (first < 0)
			first = seg;
	}
	return first;
}

/*
 * Wait for segment SEG's page, and begin another segment when the wait was
 * long: more than a quarter of the time the scan spends on a page (parsing
 * it, making rows: the mean so far, so that a short last page of a segment
 * does not lower the bar), or a round trip with no request ahead at all.
 * Round trips and DynamoDB's reading then cost more than the scan's own
 * work, and another page in flight hides them; where the scan's work
 * dominates (a server that answers as fast as the scan reads), more
 * segments would only add requests and memory.  A segment's first page is
 * not judged: it was asked for only when the segment before it ended.
 */
static void
wait_for_segment(DynamoScanState *s, int seg)
{
	bool		ahead = dynamo_http_is_ahead(s->seg_ahead[seg]);
	bool		judge;
	instr_time	start;
	instr_time	waited;

	INSTR_TIME_SET_CURRENT(start);
	if (!INSTR_TIME_IS_ZERO(s->seg_work_began))
	{
		instr_time	busy = start;

		INSTR_TIME_SUBTRACT(busy, s->seg_work_began);
		s->seg_work_us += (double) INSTR_TIME_GET_MICROSEC(busy);
		s->seg_work_pages++;
	}
	judge = s->seg_started < s->plan.segments && s->seg_start[seg] != NULL &&
		s->seg_work_pages > 0;
	dynamo_http_wait_ahead(s->seg_ahead[seg]);
	/* a cancel that ended the wait: before any other request goes out */
	CHECK_FOR_INTERRUPTS();
	INSTR_TIME_SET_CURRENT(s->seg_work_began);
	waited = s->seg_work_began;
	INSTR_TIME_SUBTRACT(waited, start);
	if (judge && (!ahead || (double) INSTR_TIME_GET_MICROSEC(waited) * 4 >
				  s->seg_work_us / s->seg_work_pages))
		start_segment(s);
}

/*
 * A Scan of segments read ahead: the next page of one segment, each begun
 * segment with its next page asked for ahead (fetch_pages does that for the
 * segment it reads).  The first call begins one segment; wait_for_segment
 * begins more while the scan waits for pages, and a segment that ends makes
 * way for the next, so that up to plan.segments requests are in flight
 * while a page becomes rows.
 */
static void
fetch_segments_ahead(DynamoScanState *s)
{
	int			seg;

	s->request->total_segments = s->plan.segments;
	if (s->seg_started == 0)
	{
		start_segment(s);
		INSTR_TIME_SET_ZERO(s->seg_work_began);
		s->seg_work_us = 0;
		s->seg_work_pages = 0;
	}
	seg = choose_segment(s);
	if (seg < 0)
	{
		s->exhausted = true;
		return;
	}
	wait_for_segment(s, seg);

	/* the segment's position and request ahead become the scan's, and back */
	s->request->segment = seg;
	s->start_key = s->seg_start[seg];
	s->ahead = s->seg_ahead[seg];
	s->ahead_key = NULL;
	fetch_pages(s);
	s->seg_start[seg] = s->start_key;
	s->seg_ahead[seg] = s->ahead;
	s->seg_done[seg] = s->exhausted;
	s->start_key = NULL;
	s->ahead = 0;
	s->ahead_key = NULL;
	s->exhausted = false;
	s->next_seg = (seg + 1) % s->seg_started;
	if (s->seg_done[seg] && s->seg_started < s->plan.segments)
		start_segment(s);
	s->exhausted = choose_segment(s) < 0;
}

/*
 * Fetch the next page into s->page, in a fresh page context.  False when
 * there is nothing more to read.
 */
bool
dynamo_scan_fetch_page(DynamoScanState *s)
{
	MemoryContext oldcxt;

	if (s->exhausted)
		return false;
	MemoryContextReset(s->page_cxt);
	oldcxt = MemoryContextSwitchTo(s->page_cxt);
	s->page = NULL;
	s->next_item = 0;

	switch (s->plan.op)
	{
		case DYNAMO_OP_GET_ITEM:
			fetch_item(s);
			break;
		case DYNAMO_OP_BATCH_GET_ITEM:
			fetch_batch(s);
			break;
		case DYNAMO_OP_SCAN:
			if (s->pscan && s->cur_segment < 0 && !claim_segment(s))
			{
				s->exhausted = true;
				MemoryContextSwitchTo(oldcxt);
				return false;
			}
			if (s->plan.segments > 1)
			{
				if (s->plan.segments_ahead)
					fetch_segments_ahead(s);
				else
					fetch_segments(s);
				break;
			}
			/* FALLTHROUGH */
		case DYNAMO_OP_QUERY:
			fetch_pages(s);
			break;
	}
	MemoryContextSwitchTo(oldcxt);
	return true;
}

/*
 * Make the next of DynamoDB's items current (s->next_item indexes it in
 * s->page), reading the next page when this one is done; false after the
 * last.
 */
bool
dynamo_scan_next_item(DynamoScanState *s)
{
	for (;;)
	{
		if (s->page && s->next_item < s->page->nitems)
		{
			if (s->ahead == 0 && s->pages_read == 1 &&
				s->next_item == s->page->nitems / 2)
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
			if ((s->ahead || s->seg_ahead) && (s->next_item & 63) == 0)
				dynamo_http_pump_ahead();
			return true;
		}
		if (s->dynamo_done)
			return false;
		CHECK_FOR_INTERRUPTS();
		if (!dynamo_scan_fetch_page(s))
		{
			s->dynamo_done = true;
			return false;
		}
	}
}
