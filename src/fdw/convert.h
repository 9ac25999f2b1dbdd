/*-------------------------------------------------------------------------
 *
 * convert.h
 *		  AttributeValue <-> Datum, items -> rows; see convert.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/convert.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CONVERT_H
#define DYNAMO_CONVERT_H

#include "fmgr.h"
#include "utils/jsonb.h"

#include "ddb_value.h"
#include "table.h"

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

/* Why DynamoDB cannot store a number; see dynamo_number_problem. */
typedef enum DynamoNumberProblem
{
	DYNAMO_NUMBER_OK,
	DYNAMO_NUMBER_DIGITS,		/* more than 38 significant digits */
	DYNAMO_NUMBER_RANGE,		/* magnitude outside 1E-130 .. 1E+126 */
	DYNAMO_NUMBER_NOT_DECIMAL	/* no digits: NaN, Infinity */
} DynamoNumberProblem;

/* in convert.c */
extern void dynamo_column_io_init(DynamoColumnIO *io, Oid type, int32 typmod);
extern Datum dynamo_av_to_datum(const DynamoValue *av, DynamoColumnIO *io,
								bool *isnull);
extern Jsonb *dynamo_item_to_jsonb(const DynamoValue *item);
extern DynamoRowReader *dynamo_row_reader_create(int ncolumns);
extern void dynamo_row_reader_add(DynamoRowReader *r, const DynamoColumn *col, int pos);
extern void dynamo_row_read(DynamoRowReader *r, const DynamoValue *item,
							Datum *values, bool *isnull);
extern DynamoValue *dynamo_datum_to_av(Datum d, Oid type);
extern DynamoNumberProblem dynamo_number_problem(const char *s);
extern bool dynamo_value_storable(Datum d, Oid type);
extern char dynamo_type_tag(Oid type);
extern Datum dynamo_av_to_datum_binary(const DynamoValue *b64);
extern char *dynamo_value_display(const DynamoValue *av);

#endif							/* DYNAMO_CONVERT_H */
