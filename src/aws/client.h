/*-------------------------------------------------------------------------
 *
 * client.h
 *		  Calling DynamoDB: the interface of client.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/client.h
 *
 * Requests and answers are ddb_value.h's trees; the typed operations
 * (ops_read.h, ops_write.h, operations.h) are what the wrapper calls.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_AWS_CLIENT_H
#define DYNAMO_AWS_CLIENT_H

#include "foreign/foreign.h"

#include "aws_error.h"
#include "ddb_value.h"
#include "pg_compat.h"			/* pg_attribute_noreturn on 18 */
#include "server_options.h"

typedef struct DynamoConn
{
	DynamoServerOptions *opts;
	UserMapping *user;
	char	   *server_name;
	char	   *url;
	char	   *host;			/* Host header as sent and signed */
	char	   *path;
	const char *region;			/* signing region */
} DynamoConn;

/* A DynamoDB error returned to a caller that asked for it. */
typedef struct DynamoError
{
	char	   *type;			/* e.g. "ConditionalCheckFailedException" */
	char	   *message;
	const DynamoValue *doc;		/* the whole error document */
	long		status;
} DynamoError;

/* Reads a 200 response's body; NULL when it is garbled.  See client.c. */
typedef void *(*DynamoBodyParser) (const char *body, int len, void *arg);

/* in client.c */
extern uint64 dynamo_metadata_generation;
extern DynamoConn *dynamo_connect(ForeignServer *server, UserMapping *user);
extern DynamoValue *dynamo_request(DynamoConn *conn, const char *operation,
								   const DynamoValue *request, DynamoError *err);
extern void *dynamo_request_parsed(DynamoConn *conn, const char *operation,
								   const DynamoValue *request, DynamoError *err,
								   DynamoBodyParser parser, void *parser_arg);
extern void dynamo_request_many(DynamoConn *conn, const char *operation,
								DynamoValue **requests, int n, DynamoValue **results);
extern uint64 dynamo_request_ahead(DynamoConn *conn, const char *operation,
								   const DynamoValue *request);
extern void *dynamo_request_ahead_finish(uint64 seq, DynamoConn *conn,
										 const char *operation,
										 const DynamoValue *request,
										 DynamoBodyParser parser, void *parser_arg);
extern void dynamo_request_ahead_drop(uint64 seq);
extern void dynamo_report_error(DynamoConn *conn, const char *operation,
								const DynamoError *err, long status) pg_attribute_noreturn();

#endif							/* DYNAMO_AWS_CLIENT_H */
