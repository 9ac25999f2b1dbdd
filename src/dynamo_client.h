/*-------------------------------------------------------------------------
 *
 * dynamo_client.h
 *		  Calling DynamoDB: the interface of client.c, in json-c terms.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/dynamo_client.h
 *
 * Include after ddb_json.h.  Rooms that build or read DynamoDB JSON include
 * this; the rest of the code does not see json-c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CLIENT_H
#define DYNAMO_CLIENT_H

#include "dynamo_fdw.h"

typedef struct DynamoConn
{
	DynamoServerOptions *opts;
	UserMapping *user;
	char	   *server_name;
	char	   *url;
	char	   *host;			/* Host header as sent and signed */
	char	   *path;
	const char *region;			/* signing region */
	uint64		requests;		/* HTTP requests sent through this conn */
} DynamoConn;

/* A DynamoDB error returned to a caller that asked for it. */
typedef struct DynamoError
{
	char	   *type;			/* e.g. "ConditionalCheckFailedException" */
	char	   *message;
	json_c_object *body;		/* the whole error document */
	long		status;
} DynamoError;

/* in client.c */
extern uint64 dynamo_requests_sent;
extern DynamoConn *dynamo_connect(ForeignServer *server, UserMapping *user);
extern json_c_object *dynamo_call(DynamoConn *conn, const char *operation,
								  json_c_object *request, DynamoError *err);
extern void dynamo_report_error(DynamoConn *conn, const char *operation,
								const DynamoError *err, long status) pg_attribute_noreturn();
extern int	dynamo_error_sqlstate(const char *type);
extern void dynamo_json_own(json_c_object *obj);
extern json_c_object *dynamo_json_parse(const char *body, int len);
extern const char *dynamo_json_get_string(json_c_object *obj, const char *key);

#endif							/* DYNAMO_CLIENT_H */
