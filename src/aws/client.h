/*-------------------------------------------------------------------------
 *
 * client.h
 *		  Calling DynamoDB: the interface of client.c, in json-c terms.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/client.h
 *
 * Requests and answers are json-c trees, which this header names without
 * including json-c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_AWS_CLIENT_H
#define DYNAMO_AWS_CLIENT_H

/*
 * json-c's trees, by their struct names: a file that only passes them along
 * needs no json-c; the files that read or build JSON include ddb_json.h.
 */
struct json_c_object;
struct json_tokener;

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
	struct json_c_object *body;		/* the whole error document */
	DynamoValue *doc;			/* the same, as a tree */
	long		status;
} DynamoError;

/* in client.c */
extern uint64 dynamo_metadata_generation;
extern DynamoConn *dynamo_connect(ForeignServer *server, UserMapping *user);
extern struct json_c_object *dynamo_call(DynamoConn *conn, const char *operation,
								  struct json_c_object *request, DynamoError *err);
/* Reads a 200 response's body; NULL when it is garbled.  See client.c. */
typedef void *(*DynamoBodyParser) (const char *body, int len, void *arg);
extern void *dynamo_call_parsed(DynamoConn *conn, const char *operation,
								struct json_c_object *request, DynamoError *err,
								DynamoBodyParser parser, void *parser_arg);
extern uint64 dynamo_call_ahead(DynamoConn *conn, const char *operation,
								struct json_c_object *request);
extern void *dynamo_call_ahead_finish(uint64 seq, DynamoConn *conn,
									  const char *operation,
									  struct json_c_object *request,
									  DynamoBodyParser parser, void *parser_arg);
extern void dynamo_call_ahead_drop(uint64 seq);
extern void dynamo_call_many(DynamoConn *conn, const char *operation,
							 struct json_c_object **requests, int n,
							 struct json_c_object **results);
extern void dynamo_report_error(DynamoConn *conn, const char *operation,
								const DynamoError *err, long status) pg_attribute_noreturn();
extern void dynamo_json_own(struct json_c_object *obj);
extern struct json_c_object *dynamo_json_parse_with(struct json_tokener *tok, const char *body,
											 int len);
extern struct json_c_object *dynamo_json_parse(const char *body, int len);
extern const char *dynamo_json_get_string(struct json_c_object *obj, const char *key);

/* the same with requests and answers as trees (ddb_value.h) */
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


#endif							/* DYNAMO_AWS_CLIENT_H */
