/*-------------------------------------------------------------------------
 *
 * ops_read.h
 *		  DynamoDB's reads as typed C calls: GetItem, BatchGetItem, Query
 *		  and Scan; see ops_read.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/ops_read.h
 *
 * A request is a struct of C fields (keys, expression names and values as
 * ddb_value.h's trees); every answer is a DynamoPage: the items, and what
 * DynamoDB said about them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_OPS_READ_H
#define DYNAMO_OPS_READ_H

#include "client.h"
#include "ddb_value.h"

/*
 * A Query or a Scan, for one page.  Strings NULL or "" are left out of the
 * request; so are NAMES and VALUES when NULL.
 */
typedef struct DynamoPageRequest
{
	bool		query;			/* Query; else Scan */
	const char *table;
	const char *index;			/* IndexName */
	const char *key_condition;	/* KeyConditionExpression (Query) */
	const char *filter;			/* FilterExpression */
	const char *projection;		/* ProjectionExpression, unless count */
	bool		count;			/* Select=COUNT: the count, no items */
	DynamoValue *names;			/* ExpressionAttributeNames: {"#n0": ...} */
	DynamoValue *values;		/* ExpressionAttributeValues: {":v0": AV} */
	bool		consistent;		/* ConsistentRead */
	int			limit;			/* Limit; 0: none */
	bool		descending;		/* ScanIndexForward false (Query) */
	int			segment;		/* Segment, when total_segments > 0 */
	int			total_segments; /* TotalSegments; 0: not segmented */
	DynamoValue *start_key;		/* ExclusiveStartKey; NULL: the start */
	bool		capacity;		/* ReturnConsumedCapacity TOTAL */
} DynamoPageRequest;

/*
 * GetItem (KEY: an AttributeValue map) or BatchGetItem (KEYS: an array of
 * them) of one table; PROJECTION and NAMES as in DynamoPageRequest.
 * Consumed capacity is always asked for.
 */
typedef struct DynamoGetRequest
{
	const char *table;
	DynamoValue *key;			/* GetItem */
	DynamoValue *keys;			/* BatchGetItem */
	bool		consistent;
	const char *projection;
	DynamoValue *names;
} DynamoGetRequest;

/*
 * An answer: its items, either still as text (a Query or Scan page, whose
 * items are parsed one at a time by dynamo_page_item, into the caller's
 * context: a page of 1 MB costs its text and two integers an item) or
 * parsed already (GetItem, BatchGetItem, Scan segments read together).
 */
typedef struct DynamoPage
{
	int			nitems;
	const char *text;			/* the body, when items are read from it */
	int		   *item_start;		/* offset of each item in text */
	int		   *item_len;
	DynamoValue **items;		/* or the items, as trees */
	int64		count;			/* Count: items that met the filter */
	int64		scanned;		/* ScannedCount: items DynamoDB read */
	DynamoValue *last_key;		/* LastEvaluatedKey; NULL: no more pages */
	DynamoValue *unprocessed;	/* BatchGetItem: the keys it left, or NULL */
	double		capacity;		/* capacity units consumed */
} DynamoPage;

/*
 * Called, when given, with a guess at a Query or Scan page's
 * LastEvaluatedKey as soon as its body has arrived whole and intact, before
 * it is parsed: the caller may ask for the next page at once.
 */
typedef void (*DynamoPageEarly) (const DynamoValue *next_key, void *arg);

/* in ops_read.c */
extern DynamoPage *dynamo_op_get_item(DynamoConn *conn, const DynamoGetRequest *req);
extern DynamoValue *dynamo_op_read_item(DynamoConn *conn, const char *table,
										const DynamoValue *key, const char *key_only);
extern int	dynamo_op_batch_get_stalls(DynamoConn *conn, const DynamoGetRequest *req,
									   const DynamoPage *page, int stalls);
extern void dynamo_op_batch_get_item_many(DynamoConn *conn, const DynamoGetRequest *reqs,
										  int n, DynamoPage **pages);
extern DynamoPage *dynamo_op_page(DynamoConn *conn, const DynamoPageRequest *req,
								  uint64 ahead, DynamoPageEarly early, void *early_arg);
extern uint64 dynamo_op_page_ahead(DynamoConn *conn, const DynamoPageRequest *req);
extern void dynamo_op_page_many(DynamoConn *conn, const DynamoPageRequest *reqs,
								int n, DynamoPage **pages);
extern DynamoValue *dynamo_page_item(const DynamoPage *page, int i);

#endif							/* DYNAMO_OPS_READ_H */
