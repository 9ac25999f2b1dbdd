/*-------------------------------------------------------------------------
 *
 * ops_read.c
 *		  DynamoDB's reads as typed C calls: GetItem, BatchGetItem, Query
 *		  and Scan, each request built from a struct and each answer read
 *		  into a DynamoPage.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/ops_read.c
 *
 * The wrapper's scans (src/fdw/) never see DynamoDB's JSON: they fill a
 * DynamoPageRequest or DynamoGetRequest, and get a DynamoPage back.
 *
 * A Query or Scan page holds up to 1 MB of items, a few thousand small
 * ones.  Parsed whole into a tree it would take several times its size, so
 * its body goes to a parser of its own (page_parse): one pass of
 * PostgreSQL's JSON parser (common/jsonapi, which checks the syntax of the
 * whole body) notes where each element of the Items array begins and ends,
 * the rest of the answer (Count, ScannedCount, LastEvaluatedKey,
 * ConsumedCapacity) is parsed with the array left empty, and each item is
 * parsed only when the scan reaches it (dynamo_page_item), into the
 * scan's per-row memory context.  What a page costs is then its text and
 * two integers per item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"

#include "aws_error.h"
#include "client.h"
#include "ddb_value.h"
#include "ops_read.h"
#include "pg_compat.h"

/* ---- requests ---- */

/* Set string member NAME of REQ to S, unless S is NULL or empty. */
static void
set_string(DynamoValue *req, const char *name, const char *s)
{
	if (s && s[0])
		dynamo_value_set(req, name, dynamo_value_string(s));
}

/* Set member NAME of REQ to a copy of V, unless V is NULL. */
static void
set_copy(DynamoValue *req, const char *name, const DynamoValue *v)
{
	if (v)
		dynamo_value_set(req, name, dynamo_value_copy(v));
}

/* The JSON request of a Query or Scan page. */
static DynamoValue *
page_request(const DynamoPageRequest *r)
{
	DynamoValue *req = dynamo_value_object();

	dynamo_value_set(req, "TableName", dynamo_value_string(r->table));
	set_string(req, "IndexName", r->index);
	set_string(req, "KeyConditionExpression", r->key_condition);
	set_string(req, "FilterExpression", r->filter);
	if (r->count)
		dynamo_value_set(req, "Select", dynamo_value_string("COUNT"));
	else
		set_string(req, "ProjectionExpression", r->projection);
	set_copy(req, "ExpressionAttributeNames", r->names);
	set_copy(req, "ExpressionAttributeValues", r->values);
	if (r->consistent)
		dynamo_value_set(req, "ConsistentRead", dynamo_value_bool(true));
	if (r->limit > 0)
		dynamo_value_set(req, "Limit", dynamo_value_number(r->limit));
	if (r->descending)
		dynamo_value_set(req, "ScanIndexForward", dynamo_value_bool(false));
	if (r->capacity)
		dynamo_value_set(req, "ReturnConsumedCapacity", dynamo_value_string("TOTAL"));
	if (r->total_segments > 0)
	{
		dynamo_value_set(req, "Segment", dynamo_value_number(r->segment));
		dynamo_value_set(req, "TotalSegments", dynamo_value_number(r->total_segments));
	}
	set_copy(req, "ExclusiveStartKey", r->start_key);
	return req;
}

/* What GetItem's request and a BatchGetItem table's part share. */
static void
set_read_options(DynamoValue *req, const DynamoGetRequest *r)
{
	if (r->consistent)
		dynamo_value_set(req, "ConsistentRead", dynamo_value_bool(true));
	if (r->projection && r->projection[0])
	{
		set_string(req, "ProjectionExpression", r->projection);
		set_copy(req, "ExpressionAttributeNames", r->names);
	}
}

static DynamoValue *
get_item_request(const DynamoGetRequest *r)
{
	DynamoValue *req = dynamo_value_object();

	dynamo_value_set(req, "TableName", dynamo_value_string(r->table));
	dynamo_value_set(req, "Key", dynamo_value_copy(r->key));
	set_read_options(req, r);
	dynamo_value_set(req, "ReturnConsumedCapacity", dynamo_value_string("TOTAL"));
	return req;
}

static DynamoValue *
batch_get_request(const DynamoGetRequest *r)
{
	DynamoValue *req = dynamo_value_object();
	DynamoValue *tables = dynamo_value_object();
	DynamoValue *part = dynamo_value_object();

	dynamo_value_set(part, "Keys", dynamo_value_copy(r->keys));
	set_read_options(part, r);
	dynamo_value_set(tables, r->table, part);
	dynamo_value_set(req, "RequestItems", tables);
	dynamo_value_set(req, "ReturnConsumedCapacity", dynamo_value_string("TOTAL"));
	return req;
}

