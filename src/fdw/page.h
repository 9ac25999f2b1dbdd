/*-------------------------------------------------------------------------
 *
 * page.h
 *		  A Query or Scan response read item by item; see page.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/page.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_PAGE_H
#define DYNAMO_PAGE_H

/*
 * json-c's trees, by their struct names: a file that only passes them along
 * needs no json-c; the files that read or build JSON include ddb_json.h.
 */
struct json_c_object;

#include "ddb_value.h"

typedef struct DynamoPage
{
	const char *text;			/* the response body */
	struct json_c_object *rest;		/* the response with an empty Items array */
	int			nitems;
	int		   *item_start;		/* offset of each item in text */
	int		   *item_len;
} DynamoPage;

/*
 * What dynamo_page_parse calls, when given, with a response body that
 * arrived whole and intact, before it reads it (see scan.c).
 */
typedef struct DynamoPagePeek
{
	void		(*peek) (const char *body, int len, void *arg);
	void	   *arg;
} DynamoPagePeek;

/* in page.c */
extern void *dynamo_page_parse(const char *body, int len, void *arg);
extern struct json_c_object *dynamo_page_guess_next_key(const char *body, int len);
extern struct json_c_object *dynamo_page_item(DynamoPage *page, int i);
extern DynamoValue *dynamo_page_item_tree(DynamoPage *page, int i);

#endif							/* DYNAMO_PAGE_H */
