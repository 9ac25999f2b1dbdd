/*-------------------------------------------------------------------------
 *
 * client.c
 *		  DynamoDB's JSON 1.0 protocol: sign, send, retry, map errors.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/client.c
 *
 * Every DynamoDB operation goes through dynamo_request() or one of its
 * siblings (many at once, one ahead of need).  Each signs the request
 * with SigV4 (credentials from credentials.c), sends it with http.c, checks
 * the response's CRC32, retries what the AWS SDKs' standard retry mode
 * retries (throttling, 5xx, transport errors) with aws_error.c's capped
 * exponential backoff and full jitter, and turns AWS errors into SQLSTATEs
 * with DynamoDB's own message in the detail.  Secrets never reach a
 * message.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <zlib.h>

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "aws_error.h"
#include "client.h"
#include "credentials.h"
#include "http.h"
#include "signing.h"

#define DYNAMO_TARGET_PREFIX	"DynamoDB_20120810."

/*
 * Bumped when an answer says that what DescribeTable told may be stale (a
 * table or index not found, a key that does not match the schema).  The
 * metadata cache (src/fdw/table.c) compares it with the value it was
 * filled under and starts anew when they differ; the client knows nothing
 * of that cache.
 */
uint64		dynamo_metadata_generation = 0;

/*
 * Describe where to send requests for a server and user mapping.  No network
 * traffic.  palloc'd in the caller's context.
 */
DynamoConn *
dynamo_connect(ForeignServer *server, UserMapping *user)
{
	DynamoConn *conn = palloc0(sizeof(DynamoConn));
	DynamoServerOptions *opts = dynamo_get_server_options(server);
	const char *rest;
	const char *slash;

	conn->opts = opts;
	conn->user = user;
	conn->server_name = pstrdup(server->servername);

	if (opts->endpoint)
		conn->url = pstrdup(opts->endpoint);
	else
	{
		if (opts->region == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
					 errmsg("no AWS region for server \"%s\"", server->servername),
					 errhint("Set the server option \"region\", or AWS_REGION in the database server's environment.")));
		conn->url = psprintf("https://dynamodb%s.%s.amazonaws.com%s/",
							 opts->use_fips ? "-fips" : "", opts->region,
							 strncmp(opts->region, "cn-", 3) == 0 ? ".cn" : "");
	}

	/* DynamoDB Local accepts any region; pick the SDKs' usual one. */
	conn->region = opts->region ? opts->region : "us-east-1";

	/* Host header and path, exactly as they will be sent and signed. */
	rest = strstr(conn->url, "://") + 3;
	slash = strchr(rest, '/');
	if (slash)
	{
		conn->host = pnstrdup(rest, slash - rest);
		conn->path = pstrdup(slash);
	}
	else
	{
		conn->host = pstrdup(rest);
		conn->path = "/";
	}
	return conn;
}

/*
 * A whole body as a tree; NULL when it is not JSON or not UTF-8 (JSON's
 * encoding: PostgreSQL's parser does not check it inside strings, and a
 * garbled body is worth another attempt).
 */
static DynamoValue *
parse_body(const char *body, int len)
{
	if (!pg_verify_mbstr(PG_UTF8, body, len, true))
		return NULL;
	return dynamo_value_parse_any(body, len);
}

/* Split an AWS error body into its type (after '#') and message. */
static void
parse_aws_error(const DynamoValue *body, DynamoError *err)
{
	const char *type = dynamo_value_member_string(body, "__type");
	const char *msg = dynamo_value_member_string(body, "message");

	if (msg == NULL)
		msg = dynamo_value_member_string(body, "Message");
	if (type && strchr(type, '#'))
		type = strrchr(type, '#') + 1;
	err->type = type ? pstrdup(type) : NULL;
	err->message = msg ? dynamo_aws_message(msg) : NULL;
	err->doc = body;
}

static bool
crc32_matches(const DynamoHttpResponse *resp)
{
	unsigned long expected;
	uLong		crc;

	if (resp->crc32 == NULL)
		return true;
	expected = strtoul(resp->crc32, NULL, 10);
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, (const Bytef *) resp->body.data, (uInt) resp->body.len);
	return crc == expected;
}

/*
 * Fill HREQ with a signed POST of PAYLOAD for TARGET.  Credentials are
 * looked up each time: they may have been refreshed.  Header lines are
 * palloc'd in the current context.
 */
static void
sign_request(DynamoConn *conn, const char *target, const char *payload,
			 size_t payload_len, DynamoHttpRequest *hreq)
{
	DynamoPost	post;

	post.url = conn->url;
	post.host = conn->host;
	post.path = conn->path;
	post.content_type = "application/x-amz-json-1.0";
	post.target = target;
	post.payload = payload;
	post.payload_len = payload_len;
	post.region = conn->region;
	post.service = "dynamodb";
	dynamo_post_request(&post, dynamo_credentials_get(conn->user, conn->region), hreq);
	hreq->connect_timeout_ms = conn->opts->connect_timeout_ms;
	hreq->timeout_ms = conn->opts->request_timeout_ms;
}