/* ---- answers ---- */

/*
 * MEMBER of an answer to OPERATION, which must be an array when present:
 * the answer comes from whatever listens on the endpoint.
 */
static DynamoValue *
answer_array(const DynamoValue *answer, const char *member, const char *operation)
{
	DynamoValue *v = dynamo_value_member(answer, member);

	if (v && v->kind != DYNAMO_VALUE_ARRAY)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("malformed DynamoDB %s response", operation),
				 errdetail("Its \"%s\" member is not an array.", member)));
	return v;
}

static int64
number_member(const DynamoValue *v, const char *name)
{
	DynamoValue *m = dynamo_value_member(v, name);

	return m && m->kind == DYNAMO_VALUE_NUMBER ? strtoll(m->str, NULL, 10) : 0;
}

static double
capacity_units(const DynamoValue *cc)
{
	DynamoValue *u = dynamo_value_member(cc, "CapacityUnits");

	return u && u->kind == DYNAMO_VALUE_NUMBER ? strtod(u->str, NULL) : 0;
}

/* The capacity units an answer says it consumed (one table or several). */
static double
answer_capacity(const DynamoValue *answer)
{
	DynamoValue *cc = dynamo_value_member(answer, "ConsumedCapacity");
	DynamoValue *m;
	double		total = 0;

	if (cc && cc->kind == DYNAMO_VALUE_ARRAY)
	{
		dynamo_value_foreach(m, cc)
			total += capacity_units(m);
	}
	else
		total = capacity_units(cc);
	return total;
}

/* Count, ScannedCount, LastEvaluatedKey and capacity of ANSWER into PAGE. */
static void
read_counts(DynamoPage *page, const DynamoValue *answer)
{
	DynamoValue *lek = dynamo_value_member(answer, "LastEvaluatedKey");

	page->count = number_member(answer, "Count");
	page->scanned = number_member(answer, "ScannedCount");
	page->last_key = lek && lek->kind != DYNAMO_VALUE_NULL ? lek : NULL;
	page->capacity = answer_capacity(answer);
}

/* A page holding the members of ARRAY (NULL: none) as its items. */
static DynamoPage *
page_of_array(const DynamoValue *array)
{
	DynamoPage *page = palloc0(sizeof(DynamoPage));
	DynamoValue *m;

	page->items = palloc(sizeof(DynamoValue *) * Max(array ? array->len : 0, 1));
	dynamo_value_foreach(m, array)
		page->items[page->nitems++] = m;
	return page;
}

/* The page of a whole Query or Scan answer (Scan segments). */
static DynamoPage *
page_of_answer(const DynamoValue *answer, const char *operation)
{
	DynamoPage *page = page_of_array(answer_array(answer, "Items", operation));

	read_counts(page, answer);
	return page;
}

/* The page of a BatchGetItem answer for TABLE. */
static DynamoPage *
page_of_batch_answer(const DynamoValue *answer, const char *table)
{
	DynamoValue *part = dynamo_value_member(dynamo_value_member(answer, "Responses"), table);
	DynamoPage *page;
	DynamoValue *keys;

	if (part && part->kind != DYNAMO_VALUE_ARRAY)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("malformed DynamoDB %s response", "BatchGetItem"),
				 errdetail("Its \"%s\" member is not an array.", "Responses")));
	page = page_of_array(part);
	page->capacity = answer_capacity(answer);
	part = dynamo_value_member(dynamo_value_member(answer, "UnprocessedKeys"), table);
	keys = answer_array(part, "Keys", "BatchGetItem");
	if (keys && keys->len > 0)
		page->unprocessed = keys;
	return page;
}

/* ---- GetItem and BatchGetItem ---- */

/*
 * GetItem of REQ's key: a page of the item, or of none.  In the current
 * memory context.  Errors are reported.
 */
DynamoPage *
dynamo_op_get_item(DynamoConn *conn, const DynamoGetRequest *req)
{
	DynamoValue *answer = dynamo_request(conn, "GetItem", get_item_request(req), NULL);
	DynamoValue *item = dynamo_value_member(answer, "Item");
	DynamoPage *page = palloc0(sizeof(DynamoPage));

	page->items = palloc(sizeof(DynamoValue *));
	if (item && item->kind != DYNAMO_VALUE_NULL)
		page->items[page->nitems++] = item;
	page->capacity = answer_capacity(answer);
	return page;
}

