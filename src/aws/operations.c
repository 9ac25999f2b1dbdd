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

#include "ddb_json.h"

#include "nodes/value.h"

#include "client.h"
#include "operations.h"

static char
attribute_type(json_c_object *defs, const char *name)
{
	size_t		i;

	for (i = 0; defs && i < json_object_array_length(defs); i++)
	{
		json_c_object *d = json_object_array_get_idx(defs, i);
		const char *n = dynamo_json_get_string(d, "AttributeName");
		const char *t = dynamo_json_get_string(d, "AttributeType");

		if (n && t && strcmp(n, name) == 0)
			return t[0];
	}
	return DYNAMO_TYPE_S;
}

/* Read a KeySchema array into partition and sort key names. */
static void
read_key_schema(json_c_object *schema, json_c_object *defs,
				char **pk, char *pk_type, char **sk, char *sk_type)
{
	size_t		i;

	*pk = *sk = NULL;
	*pk_type = *sk_type = DYNAMO_TYPE_S;
	for (i = 0; schema && i < json_object_array_length(schema); i++)
	{
		json_c_object *k = json_object_array_get_idx(schema, i);
		const char *name = dynamo_json_get_string(k, "AttributeName");
		const char *type = dynamo_json_get_string(k, "KeyType");

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
read_indexes(json_c_object *array, json_c_object *defs, bool is_local,
			 List *indexes)
{
	size_t		i;

	for (i = 0; array && i < json_object_array_length(array); i++)
	{
		json_c_object *ix = json_object_array_get_idx(array, i);
		json_c_object *schema = NULL,
				   *proj = NULL,
				   *incl = NULL;
		DynamoIndex *index = palloc0(sizeof(DynamoIndex));
		const char *ptype;
		const char *status = dynamo_json_get_string(ix, "IndexStatus");

		/* A GSI still being built cannot be queried. */
		if (status && strcmp(status, "ACTIVE") != 0)
			continue;

		index->name = pstrdup(dynamo_json_get_string(ix, "IndexName"));
		index->is_local = is_local;
		json_object_object_get_ex(ix, "KeySchema", &schema);
		read_key_schema(schema, defs, &index->partition_key, &index->partition_type,
						&index->sort_key, &index->sort_type);
		json_object_object_get_ex(ix, "Projection", &proj);
		ptype = dynamo_json_get_string(proj, "ProjectionType");
		if (ptype && strcmp(ptype, "KEYS_ONLY") == 0)
			index->projection = DYNAMO_PROJECT_KEYS_ONLY;
		else if (ptype && strcmp(ptype, "INCLUDE") == 0)
		{
			size_t		j;

			index->projection = DYNAMO_PROJECT_INCLUDE;
			if (proj && json_object_object_get_ex(proj, "NonKeyAttributes", &incl))
				for (j = 0; j < json_object_array_length(incl); j++)
					index->include = lappend(index->include,
											 makeString(pstrdup(json_object_get_string(json_object_array_get_idx(incl, j)))));
		}
		else
			index->projection = DYNAMO_PROJECT_ALL;
		if (index->partition_key)
			indexes = lappend(indexes, index);
	}
	return indexes;
}

/*
 * DescribeTable of TABLE_NAME: its key schema and key types, its ACTIVE
 * indexes, and DynamoDB's item count and size estimates.  palloc'd in the
 * current context (the request and response trees too, tied to it).  NULL
 * when DynamoDB answered with an error, which is then in *ERR as
 * dynamo_call leaves it.  partition_key is NULL when the answer names
 * none; the caller decides what that means.
 */
DynamoTable *
dynamo_op_describe_table(DynamoConn *conn, const char *table_name,
						 DynamoError *err)
{
	json_c_object *req,
			   *resp,
			   *desc = NULL,
			   *defs = NULL,
			   *schema = NULL,
			   *v;
	DynamoTable *t;

	req = json_object_new_object();
	dynamo_json_own(req);
	json_object_object_add(req, "TableName", json_object_new_string(table_name));
	resp = dynamo_call(conn, "DescribeTable", req, err);
	if (resp == NULL)
		return NULL;
	json_object_object_get_ex(resp, "Table", &desc);
	json_object_object_get_ex(desc, "AttributeDefinitions", &defs);
	json_object_object_get_ex(desc, "KeySchema", &schema);

	t = palloc0(sizeof(DynamoTable));
	t->table_name = pstrdup(table_name);
	read_key_schema(schema, defs, &t->partition_key, &t->partition_type,
					&t->sort_key, &t->sort_type);
	if (json_object_object_get_ex(desc, "GlobalSecondaryIndexes", &v))
		t->indexes = read_indexes(v, defs, false, t->indexes);
	if (json_object_object_get_ex(desc, "LocalSecondaryIndexes", &v))
		t->indexes = read_indexes(v, defs, true, t->indexes);
	if (json_object_object_get_ex(desc, "ItemCount", &v))
		t->item_count = json_object_get_double(v);
	if (json_object_object_get_ex(desc, "TableSizeBytes", &v))
		t->table_bytes = json_object_get_double(v);
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
