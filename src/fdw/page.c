/*-------------------------------------------------------------------------
 *
 * page.c
 *		  A Query or Scan response read item by item.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/page.c
 *
 * A page of DynamoDB holds up to 1 MB of items, which is a few thousand
 * small ones.  Parsed whole into a json-c tree, such a page takes ten times
 * its size or more (every attribute value is an object with its own hash
 * table), so a scan's memory would grow with the number of items a page
 * holds.  Instead, one pass of PostgreSQL's own JSON parser (common/jsonapi,
 * which checks the syntax of the whole response) notes where each element
 * of the response's Items array begins and ends; the rest of the response
 * (Count, ScannedCount, LastEvaluatedKey, ConsumedCapacity) is parsed by
 * json-c with the array left empty, and each item is parsed only when the
 * scan reaches it, into the caller's (per-row) memory context: into
 * item.c's tree, or json-c's when the transaction's buffered writes are to
 * be laid over it.  What a page costs is then its text and two integers
 * per item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "client.h"
#include "dynamo_fdw.h"
#include "ddb_value.h"
#include "page.h"
#include "pg_compat.h"

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
 * DynamoBodyParser for client.c: index the 200 response BODY of LEN bytes
 * (which must stay allocated as long as the page is used).  Returns NULL
 * when the body is not a valid JSON object in UTF-8, so that the request
 * is tried again like any garbled response.  The page and the json-c tree
 * of the rest are owned by the current memory context.  ARG, when not
 * NULL, is a DynamoPagePeek, called first.
 */
void *
dynamo_page_parse(const char *body, int len, void *arg)
{
	DynamoPage *page;
	PageIndexState st;
	JsonSemAction sem;
	JsonLexContext *lex;
	JsonParseErrorType rc;
	StringInfoData rest;

	if (arg != NULL)
	{
		DynamoPagePeek *peek = (DynamoPagePeek *) arg;

		peek->peek(body, len, peek->arg);
	}

	/* json-c would refuse bad UTF-8 in an item; refuse it here, for all */
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

	memset(&sem, 0, sizeof(sem));
	sem.semstate = &st;
	sem.object_start = index_object_start;
	sem.object_end = index_object_end;
	sem.array_start = index_array_start;
	sem.array_end = index_array_end;
	sem.array_element_start = index_element_start;
	sem.array_element_end = index_element_end;

	/* no de-escaping: only offsets are wanted (and \u0000 is no error) */
	lex = makeJsonLexContextCstringLen(unconstify(char *, body), len, PG_UTF8, false);
	st.lex = lex;
	if (len == 0 || body[strspn(body, " \t\r\n")] != '{')
		return NULL;
	rc = pg_parse_json(lex, &sem);
	if (rc != JSON_SUCCESS)
		return NULL;

	/* the rest of the response, with an empty Items array */
	initStringInfo(&rest);
	if (st.items_start >= 0)
	{
		appendBinaryStringInfo(&rest, body, st.items_start);
		appendStringInfoString(&rest, "[]");
		appendBinaryStringInfo(&rest, body + st.items_end, len - st.items_end);
	}
	else
		appendBinaryStringInfo(&rest, body, len);
	page->rest = dynamo_json_parse(rest.data, rest.len);
	pfree(rest.data);
	if (page->rest == NULL || !json_object_is_type(page->rest, json_type_object))
		return NULL;
	return page;
}

/*
 * The tokener for what the page parser has checked already (the page's
 * UTF-8 is checked whole): one for the backend's life, reset for each use.
 */
static json_tokener *
page_tokener(void)
{
	static json_tokener *tok = NULL;

	if (tok == NULL)
	{
		tok = json_tokener_new_ex(DYNAMO_JSON_MAX_DEPTH);
		if (tok == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	else
		json_tokener_reset(tok);
	return tok;
}

/*
 * Item I of PAGE as json-c's tree, parsed now into the current memory
 * context (freed with it).
 */
json_c_object *
dynamo_page_item(DynamoPage *page, int i)
{
	json_c_object *item;

	Assert(i >= 0 && i < page->nitems);
	item = dynamo_json_parse_with(page_tokener(), page->text + page->item_start[i],
								  page->item_len[i]);
	if (item == NULL || !json_object_is_type(item, json_type_object))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("DynamoDB sent an item that is not a JSON object")));
	return item;
}

/*
 * Item I of PAGE as a tree (see item.c), parsed now into the current
 * memory context (freed with it): how a scan reads a page's items when no
 * buffered write of the transaction needs to be laid over them.  An item
 * PostgreSQL's parser refuses (it holds a string text cannot hold) is read
 * through json-c, so that only a column that reads the string fails, with
 * an error that names it, as for any item.
 */
DynamoValue *
dynamo_page_item_tree(DynamoPage *page, int i)
{
	DynamoValue *item;

	Assert(i >= 0 && i < page->nitems);
	item = dynamo_value_parse(page->text + page->item_start[i], page->item_len[i]);
	if (item == NULL)
		return dynamo_value_from_json_c(dynamo_page_item(page, i));
	if (item->kind != DYNAMO_VALUE_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("DynamoDB sent an item that is not a JSON object")));
	return item;
}

/*
 * A quick guess at the LastEvaluatedKey of the response BODY, before the
 * response is parsed: the value after the last "LastEvaluatedKey": in the
 * text, read by json-c.  DynamoDB writes that member after the Items
 * array, and the text cannot occur inside a JSON string (its quotes would
 * be escaped), so only an item's map key of that name, after the real one,
 * could mislead; the caller checks the guess against the parsed page
 * anyway.  Returns the key (owned by the current memory context), or NULL.
 */
json_c_object *
dynamo_page_guess_next_key(const char *body, int len)
{
	static const char member[] = "\"LastEvaluatedKey\":";
	const int	mlen = sizeof(member) - 1;
	json_c_object *key;
	int			i;

	for (i = len - mlen; i >= 0; i--)
		if (body[i] == '"' && memcmp(body + i, member, mlen) == 0)
			break;
	if (i < 0)
		return NULL;
	/* the body is not checked yet: json-c checks its UTF-8 */
	key = dynamo_json_parse(body + i + mlen, len - i - mlen);
	return key && json_object_is_type(key, json_type_object) ? key : NULL;
}