/*
 * KEY's item of TABLE, read consistently: the write path's look at an
 * item before it decides (INSERT ... ON CONFLICT DO NOTHING, a direct
 * modification's read path).  With KEY_ONLY (the partition key's name)
 * only that attribute is read: enough to know the item exists.  NULL when
 * there is no item; errors are reported.
 */
DynamoValue *
dynamo_op_read_item(DynamoConn *conn, const char *table, const DynamoValue *key,
					const char *key_only)
{
	DynamoValue *req = dynamo_value_object();
	DynamoValue *resp;
	DynamoValue *item;

	dynamo_value_set(req, "TableName", dynamo_value_string(table));
	dynamo_value_set(req, "Key", dynamo_value_copy(key));
	dynamo_value_set(req, "ConsistentRead", dynamo_value_bool(true));
	if (key_only)
	{
		DynamoValue *names = dynamo_value_object();

		dynamo_value_set(req, "ProjectionExpression", dynamo_value_string("#k"));
		dynamo_value_set(names, "#k", dynamo_value_string(key_only));
		dynamo_value_set(req, "ExpressionAttributeNames", names);
	}
	resp = dynamo_request(conn, "GetItem", req, NULL);
	item = dynamo_value_member(resp, "Item");
	return item && item->kind == DYNAMO_VALUE_OBJECT ? item : NULL;
}

/*
 * After the answer PAGE to REQ, a BatchGetItem whose last STALLS answers
 * read none of its keys: its stalls now.  0 when DynamoDB read some keys
 * (or left none), one more when it left every key unprocessed: DynamoDB
 * throttles the request; after max_attempts such answers, an error.
 */
int
dynamo_op_batch_get_stalls(DynamoConn *conn, const DynamoGetRequest *req,
						   const DynamoPage *page, int stalls)
{
	int			asked = req->keys ? req->keys->len : 0;

	if (page->unprocessed == NULL || page->unprocessed->len < asked)
		return 0;
	if (++stalls >= conn->opts->max_attempts)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("DynamoDB throttled the BatchGetItem request after %d attempts",
						stalls),
				 errdetail("DynamoDB returned all %d keys of the request unprocessed each time.",
						   asked),
				 errhint("Raise the table's read capacity, or the server option \"max_attempts\".")));
	return stalls;
}

/*
 * N BatchGetItem requests sent together (N at most
 * DYNAMO_HTTP_MAX_PARALLEL), their answers in PAGES, the keys DynamoDB
 * left in each page's unprocessed.  The caller, which has several requests
 * in flight, asks for those again and paces itself (dynamo_retry_pause,
 * dynamo_op_batch_get_stalls).
 */
void
dynamo_op_batch_get_item_many(DynamoConn *conn, const DynamoGetRequest *reqs,
							  int n, DynamoPage **pages)
{
	DynamoValue **requests = palloc(sizeof(DynamoValue *) * n);
	DynamoValue **answers = palloc(sizeof(DynamoValue *) * n);
	int			i;

	for (i = 0; i < n; i++)
		requests[i] = batch_get_request(&reqs[i]);
	dynamo_request_many(conn, "BatchGetItem", requests, n, answers);
	for (i = 0; i < n; i++)
		pages[i] = page_of_batch_answer(answers[i], reqs[i].table);
}

/* ---- Query and Scan pages ---- */

/* What the jsonapi callbacks keep track of while indexing a page. */
typedef struct PageIndexState
{
	JsonLexContext *lex;
	DynamoPage *page;
	int			level;			/* containers open around the current token */
	bool		in_items;		/* inside the top level's array */
	bool		seen_items;
	int			items_start;	/* offset of the array's '[' */
	int			items_end;		/* offset just past its ']' */
	int			elem_start;
	int			cap;
} PageIndexState;

static dynamo_json_cb_result
index_object_start(void *arg)
{
	((PageIndexState *) arg)->level++;
	DYNAMO_JSON_CB_DONE;
}

static dynamo_json_cb_result
index_object_end(void *arg)
{
	((PageIndexState *) arg)->level--;
	DYNAMO_JSON_CB_DONE;
}

/* The one array at the top level of a Query or Scan response is Items. */
static dynamo_json_cb_result
index_array_start(void *arg)
{
	PageIndexState *st = (PageIndexState *) arg;

	if (st->level == 1 && !st->seen_items)
	{
		st->in_items = true;
		st->seen_items = true;
		st->items_start = st->lex->token_start - st->lex->input;
	}
	st->level++;
	DYNAMO_JSON_CB_DONE;
}

