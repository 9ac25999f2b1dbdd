/*-------------------------------------------------------------------------
 *
 * table.h
 *		  A foreign table, its columns and what DescribeTable says of its DynamoDB table; see table.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/table.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_TABLE_H
#define DYNAMO_TABLE_H

#include "foreign/foreign.h"
#include "nodes/pg_list.h"

#include "operations.h"

/* One column of a foreign table and the attribute it maps to. */
typedef struct DynamoColumn
{
	AttrNumber	attnum;
	char	   *column;			/* PostgreSQL column name */
	char	   *attr;			/* DynamoDB attribute name */
	Oid			type;
	int32		typmod;
	Oid			collation;
	bool		document;		/* jsonb holding the whole item */
	bool		dropped;
} DynamoColumn;

/* A foreign table as the planner and executor need it. */
typedef struct DynamoRelation
{
	Oid			relid;
	char	   *relname;
	ForeignTable *table;
	ForeignServer *server;
	const DynamoTable *meta;	/* NULL in a parallel worker's scan */
	int			ncolumns;		/* = tuple descriptor's natts */
	DynamoColumn *columns;		/* indexed by attnum - 1 */
	bool		consistent_read;
	int			scan_segments;	/* the option, or 0: none given */
} DynamoRelation;

/* in table.c */
extern DynamoRelation *dynamo_get_relation(Oid relid);
extern DynamoRelation *dynamo_get_relation_columns(Oid relid);
extern const DynamoTable *dynamo_describe_table(ForeignServer *server,
												UserMapping *user,
												const char *table_name,
												List *table_options);
extern const DynamoColumn *dynamo_column_by_attr(const DynamoRelation *rel,
												 const char *attr);
extern const DynamoColumn *dynamo_document_column(const DynamoRelation *rel);
extern void dynamo_forget_tables(void);

#endif							/* DYNAMO_TABLE_H */