typedef enum CallOutcome
{
	CALL_OK,					/* *result holds the response */
	CALL_RETRY,					/* worth another attempt */
	CALL_FAIL					/* an AWS error retrying will not fix */
} CallOutcome;

/* What became of one attempt: the last error is kept in *attempt. */
typedef struct AttemptState
{
	DynamoError last;			/* the last AWS error */
	char	   *transport_error;	/* the last transport failure, or NULL */
	long		status;
	bool		throttled;
} AttemptState;

static CallOutcome
interpret_response(bool arrived, char *transport_error, DynamoHttpResponse *hresp,
				   void **result, AttemptState *st, DynamoBodyParser parser,
				   void *parser_arg)
{
	const DynamoValue *body;

	/* only the latest attempt counts */
	st->throttled = false;
	st->status = 0;
	st->transport_error = NULL;
	memset(&st->last, 0, sizeof(st->last));
	if (!arrived)
	{
		st->transport_error = transport_error;	/* always worth retrying */
		return CALL_RETRY;
	}
	if (!crc32_matches(hresp))
	{
		st->transport_error = psprintf("response CRC32 mismatch (x-amz-crc32 %s)",
									   hresp->crc32);
		return CALL_RETRY;
	}
	if (hresp->status == 200)
	{
		/* the caller's parser: a tree, or a page read its own way */
		*result = parser(hresp->body.data, hresp->body.len, parser_arg);
		if (*result != NULL)
			return CALL_OK;
		st->status = hresp->status;
		st->transport_error = pstrdup("response is not valid JSON");
		return CALL_RETRY;
	}

	st->status = hresp->status;
	body = parse_body(hresp->body.data, hresp->body.len);
	if (body)
		parse_aws_error(body, &st->last);
	else
		st->transport_error = psprintf("HTTP status %ld with a body that is not JSON",
									   hresp->status);

	st->throttled = dynamo_aws_is_throttling(st->last.type);
	if (st->throttled || dynamo_aws_is_transient(hresp->status, st->last.type))
		return CALL_RETRY;
	st->transport_error = NULL;
	return CALL_FAIL;
}

/* Report running out of attempts. */
static void
report_exhausted(DynamoConn *conn, const char *operation, AttemptState *st)
{
	if (dynamo_aws_is_throttling(st->last.type))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("DynamoDB throttled the %s request after %d attempts",
						operation, conn->opts->max_attempts),
				 errdetail_internal("%s: %s", st->last.type,
									st->last.message ? st->last.message : ""),
				 errhint("Raise the table's capacity, or the server option \"max_attempts\".")));
	if (st->transport_error)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not complete DynamoDB %s request to server \"%s\"",
						operation, conn->server_name),
				 errdetail_internal("%s (after %d attempts)", st->transport_error,
									conn->opts->max_attempts),
				 errhint("Check the server options \"endpoint\" and \"region\"; \"max_attempts\" sets how often a request is tried.")));
	if (dynamo_aws_is_transient(st->status, st->last.type))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("DynamoDB %s request failed after %d attempts",
						operation, conn->opts->max_attempts),
				 errdetail_internal("%s: %s",
									st->last.type ? st->last.type : psprintf("HTTP %ld", st->status),
									st->last.message ? st->last.message : ""),
				 errhint("DynamoDB reported a server error each time; \"max_attempts\" sets how often a request is tried.")));
	dynamo_report_error(conn, operation, &st->last, st->status);
}

/*
 * Attempts FIRST .. max_attempts - 1 of one request (ST holds what became of
 * the attempts before FIRST), with backoff before each.  Returns the parsed
 * response (by PARSER when given), or NULL with *err set for a
 * non-retryable AWS error when ERR is given; otherwise reports the error.
 */
static void *
call_with_retries(DynamoConn *conn, const char *operation, const char *target,
				  const char *payload, size_t payload_len, DynamoError *err,
				  AttemptState *st, int first, DynamoBodyParser parser,
				  void *parser_arg)
{
	int			attempt;

	for (attempt = first; attempt < conn->opts->max_attempts; attempt++)
	{
		DynamoHttpRequest hreq;
		DynamoHttpResponse hresp;
		char	   *transport_error = NULL;
		void	   *result = NULL;
		bool		arrived;

		if (attempt > 0)
			dynamo_retry_pause(attempt - 1, st->throttled);

		sign_request(conn, target, payload, payload_len, &hreq);
		arrived = dynamo_http_perform(&hreq, &hresp, &transport_error);

		switch (interpret_response(arrived, transport_error, &hresp, &result, st,
								   parser, parser_arg))
		{
			case CALL_OK:
				return result;
			case CALL_RETRY:
				continue;
			case CALL_FAIL:
				if (err)
				{
					*err = st->last;
					err->status = st->status;
					return NULL;
				}
				dynamo_report_error(conn, operation, &st->last, st->status);
		}
	}
	report_exhausted(conn, operation, st);
	return NULL;				/* keep compiler quiet */
}