static dynamo_json_cb_result
index_array_end(void *arg)
{
	PageIndexState *st = (PageIndexState *) arg;

	st->level--;
	if (st->level == 1 && st->in_items)
	{
		st->in_items = false;
		st->items_end = st->lex->prev_token_terminator - st->lex->input;
	}
	DYNAMO_JSON_CB_DONE;
}

static dynamo_json_cb_result
index_element_start(void *arg, bool isnull)
{
	PageIndexState *st = (PageIndexState *) arg;

	if (st->in_items && st->level == 2)
		st->elem_start = st->lex->token_start - st->lex->input;
	DYNAMO_JSON_CB_DONE;
}

static dynamo_json_cb_result
index_element_end(void *arg, bool isnull)
{
	PageIndexState *st = (PageIndexState *) arg;
	DynamoPage *page = st->page;

	if (!(st->in_items && st->level == 2))
		DYNAMO_JSON_CB_DONE;
	if (page->nitems == st->cap)
	{
		st->cap *= 2;
		page->item_start = repalloc(page->item_start, sizeof(int) * st->cap);
		page->item_len = repalloc(page->item_len, sizeof(int) * st->cap);
	}
	page->item_start[page->nitems] = st->elem_start;
	page->item_len[page->nitems] =
		(st->lex->prev_token_terminator - st->lex->input) - st->elem_start;
	page->nitems++;
	DYNAMO_JSON_CB_DONE;
}

/*
 * Note in ST where BODY's items are; false when BODY is not a JSON object.
 * No de-escaping: only offsets are wanted (and \u0000 is no error).
 */
static bool
index_items(PageIndexState *st, const char *body, int len)
{
	JsonSemAction sem;

	memset(&sem, 0, sizeof(sem));
	sem.semstate = st;
	sem.object_start = index_object_start;
	sem.object_end = index_object_end;
	sem.array_start = index_array_start;
	sem.array_end = index_array_end;
	sem.array_element_start = index_element_start;
	sem.array_element_end = index_element_end;

	st->lex = makeJsonLexContextCstringLen(unconstify(char *, body), len, PG_UTF8, false);
	if (len == 0 || body[strspn(body, " \t\r\n")] != '{')
		return false;
	return pg_parse_json(st->lex, &sem) == JSON_SUCCESS;
}

/*
 * The text of the JSON object BODY + START begins with (LEN bytes in all),
 * up to its closing brace; -1 when BODY ends first.  Strings are skipped
 * whole, escapes included.
 */
static int
object_extent(const char *body, int start, int len)
{
	int			depth = 0;
	bool		in_string = false;
	int			i;

	for (i = start; i < len; i++)
	{
		char		c = body[i];

		if (in_string)
		{
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		}
		else if (c == '"')
			in_string = true;
		else if (c == '{')
			depth++;
		else if (c == '}' && --depth == 0)
			return i + 1 - start;
	}
	return -1;
}

/*
 * A quick guess at the LastEvaluatedKey of the response BODY, before the
 * response is parsed: the object after the last "LastEvaluatedKey": in the
 * text.  DynamoDB writes that member after the Items array, and the text
 * cannot occur inside a JSON string (its quotes would be escaped), so only
 * an item's map key of that name, after the real one, could mislead; the
 * caller checks the guess against the parsed page anyway.  The key, in the
 * current memory context, or NULL.
 */
static DynamoValue *
guess_next_key(const char *body, int len)
{
	static const char member[] = "\"LastEvaluatedKey\":";
	const int	mlen = sizeof(member) - 1;
	DynamoValue *key;
	int			i;
	int			klen;

	for (i = len - mlen; i >= 0; i--)
		if (body[i] == '"' && memcmp(body + i, member, mlen) == 0)
			break;
	if (i < 0)
		return NULL;
	i += mlen;
	while (i < len && strchr(" \t\r\n", body[i]) && body[i])
		i++;
	if (i >= len || body[i] != '{' || (klen = object_extent(body, i, len)) < 0)
		return NULL;
	/* the body is not checked yet */
	if (!pg_verify_mbstr(PG_UTF8, body + i, klen, true))
		return NULL;
	key = dynamo_value_parse_any(body + i, klen);
	return key && key->kind == DYNAMO_VALUE_OBJECT ? key : NULL;
}

/* Where a page's early caller is, for page_parse. */
typedef struct PageParseArg
{
	DynamoPageEarly early;
	void	   *arg;
} PageParseArg;

/*
 * DynamoBodyParser of a Query or Scan page: index the 200 response BODY of
 * LEN bytes (which stays allocated as long as the page is used).  NULL
 * when the body is not a valid JSON object in UTF-8, so that the request
 * is tried again like any garbled response.  The page and the tree of the
 * rest of the answer are in the current memory context.
 */
