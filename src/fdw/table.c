/*-------------------------------------------------------------------------
 *
 * table.c
 *		  Table metadata: DescribeTable cached per backend, column mapping.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/table.c
 *
 * The planner needs each table's key schema, key types and indexes for every
 * query; asking DynamoDB each time would double the requests of a GetItem.
 * So DescribeTable answers are kept in a backend-lifetime cache keyed by
 * server and table name, and dropped whenever a foreign server, foreign
 * table or user mapping changes (or DynamoDB says the table is gone).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "client.h"
#include "ddb_limits.h"
#include "dynamo_fdw.h"
#include "server_options.h"
#include "operations.h"
#include "table.h"

typedef struct TableCacheKey
{
	Oid			serverid;
	char		table_name[DYNAMO_MAX_NAME_BYTES + 1];
} TableCacheKey;

typedef struct TableCacheEntry
{
	TableCacheKey key;
	DynamoTable *table;
} TableCacheEntry;

static HTAB *table_cache = NULL;
static MemoryContext table_cache_cxt = NULL;
/* client.c's dynamo_metadata_generation when the cache was last emptied */
static uint64 table_cache_generation = 0;

/*
 * Forget every table's metadata: DynamoDB said a table is gone, or an
 * IMPORT wants the tables as they are now.
 */
void
dynamo_forget_tables(void)
{
	if (table_cache_cxt)
		MemoryContextReset(table_cache_cxt);
	table_cache = NULL;
}

/* Any change to servers, tables or user mappings: forget everything. */
static void
table_cache_invalidate(Datum arg, int cacheid, uint32 hashvalue)
{
	dynamo_forget_tables();
}

static void
table_cache_init(void)
{
	HASHCTL		ctl;

	/* DynamoDB said a table may have changed since: forget them all */
	if (table_cache_generation != dynamo_metadata_generation)
	{
		dynamo_forget_tables();
		table_cache_generation = dynamo_metadata_generation;
	}
	if (table_cache)
		return;
	if (table_cache_cxt == NULL)
	{
		table_cache_cxt = AllocSetContextCreate(CacheMemoryContext,
												"dynamo_fdw table metadata",
												ALLOCSET_SMALL_SIZES);
		CacheRegisterSyscacheCallback(FOREIGNSERVEROID, table_cache_invalidate, 0);
		CacheRegisterSyscacheCallback(FOREIGNTABLEREL, table_cache_invalidate, 0);
		CacheRegisterSyscacheCallback(USERMAPPINGOID, table_cache_invalidate, 0);
	}
	ctl.keysize = sizeof(TableCacheKey);
	ctl.entrysize = sizeof(TableCacheEntry);
	ctl.hcxt = table_cache_cxt;
	table_cache = hash_create("dynamo_fdw tables", 32, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * A deep copy of T in the current context.  Callers get copies because an
 * invalidation may reset the cache while their query still runs.
 */
static DynamoTable *
copy_table(const DynamoTable *t)
{
	DynamoTable *c = palloc(sizeof(DynamoTable));
	ListCell   *lc;

	*c = *t;
	c->table_name = pstrdup(t->table_name);
	c->partition_key = pstrdup(t->partition_key);
	c->sort_key = t->sort_key ? pstrdup(t->sort_key) : NULL;
	c->indexes = NIL;
	foreach(lc, t->indexes)
	{
		DynamoIndex *ix = palloc(sizeof(DynamoIndex));

		*ix = *(DynamoIndex *) lfirst(lc);
		ix->name = pstrdup(ix->name);
		ix->partition_key = pstrdup(ix->partition_key);
		ix->sort_key = ix->sort_key ? pstrdup(ix->sort_key) : NULL;
		ix->include = copyObject(ix->include);
		c->indexes = lappend(c->indexes, ix);
	}
	return c;
}

/*
 * A partition_key or sort_key option must name DynamoDB's own key: a wrong
 * one would send key conditions DynamoDB refuses and write items under the
 * wrong key.  T is what DynamoDB said (never changed by options, so one
 * foreign table's options cannot leak through the cache into another's).
 */
static void
check_key_options(const DynamoTable *t, List *table_options)
{
	char	   *opt;

	if ((opt = dynamo_option_string(table_options, "partition_key")) != NULL &&
		strcmp(opt, t->partition_key) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("option \"partition_key\" does not match DynamoDB table \"%s\"",
						t->table_name),
				 errdetail("The option names \"%s\"; the table's partition key is \"%s\".",
						   opt, t->partition_key),
				 errhint("Drop the option: the key is read from DynamoDB.")));
	if ((opt = dynamo_option_string(table_options, "sort_key")) != NULL &&
		(t->sort_key == NULL || strcmp(opt, t->sort_key) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("option \"sort_key\" does not match DynamoDB table \"%s\"",
						t->table_name),
				 t->sort_key
				 ? errdetail("The option names \"%s\"; the table's sort key is \"%s\".",
							 opt, t->sort_key)
				 : errdetail("The option names \"%s\"; the table has no sort key.", opt),
				 errhint("Drop the option: the key is read from DynamoDB.")));
}

/*
 * The metadata of TABLE_NAME on SERVER, from the cache or DescribeTable.
 * The partition_key/sort_key options in TABLE_OPTIONS must agree with what
 * DynamoDB says.  palloc'd in the caller's context.
 */
const DynamoTable *
dynamo_describe_table(ForeignServer *server, UserMapping *user,
					  const char *table_name, List *table_options)
{
	TableCacheKey key;
	TableCacheEntry *entry;
	bool		found;
	MemoryContext oldcxt;
	MemoryContext tmpcxt;
	DynamoConn *conn;
	DynamoTable *answer;
	DynamoTable *t;
	DynamoError err;

	if (strlen(table_name) >= sizeof(key.table_name))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("DynamoDB table name \"%s\" is too long", table_name),
				 errdetail("DynamoDB table names have at most %d characters.",
						   DYNAMO_MAX_NAME_BYTES)));

	table_cache_init();
	memset(&key, 0, sizeof(key));
	key.serverid = server->serverid;
	strlcpy(key.table_name, table_name, sizeof(key.table_name));
	entry = hash_search(table_cache, &key, HASH_FIND, NULL);
	if (entry)
	{
		check_key_options(entry->table, table_options);
		return copy_table(entry->table);
	}

	/* Ask DynamoDB, in a scratch context, then copy into the cache. */
	tmpcxt = AllocSetContextCreate(CurrentMemoryContext, "dynamo_fdw describe",
								   ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(tmpcxt);
	conn = dynamo_connect(server, user);
	answer = dynamo_op_describe_table(conn, table_name, &err);
	if (answer == NULL)
	{
		if (err.type && strcmp(err.type, "ResourceNotFoundException") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
					 errmsg("DynamoDB table \"%s\" does not exist", table_name),
					 errdetail_internal("%s", err.message ? err.message : ""),
					 errhint("Check the foreign table's \"table_name\" option and the region or endpoint of server \"%s\".",
							 server->servername)));
		dynamo_report_error(conn, "DescribeTable", &err, err.status);
	}

	if (answer->partition_key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not find the partition key of DynamoDB table \"%s\"",
						table_name)));

	MemoryContextSwitchTo(table_cache_cxt);
	t = copy_table(answer);
	entry = hash_search(table_cache, &key, HASH_ENTER, &found);
	entry->table = t;
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(tmpcxt);
	check_key_options(t, table_options);
	return copy_table(t);
}