/* Attempts FIRST .. of OPERATION with body PAYLOAD, as call_with_retries. */
static void *
call_payload(DynamoConn *conn, const char *operation, const char *payload,
			 DynamoError *err, AttemptState *st, int first,
			 DynamoBodyParser parser, void *parser_arg)
{
	return call_with_retries(conn, operation,
							 psprintf("%s%s", DYNAMO_TARGET_PREFIX, operation),
							 payload, strlen(payload), err, st, first,
							 parser, parser_arg);
}

/*
 * The work of dynamo_request_many: PAYLOADS are the requests' bodies, and
 * a successful answer goes to PARSER.
 */
static void
call_many_payloads(DynamoConn *conn, const char *operation, const char **payloads,
				   int n, void **results, DynamoBodyParser parser, void *parser_arg)
{
	char	   *target = psprintf("%s%s", DYNAMO_TARGET_PREFIX, operation);
	DynamoHttpRequest *hreqs = palloc(sizeof(DynamoHttpRequest) * n);
	DynamoHttpResponse *hresps = palloc(sizeof(DynamoHttpResponse) * n);
	bool	   *arrived = palloc(sizeof(bool) * n);
	char	  **errors = palloc(sizeof(char *) * n);
	int			i;

	Assert(n <= DYNAMO_HTTP_MAX_PARALLEL);
	for (i = 0; i < n; i++)
		sign_request(conn, target, payloads[i], strlen(payloads[i]), &hreqs[i]);
	dynamo_http_perform_many(hreqs, n, hresps, arrived, errors);

	for (i = 0; i < n; i++)
	{
		AttemptState st;

		memset(&st, 0, sizeof(st));
		results[i] = NULL;
		switch (interpret_response(arrived[i], errors[i], &hresps[i], &results[i],
								   &st, parser, parser_arg))
		{
			case CALL_OK:
				break;
			case CALL_RETRY:
				results[i] = call_with_retries(conn, operation, target, payloads[i],
											   strlen(payloads[i]), NULL, &st, 1,
											   parser, parser_arg);
				break;
			case CALL_FAIL:
				dynamo_report_error(conn, operation, &st.last, st.status);
		}
	}
}

/*
 * Report an AWS error as a PostgreSQL error.
 */
void
dynamo_report_error(DynamoConn *conn, const char *operation,
					const DynamoError *err, long status)
{
	int			sqlstate = dynamo_error_sqlstate(err->type);
	const char *type = err->type ? err->type : psprintf("HTTP %ld", status);

	if (sqlstate == ERRCODE_FDW_TABLE_NOT_FOUND)
	{
		/* the table (or index) may be gone or recreated: describe it anew */
		dynamo_metadata_generation++;
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("DynamoDB table or index not found in %s request", operation),
				 errdetail_internal("%s: %s", type, err->message ? err->message : ""),
				 errhint("Check the foreign table's \"table_name\" option and the server's region and endpoint.")));
	}
	if (sqlstate == ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("DynamoDB refused the credentials of the %s request", operation),
				 errdetail_internal("%s: %s", type, err->message ? err->message : ""),
				 errhint("Check the user mapping's credentials for server \"%s\".",
						 conn->server_name)));
	/* a table recreated with another key schema: describe it anew */
	if (sqlstate == ERRCODE_INVALID_PARAMETER_VALUE)
		dynamo_metadata_generation++;
	/* an index deleted since DescribeTable: the next plan does without it */
	if (err->message && strstr(err->message, "does not have the specified index"))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("DynamoDB index not found in %s request", operation),
				 errdetail_internal("%s: %s", type, err->message),
				 errhint("The index was removed after this session read the table's description; the next statement is planned without it.")));
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("DynamoDB %s request failed", operation),
			 errdetail_internal("%s: %s", type, err->message ? err->message : "")));
}

/* Send OPERATION with body PAYLOAD ahead; see dynamo_request_ahead. */
static uint64
ahead_payload(DynamoConn *conn, const char *operation, const char *payload)
{
	DynamoHttpRequest hreq;

	sign_request(conn, psprintf("%s%s", DYNAMO_TARGET_PREFIX, operation),
				 payload, strlen(payload), &hreq);
	return dynamo_http_send_ahead(&hreq);
}

