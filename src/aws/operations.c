/*-------------------------------------------------------------------------
 *
 * operations.c
 *		  DynamoDB operations as typed C calls: a request in C terms, the
 *		  answer parsed into C structs.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/operations.c
 *
 * The table-level operations of the request layer: a caller here never
 * sees DynamoDB's JSON.  Each operation builds its request, sends it with
 * client.c (which signs, retries and maps errors) and reads the answer into
 * the structs of operations.h: DescribeTable and ListTables.  Reads of
 * items (the sampling Scan of IMPORT FOREIGN SCHEMA too) are ops_read.c's,
 * writes ops_write.c's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/value.h"

#include "client.h"
#include "operations.h"

static char
attribute_type(const DynamoValue *defs, const char *name)
{
	const DynamoValue *d;

	dynamo_value_foreach(d, defs)
	{
		const char *n = dynamo_value_member_string(d, "AttributeName");
		const char *t = dynamo_value_member_string(d, "AttributeType");

		if (n && t && strcmp(n, name) == 0)
			return t[0];
	}
	return DYNAMO_TYPE_S;
}

/* Read a KeySchema array into partition and sort key names. */
static void
read_key_schema(const DynamoValue *schema, const DynamoValue *defs,
				char **pk, char *pk_type, char **sk, char *sk_type)
{
	const DynamoValue *k;

	*pk = *sk = NULL;
	*pk_type = *sk_type = DYNAMO_TYPE_S;
	dynamo_value_foreach(k, schema)
	{
		const char *name = dynamo_value_member_string(k, "AttributeName");
		const char *type = dynamo_value_member_string(k, "KeyType");

		if (name == NULL || type == NULL)
			continue;
		if (strcmp(type, "HASH") == 0)
		{
			*pk = pstrdup(name);
			*pk_type = attribute_type(defs, name);
		}
		else if (strcmp(type, "RANGE") == 0)
		{
			*sk = pstrdup(name);
			*sk_type = attribute_type(defs, name);
		}
	}
}

static List *
read_indexes(const DynamoValue *array, const DynamoValue *defs, bool is_local,
			 List *indexes)
{
	const DynamoValue *ix;

	dynamo_value_foreach(ix, array)
	{
		const DynamoValue *proj = dynamo_value_member(ix, "Projection");
		DynamoIndex *index = palloc0(sizeof(DynamoIndex));
		const char *name = dynamo_value_member_string(ix, "IndexName");
		const char *ptype = dynamo_value_member_string(proj, "ProjectionType");
		const char *status = dynamo_value_member_string(ix, "IndexStatus");

		/* A GSI still being built cannot be queried. */
		if ((status && strcmp(status, "ACTIVE") != 0) || name == NULL)
			continue;

		index->name = pstrdup(name);
		index->is_local = is_local;
		read_key_schema(dynamo_value_member(ix, "KeySchema"), defs,
						&index->partition_key, &index->partition_type,
						&index->sort_key, &index->sort_type);
		if (ptype && strcmp(ptype, "KEYS_ONLY") == 0)
			index->projection = DYNAMO_PROJECT_KEYS_ONLY;
		else if (ptype && strcmp(ptype, "INCLUDE") == 0)
		{
			const DynamoValue *a;

			index->projection = DYNAMO_PROJECT_INCLUDE;
			dynamo_value_foreach(a, dynamo_value_member(proj, "NonKeyAttributes"))
				if (a->kind == DYNAMO_VALUE_STRING)
					index->include = lappend(index->include, makeString(pstrdup(a->str)));
		}
		else
			index->projection = DYNAMO_PROJECT_ALL;
		if (index->partition_key)
			indexes = lappend(indexes, index);
	}
	return indexes;
}

/* A JSON number member of OBJECT as a double; 0 when it has none. */
static double
number_member(const DynamoValue *object, const char *name)
{
	const DynamoValue *v = dynamo_value_member(object, name);

	return v && v->kind == DYNAMO_VALUE_NUMBER ? strtod(v->str, NULL) : 0;
}

/*
 * DescribeTable of TABLE_NAME: its key schema and key types, its ACTIVE
 * indexes, and DynamoDB's item count and size estimates.  palloc'd in the
 * current context.  NULL when DynamoDB answered with an error, which is
 * then in *ERR as client.c leaves it.  partition_key is NULL when the
 * answer names none; the caller decides what that means.
 */
DynamoTable *
dynamo_op_describe_table(DynamoConn *conn, const char *table_name,
						 DynamoError *err)
{
	DynamoValue *req = dynamo_value_object();
	DynamoValue *resp;
	const DynamoValue *desc;
	const DynamoValue *defs;
	DynamoTable *t;

	dynamo_value_set(req, "TableName", dynamo_value_string(table_name));
	resp = dynamo_request(conn, "DescribeTable", req, err);
	if (resp == NULL)
		return NULL;
	desc = dynamo_value_member(resp, "Table");
	defs = dynamo_value_member(desc, "AttributeDefinitions");

	t = palloc0(sizeof(DynamoTable));
	t->table_name = pstrdup(table_name);
	read_key_schema(dynamo_value_member(desc, "KeySchema"), defs,
					&t->partition_key, &t->partition_type,
					&t->sort_key, &t->sort_type);
	t->indexes = read_indexes(dynamo_value_member(desc, "GlobalSecondaryIndexes"),
							  defs, false, t->indexes);
	t->indexes = read_indexes(dynamo_value_member(desc, "LocalSecondaryIndexes"),
							  defs, true, t->indexes);
	t->item_count = number_member(desc, "ItemCount");
	t->table_bytes = number_member(desc, "TableSizeBytes");
	return t;
}

/*
 * ListTables: one page of up to LIMIT table names after START (NULL: from
 * the first), into *NAMES (String nodes' text, palloc'd) and *LAST (the
 * name to start the next page after, NULL when this was the last page).
 * Returns false with *ERR set on a non-retryable AWS error.
 */
bool
dynamo_op_list_tables(DynamoConn *conn, const char *start, int limit,
					  List **names, char **last, DynamoError *err)
{
	DynamoValue *req = dynamo_value_object();
	DynamoValue *resp;
	DynamoValue *name;
	const char *next;

	dynamo_value_set(req, "Limit", dynamo_value_number(limit));
	if (start)
		dynamo_value_set(req, "ExclusiveStartTableName", dynamo_value_string(start));
	resp = dynamo_request(conn, "ListTables", req, err);
	if (resp == NULL)
		return false;

	*names = NIL;
	dynamo_value_foreach(name, dynamo_value_member(resp, "TableNames"))
		if (name->kind == DYNAMO_VALUE_STRING)
			*names = lappend(*names, pstrdup(name->str));
	next = dynamo_value_member_string(resp, "LastEvaluatedTableName");
	*last = next ? pstrdup(next) : NULL;
	return true;
}
