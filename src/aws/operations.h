/*-------------------------------------------------------------------------
 *
 * operations.h
 *		  DynamoDB operations as typed C calls; see operations.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/operations.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_OPERATIONS_H
#define DYNAMO_OPERATIONS_H

#include "nodes/pg_list.h"

#include "client.h"

/* DynamoDB scalar attribute types of keys. */
#define DYNAMO_TYPE_S	'S'
#define DYNAMO_TYPE_N	'N'
#define DYNAMO_TYPE_B	'B'

/* How much of the base table's items an index holds. */
typedef enum DynamoProjection
{
	DYNAMO_PROJECT_ALL,
	DYNAMO_PROJECT_KEYS_ONLY,
	DYNAMO_PROJECT_INCLUDE
} DynamoProjection;

/* A global or local secondary index, from DescribeTable. */
typedef struct DynamoIndex
{
	char	   *name;
	bool		is_local;
	char	   *partition_key;
	char		partition_type;
	char	   *sort_key;		/* NULL when none */
	char		sort_type;
	DynamoProjection projection;
	List	   *include;		/* attribute names (String), for INCLUDE */
} DynamoIndex;

/*
 * What DescribeTable says about a table (a foreign table's partition_key and
 * sort_key options are only checked against it).  table.c keeps one in its
 * metadata cache's context; never modify it.
 */
typedef struct DynamoTable
{
	char	   *table_name;
	char	   *partition_key;
	char		partition_type;
	char	   *sort_key;		/* NULL when the table has none */
	char		sort_type;
	List	   *indexes;		/* DynamoIndex * */
	double		item_count;		/* DynamoDB's estimate, about 6 h old */
	double		table_bytes;
} DynamoTable;

/* in operations.c */
extern DynamoTable *dynamo_op_describe_table(DynamoConn *conn,
											 const char *table_name,
											 DynamoError *err);
extern bool dynamo_op_list_tables(DynamoConn *conn, const char *start, int limit,
								  List **names, char **last, DynamoError *err);

#endif							/* DYNAMO_OPERATIONS_H */