/* The work of dynamo_request_ahead_finish, with the request's body PAYLOAD. */
static void *
ahead_finish_payload(uint64 seq, DynamoConn *conn, const char *operation,
					 const char *payload, DynamoBodyParser parser,
					 void *parser_arg)
{
	DynamoHttpResponse hresp;
	char	   *transport_error = NULL;
	void	   *result = NULL;
	AttemptState st;
	bool		arrived;

	memset(&st, 0, sizeof(st));
	/* dropped since (another request went ahead): send it now */
	if (!dynamo_http_is_ahead(seq))
		return call_payload(conn, operation, payload, NULL, &st, 0, parser, parser_arg);

	arrived = dynamo_http_take_ahead(seq, &hresp, &transport_error);
	switch (interpret_response(arrived, transport_error, &hresp, &result, &st,
							   parser, parser_arg))
	{
		case CALL_OK:
			break;
		case CALL_RETRY:
			/* the request sent ahead was the first attempt */
			result = call_payload(conn, operation, payload, NULL, &st, 1,
								  parser, parser_arg);
			break;
		case CALL_FAIL:
			dynamo_report_error(conn, operation, &st.last, st.status);
	}
	return result;
}

/*
 * The calls.  Requests and answers are ddb_value.h's trees; a successful
 * answer's body becomes a tree in the current memory context, an error's
 * document is DynamoError.doc.
 */

/* DynamoBodyParser for a whole answer as a tree. */
static void *
value_parser(const char *body, int len, void *arg)
{
	return parse_body(body, len);
}

/*
 * Send OPERATION with REQUEST as its body and return the answer, in the
 * current memory context.
 *
 * Transient failures are retried up to the server's max_attempts, with the
 * same body (so a TransactWriteItems keeps its ClientRequestToken).  A
 * non-retryable AWS error is returned in *err (and NULL returned) when the
 * caller passes ERR, because some callers turn particular errors into their
 * own (a cancelled transaction, a failed condition); otherwise it is
 * reported here.
 */
DynamoValue *
dynamo_request(DynamoConn *conn, const char *operation, const DynamoValue *request,
			   DynamoError *err)
{
	return dynamo_request_parsed(conn, operation, request, err, NULL, NULL);
}

/*
 * As dynamo_request, but a successful answer's body goes to PARSER (with
 * ARG; NULL: read as a tree), and what it returns is returned; when PARSER
 * returns NULL the body is taken for a garbled one and the request is tried
 * again.
 */
void *
dynamo_request_parsed(DynamoConn *conn, const char *operation,
					  const DynamoValue *request, DynamoError *err,
					  DynamoBodyParser parser, void *parser_arg)
{
	AttemptState st;

	memset(&st, 0, sizeof(st));
	return call_payload(conn, operation, dynamo_value_text(request), err, &st, 0,
						parser ? parser : value_parser, parser_arg);
}

/*
 * Send N requests of one OPERATION at once and return their answers in
 * RESULTS.  The first attempt of each goes out concurrently (a Scan's
 * segments, a key join's batches); any that need another attempt are
 * retried one by one, counting that first attempt, so that no request is
 * tried more than max_attempts times.  Errors are reported as
 * dynamo_request reports them.
 */
void
dynamo_request_many(DynamoConn *conn, const char *operation,
					DynamoValue **requests, int n, DynamoValue **results)
{
	const char **payloads = palloc(sizeof(char *) * n);
	int			i;

	for (i = 0; i < n; i++)
		payloads[i] = dynamo_value_text(requests[i]);
	call_many_payloads(conn, operation, payloads, n, (void **) results,
					   value_parser, NULL);
}

/*
 * Send OPERATION with REQUEST now, ahead of need (a scan's next page), and
 * return without waiting a number for dynamo_request_ahead_finish, which
 * gets the answer.  Up to DYNAMO_HTTP_MAX_PARALLEL requests are ahead at
 * once: sending another then drops the oldest (whose finish sends it
 * again).
 */
uint64
dynamo_request_ahead(DynamoConn *conn, const char *operation, const DynamoValue *request)
{
	return ahead_payload(conn, operation, dynamo_value_text(request));
}

/*
 * The answer to the request dynamo_request_ahead sent (REQUEST must say
 * the same), read by PARSER as dynamo_request_parsed does.  That request
 * was the first attempt: when it failed, the others follow as
 * dynamo_request_parsed makes them, with the same error reports.
 */
void *
dynamo_request_ahead_finish(uint64 seq, DynamoConn *conn, const char *operation,
							const DynamoValue *request, DynamoBodyParser parser,
							void *parser_arg)
{
	return ahead_finish_payload(seq, conn, operation, dynamo_value_text(request),
								parser ? parser : value_parser, parser_arg);
}

/* Forget request SEQ sent ahead, if it still is. */
void
dynamo_request_ahead_drop(uint64 seq)
{
	dynamo_http_drop_ahead(seq);
}
