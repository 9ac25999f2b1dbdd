/*-------------------------------------------------------------------------
 *
 * http.h
 *		  The one small interface to libcurl.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/http.h
 *
 * Only src/aws/http.c includes <curl/curl.h>; everything else sends requests
 * through this header, so the PostgreSQL side never sees curl's types.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_HTTP_H
#define DYNAMO_HTTP_H

#include "lib/stringinfo.h"

/* Set up libcurl, once per backend (from _PG_init). */
extern void dynamo_http_init(void);

typedef struct DynamoHttpRequest
{
	const char *method;			/* "GET", "PUT", "POST" */
	const char *url;
	const char *const *headers; /* "Name: value" lines, sent as given */
	int			nheaders;
	const char *body;			/* NULL for none */
	size_t		body_len;
	long		connect_timeout_ms; /* 0: the default */
	long		timeout_ms;		/* whole request; 0: the default */
} DynamoHttpRequest;

typedef struct DynamoHttpResponse
{
	long		status;			/* HTTP status, 0 when none was received */
	StringInfoData body;		/* palloc'd in the caller's context */
	char	   *crc32;			/* x-amz-crc32 header value, or NULL */
	char	   *request_id;		/* x-amzn-RequestId, or NULL */
} DynamoHttpResponse;

/*
 * Send one request, once (retries belong to the caller, who knows which
 * errors are worth another attempt).  Returns true when a whole response
 * arrived, whatever its status; false on a transport failure, with a
 * palloc'd description in *errmsg_out.  A query cancel or statement_timeout
 * aborts the transfer and is then serviced with CHECK_FOR_INTERRUPTS, so
 * this may not return at all.
 */
extern bool dynamo_http_perform(const DynamoHttpRequest *req,
								DynamoHttpResponse *resp, char **errmsg_out);

/* Requests dynamo_http_perform_many sends at once, at most. */
#define DYNAMO_HTTP_MAX_PARALLEL	16

/*
 * Send N requests concurrently, each once.  ok[i] and errmsgs[i] as
 * dynamo_http_perform's result and *errmsg_out, for each request.
 */
extern void dynamo_http_perform_many(const DynamoHttpRequest *reqs, int n,
									 DynamoHttpResponse *resps, bool *ok,
									 char **errmsgs);

/*
 * Requests sent ahead of need (a scan's next page, one per segment): send
 * one now, take its response later (as dynamo_http_perform would return
 * it), or drop it; meanwhile pump them now and then so that the server
 * never waits on us.  Up to DYNAMO_HTTP_MAX_PARALLEL at once; another drops
 * the oldest.
 */
extern uint64 dynamo_http_send_ahead(const DynamoHttpRequest *req);
extern bool dynamo_http_take_ahead(uint64 seq, DynamoHttpResponse *resp,
								   char **errmsg_out);
extern void dynamo_http_drop_ahead(uint64 seq);
extern void dynamo_http_drop_all_ahead(void);
extern void dynamo_http_pump_ahead(void);
extern bool dynamo_http_is_ahead(uint64 seq);
extern bool dynamo_http_ahead_arrived(uint64 seq);
extern void dynamo_http_wait_ahead(uint64 seq);

#endif							/* DYNAMO_HTTP_H */