/*
 * Everything the planner and executor need to know about a foreign table.
 * palloc'd in the caller's context (metadata shared with the cache).
 */
DynamoRelation *
dynamo_get_relation(Oid relid)
{
	DynamoRelation *rel = dynamo_get_relation_columns(relid);
	UserMapping *user = GetUserMapping(GetUserId(), rel->server->serverid);
	char	   *table_name = dynamo_option_string(rel->table->options, "table_name");

	if (table_name == NULL)
		table_name = rel->relname;
	rel->meta = dynamo_describe_table(rel->server, user, table_name,
									  rel->table->options);
	return rel;
}

/*
 * A foreign table's options and columns, without DynamoDB's metadata (meta
 * is NULL): for a parallel worker, whose plan the leader made from it.
 */
DynamoRelation *
dynamo_get_relation_columns(Oid relid)
{
	DynamoRelation *rel = palloc0(sizeof(DynamoRelation));
	Relation	r;
	TupleDesc	tupdesc;
	char	   *segments;
	int			i;

	rel->relid = relid;
	rel->table = GetForeignTable(relid);
	rel->server = GetForeignServer(rel->table->serverid);
	rel->relname = get_rel_name(relid);
	rel->consistent_read = dynamo_option_bool(rel->table->options,
											  "consistent_read", false);
	segments = dynamo_option_string(rel->table->options, "scan_segments");
	rel->scan_segments = segments ? atoi(segments) : 0;	/* 0: by table size */

	r = table_open(relid, NoLock);
	tupdesc = RelationGetDescr(r);
	rel->ncolumns = tupdesc->natts;
	rel->columns = palloc0(sizeof(DynamoColumn) * Max(tupdesc->natts, 1));
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		DynamoColumn *col = &rel->columns[i];
		List	   *options;
		char	   *name;

		col->attnum = i + 1;
		col->dropped = att->attisdropped;
		if (col->dropped)
			continue;
		col->column = pstrdup(NameStr(att->attname));
		col->type = att->atttypid;
		col->typmod = att->atttypmod;
		col->collation = att->attcollation;
		options = GetForeignColumnOptions(relid, i + 1);
		name = dynamo_option_string(options, "column_name");
		col->attr = name ? pstrdup(name) : col->column;
		col->document = dynamo_option_bool(options, "document", false);
		if (col->document && col->type != JSONBOID && col->type != JSONOID)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("column \"%s\" of foreign table \"%s\" has option \"document\" but is not of type jsonb or json",
							col->column, rel->relname)));
	}
	table_close(r, NoLock);

	/* Two columns on one attribute: which one would an INSERT write? */
	for (i = 0; i < rel->ncolumns; i++)
	{
		const DynamoColumn *a = &rel->columns[i];
		int			j;

		if (a->dropped || a->document)
			continue;
		for (j = i + 1; j < rel->ncolumns; j++)
		{
			const DynamoColumn *b = &rel->columns[j];

			if (!b->dropped && !b->document && strcmp(a->attr, b->attr) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("columns \"%s\" and \"%s\" of foreign table \"%s\" map the same DynamoDB attribute \"%s\"",
								a->column, b->column, rel->relname, a->attr),
						 errhint("Give one of them another \"column_name\" option, or drop it.")));
		}
	}

	return rel;
}

/* The (non-document) column mapped to attribute ATTR, or NULL. */
const DynamoColumn *
dynamo_column_by_attr(const DynamoRelation *rel, const char *attr)
{
	int			i;

	for (i = 0; i < rel->ncolumns; i++)
	{
		const DynamoColumn *col = &rel->columns[i];

		if (!col->dropped && !col->document && strcmp(col->attr, attr) == 0)
			return col;
	}
	return NULL;
}

/* The document column, or NULL when the table has none. */
const DynamoColumn *
dynamo_document_column(const DynamoRelation *rel)
{
	int			i;

	for (i = 0; i < rel->ncolumns; i++)
		if (!rel->columns[i].dropped && rel->columns[i].document)
			return &rel->columns[i];
	return NULL;
}
