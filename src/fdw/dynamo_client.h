/*-------------------------------------------------------------------------
 *
 * dynamo_client.h
 *		  What the wrapper's rooms offer each other in json-c terms (convert,
 *		  scan, txn, bulk), with src/aws/client.h, calling DynamoDB.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/dynamo_client.h
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

#include "client.h"
#include "dynamo_fdw.h"
#include "item.h"

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

/* A column a DynamoRowReader fills. */
typedef struct DynamoReadColumn
{
	const char *column;			/* the column's name, for errors */
	const char *attr;			/* the attribute read into it */
	int			attr_len;
	bool		document;		/* the whole item instead */
	int			pos;			/* where in the row */
	DynamoColumnIO io;
} DynamoReadColumn;

/* Rows from items; see convert.c. */
typedef struct DynamoRowReader
{
	int			ncolumns;
	DynamoReadColumn *columns;
	int		   *guess;			/* by member position: the column found there */
	int		   *slots;			/* attribute name hash: column index + 1, or 0 */
	int			nslots;			/* a power of two */
	const char *current_column; /* the column being read, for errors */
} DynamoRowReader;

/* in scan.c */
extern json_c_object *dynamo_batch_get(DynamoConn *conn, const char *table,
									   json_c_object *spec,
									   json_c_object **unprocessed,
									   double *capacity);

/* in convert.c */
extern void dynamo_column_io_init(DynamoColumnIO *io, Oid type, int32 typmod);
extern Datum dynamo_av_to_datum(const DynamoValue *av, DynamoColumnIO *io,
								bool *isnull);
extern Jsonb *dynamo_av_to_jsonb(const DynamoValue *av);
extern Jsonb *dynamo_item_to_jsonb(const DynamoValue *item);
extern DynamoRowReader *dynamo_row_reader_create(int ncolumns);
extern void dynamo_row_reader_add(DynamoRowReader *r, const DynamoColumn *col, int pos);
extern void dynamo_row_read(DynamoRowReader *r, const DynamoValue *item,
							Datum *values, bool *isnull);
extern json_c_object *dynamo_jsonb_to_av(Jsonb *jb);
extern json_c_object *dynamo_datum_to_av(Datum d, Oid type);
extern bool dynamo_value_storable(Datum d, Oid type);
extern char dynamo_type_tag(Oid type);
extern Datum dynamo_av_to_datum_binary(json_c_object *b64);
extern char *dynamo_value_display(const DynamoValue *av);
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

/*
 * Where a buffered write goes: the DynamoDB table and its key, and whose
 * user mapping signs the request (one TransactWriteItems per mapping).
 */
typedef struct DynamoWriteTarget
{
	Oid			serverid;
	Oid			userid;			/* the role the user mapping was found for */
	Oid			umid;			/* that user mapping */
	const char *table;
	const char *partition_key;
	const char *sort_key;		/* NULL: none */
	bool		track_sent;		/* the statement also reads the table */
} DynamoWriteTarget;

typedef enum DynamoTxnOutcome
{
	DYNAMO_TXN_BUFFERED,		/* merged into the buffer */
	DYNAMO_TXN_SKIPPED,			/* nothing to do: the item is gone for this
								 * transaction, or this command changed it */
	DYNAMO_TXN_DUPLICATE		/* INSERT of an item the transaction made */
} DynamoTxnOutcome;

typedef enum DynamoTxnKnown
{
	DYNAMO_TXN_UNKNOWN,			/* no buffered write */
	DYNAMO_TXN_EXISTS,
	DYNAMO_TXN_ABSENT
} DynamoTxnKnown;

extern char *dynamo_key_string(json_c_object *item, const char *pk, const char *sk);
extern char *dynamo_key_display(json_c_object *item, const char *pk, const char *sk);
extern void dynamo_report_duplicate(const char *table, const char *keydisp,
									const char *detail_more) pg_attribute_noreturn();
extern DynamoTxnKnown dynamo_txn_known(const DynamoWriteTarget *wt, json_c_object *key);
extern DynamoTxnOutcome dynamo_txn_insert(const DynamoWriteTarget *wt, json_c_object *key,
										  json_c_object *item, bool do_nothing,
										  CommandId cid);
extern DynamoTxnOutcome dynamo_txn_update(const DynamoWriteTarget *wt, json_c_object *key,
										  json_c_object *set, json_c_object *remove,
										  json_c_object *image, json_c_object *expect,
										  CommandId cid);
extern DynamoTxnOutcome dynamo_txn_delete(const DynamoWriteTarget *wt, json_c_object *key,
										  json_c_object *expect, CommandId cid);
extern void dynamo_txn_lock(const DynamoWriteTarget *wt, json_c_object *key,
							json_c_object *expect, CommandId cid);
extern void dynamo_txn_note_bulk(uint64 items);
extern json_c_object *dynamo_txn_see(Oid serverid, const char *table, json_c_object *key,
									 json_c_object *item);
extern bool dynamo_txn_single_statement(struct EState *estate);

/* in bulk.c */
typedef struct DynamoBulkWriter DynamoBulkWriter;
extern DynamoBulkWriter *dynamo_bulk_begin(DynamoConn *conn, const char *table,
										   const char *pk, const char *sk);
extern void dynamo_bulk_add(DynamoBulkWriter *w, json_c_object *item);
extern uint64 dynamo_bulk_finish(DynamoBulkWriter *w);

#endif							/* DYNAMO_CLIENT_H */
