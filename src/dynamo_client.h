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

#include "fmgr.h"
#include "utils/jsonb.h"

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
extern void dynamo_call_many(DynamoConn *conn, const char *operation,
							 json_c_object **requests, int n,
							 json_c_object **results);
extern void dynamo_report_error(DynamoConn *conn, const char *operation,
								const DynamoError *err, long status) pg_attribute_noreturn();
extern int	dynamo_error_sqlstate(const char *type);
extern void dynamo_json_own(json_c_object *obj);
extern json_c_object *dynamo_json_parse(const char *body, int len);
extern const char *dynamo_json_get_string(json_c_object *obj, const char *key);

/* How a column's values are read from AttributeValues; see convert.c. */
typedef enum DynamoIOKind
{
	DYNAMO_IO_STRING,			/* S, through the type's input function */
	DYNAMO_IO_NUMBER,			/* N */
	DYNAMO_IO_BOOL,				/* BOOL */
	DYNAMO_IO_BINARY,			/* B */
	DYNAMO_IO_JSONB,			/* anything, as jsonb */
	DYNAMO_IO_JSON,				/* anything, as json */
	DYNAMO_IO_ARRAY				/* SS, NS, BS or L of scalars */
} DynamoIOKind;

typedef struct DynamoColumnIO
{
	DynamoIOKind kind;
	Oid			type;
	int32		typmod;
	FmgrInfo	input;			/* of the type, or of the element type */
	Oid			ioparam;
	Oid			elemtype;
	int16		elemlen;
	bool		elembyval;
	char		elemalign;
	bool		elem_is_number;
	bool		elem_is_binary;
} DynamoColumnIO;

/* in convert.c */
extern void dynamo_column_io_init(DynamoColumnIO *io, Oid type, int32 typmod);
extern Datum dynamo_av_to_datum(json_c_object *av, DynamoColumnIO *io,
								bool *isnull);
extern Jsonb *dynamo_av_to_jsonb(json_c_object *av);
extern Jsonb *dynamo_item_to_jsonb(json_c_object *item);
extern json_c_object *dynamo_jsonb_to_av(Jsonb *jb);
extern json_c_object *dynamo_datum_to_av(Datum d, Oid type);
extern char dynamo_type_tag(Oid type);
extern Datum dynamo_av_to_datum_binary(json_c_object *b64);
extern char *dynamo_av_display(json_c_object *av);

/*
 * This transaction's buffered writes to one table, as a scan sees them
 * (read-your-writes).  Opaque outside txn.c.
 */
typedef struct DynamoTxnView DynamoTxnView;

/* in txn.c */
extern DynamoTxnView *dynamo_txn_view(Oid serverid, const char *table,
									  List *key_attrs);
extern json_c_object *dynamo_txn_overlay(DynamoTxnView *view, json_c_object *item);
extern json_c_object *dynamo_txn_next_unseen(DynamoTxnView *view);

#endif							/* DYNAMO_CLIENT_H */