static void *
page_parse(const char *body, int len, void *arg)
{
	PageParseArg *pa = (PageParseArg *) arg;
	DynamoPage *page;
	PageIndexState st;
	StringInfoData rest;
	DynamoValue *answer;

	/* a next page asked for now is ready sooner than after the parsing */
	if (pa->early)
	{
		DynamoValue *guess = guess_next_key(body, len);

		if (guess)
			pa->early(guess, pa->arg);
	}

	/* any bad UTF-8 (in an item too) is a garbled answer */
	if (!pg_verify_mbstr(PG_UTF8, body, len, true))
		return NULL;

	page = palloc0(sizeof(DynamoPage));
	page->text = body;
	memset(&st, 0, sizeof(st));
	st.page = page;
	st.cap = 256;
	st.items_start = -1;
	page->item_start = palloc(sizeof(int) * st.cap);
	page->item_len = palloc(sizeof(int) * st.cap);
	if (!index_items(&st, body, len))
		return NULL;

	/* the rest of the answer, with an empty Items array */
	initStringInfo(&rest);
	if (st.items_start >= 0)
	{
		appendBinaryStringInfo(&rest, body, st.items_start);
		appendStringInfoString(&rest, "[]");
		appendBinaryStringInfo(&rest, body + st.items_end, len - st.items_end);
	}
	else
		appendBinaryStringInfo(&rest, body, len);
	answer = dynamo_value_parse_any(rest.data, rest.len);
	pfree(rest.data);
	if (answer == NULL || answer->kind != DYNAMO_VALUE_OBJECT)
		return NULL;
	read_counts(page, answer);
	return page;
}

/*
 * One Query or Scan page of REQ, in the current memory context.  AHEAD,
 * when not 0, is dynamo_op_page_ahead's number for this very request,
 * sent earlier.  EARLY, when given, is called with a guess at the next
 * page's start as soon as the body arrives (see DynamoPageEarly).  Errors
 * are reported; a garbled answer is asked for again.
 */
DynamoPage *
dynamo_op_page(DynamoConn *conn, const DynamoPageRequest *req, uint64 ahead,
			   DynamoPageEarly early, void *early_arg)
{
	const char *operation = req->query ? "Query" : "Scan";
	DynamoValue *request = page_request(req);
	PageParseArg pa;

	pa.early = early;
	pa.arg = early_arg;
	if (ahead)
		return dynamo_request_ahead_finish(ahead, conn, operation, request,
										   page_parse, &pa);
	return dynamo_request_parsed(conn, operation, request, NULL, page_parse, &pa);
}

/*
 * Send REQ now, ahead of need, and return at once the number
 * dynamo_op_page takes to read the answer.  Only one request is ever ahead
 * (client.c); the caller drops it with dynamo_request_ahead_drop.
 */
uint64
dynamo_op_page_ahead(DynamoConn *conn, const DynamoPageRequest *req)
{
	return dynamo_request_ahead(conn, req->query ? "Query" : "Scan", page_request(req));
}

/*
 * N pages (N at most DYNAMO_HTTP_MAX_PARALLEL) asked for together: a
 * Scan's segments.  Their answers are parsed whole, into PAGES.
 */
void
dynamo_op_page_many(DynamoConn *conn, const DynamoPageRequest *reqs, int n,
					DynamoPage **pages)
{
	DynamoValue **requests = palloc(sizeof(DynamoValue *) * n);
	DynamoValue **answers = palloc(sizeof(DynamoValue *) * n);
	const char *operation = reqs[0].query ? "Query" : "Scan";
	int			i;

	for (i = 0; i < n; i++)
		requests[i] = page_request(&reqs[i]);
	dynamo_request_many(conn, operation, requests, n, answers);
	for (i = 0; i < n; i++)
		pages[i] = page_of_answer(answers[i], operation);
}

/*
 * Item I of PAGE as a tree: parsed now into the current memory context
 * when the page holds text, else the page's own.  An item PostgreSQL's
 * parser refuses (a string text cannot hold, \u0000) is read as
 * dynamo_value_parse_any does, so that only a column that reads that
 * string fails, with an error naming it.
 */
DynamoValue *
dynamo_page_item(const DynamoPage *page, int i)
{
	DynamoValue *item;

	Assert(i >= 0 && i < page->nitems);
	if (page->items)
		item = page->items[i];
	else
		item = dynamo_value_parse_any(page->text + page->item_start[i],
									  page->item_len[i]);
	if (item == NULL || item->kind != DYNAMO_VALUE_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("DynamoDB sent an item that is not a JSON object")));
	return item;
}
