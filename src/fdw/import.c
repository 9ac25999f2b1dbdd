/*-------------------------------------------------------------------------
 *
 * import.c
 *		  IMPORT FOREIGN SCHEMA for DynamoDB.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/import.c
 *
 * DynamoDB has no schemas: IMPORT FOREIGN SCHEMA accepts any remote schema
 * name (`dynamodb` by convention) and imports the tables ListTables returns,
 * filtered by LIMIT TO / EXCEPT against DynamoDB's own table names.  Each
 * table becomes one CREATE FOREIGN TABLE:
 *	- the partition and sort key, typed from the attribute definitions
 *	  (S text, N numeric, B bytea) and NOT NULL;
 *	- the key attributes of its global and local secondary indexes, typed
 *	  the same way but nullable (indexes may be sparse);
 *	- attributes found often in a sample of items (the first items a Scan
 *	  returns), typed when every sampled value has the same DynamoDB type
 *	  (S text, N numeric, B bytea, BOOL boolean, SS text[], NS numeric[],
 *	  BS bytea[], M and L jsonb) and jsonb when the types disagree;
 *	- a jsonb column with option document 'true' holding the whole item.
 * Import options: sample_size (items sampled per table, default 100, 0 for
 * none), sample_min_fraction (share of the sampled items an attribute must
 * appear in, default 0.1), import_document and document_column (default
 * true and "document"), import_index_keys (default true).
 * Table options table_name, partition_key and sort_key, and a column_name
 * option on every column, record DynamoDB's spelling, so renaming the
 * foreign table or its columns later changes nothing on the DynamoDB side.
 *
 * DynamoDB names become PostgreSQL names as they are (quoted where needed),
 * cut to NAMEDATALEN - 1 bytes on a character boundary; names of system
 * columns (ctid, xmin ...) get a trailing underscore.  Two DynamoDB names
 * that would end up as one PostgreSQL name are an error naming both, never
 * a silent merge.
 *
 * ListTables needs an IAM policy on every table; when DynamoDB refuses it
 * and the statement has LIMIT TO, the named tables are described directly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/heap.h"
#include "commands/defrem.h"
#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "client.h"
#include "ddb_limits.h"
#include "ddb_value.h"
#include "dynamo_fdw.h"
#include "import.h"
#include "ops_read.h"
#include "table.h"

/* ListTables returns at most 100 names a page. */
#define LIST_TABLES_PAGE		DYNAMO_MAX_LIST_TABLES

/* Import option defaults and bounds. */
#define DEFAULT_SAMPLE_SIZE		100
#define MAX_SAMPLE_SIZE			100000
#define DEFAULT_MIN_FRACTION	0.1
#define DEFAULT_DOCUMENT_COLUMN	"document"

/* The DynamoDB types an attribute was seen with, as bits. */
#define SEEN_S		0x0001
#define SEEN_N		0x0002
#define SEEN_B		0x0004
#define SEEN_BOOL	0x0008
#define SEEN_SS		0x0010
#define SEEN_NS		0x0020
#define SEEN_BS		0x0040
#define SEEN_M		0x0080
#define SEEN_L		0x0100
#define SEEN_NULL	0x0200
#define SEEN_OTHER	0x0400

/* The options of one IMPORT FOREIGN SCHEMA statement. */
typedef struct ImportOptions
{
	int			sample_size;	/* items to sample per table; 0: none */
	double		min_fraction;	/* share of sampled items an attribute needs */
	bool		import_document;
	char	   *document_column;
	bool		import_index_keys;
} ImportOptions;

/* One column of a generated foreign table. */
typedef struct ImportColumn
{
	char	   *attr;			/* DynamoDB attribute; NULL for the document */
	char	   *name;			/* PostgreSQL column name */
	const char *type;			/* SQL type */
	bool		not_null;
} ImportColumn;

/* One DynamoDB table to import. */
typedef struct ImportTable
{
	char	   *ddb_name;		/* as DynamoDB spells it */
	char	   *pg_name;		/* the foreign table's name */
} ImportTable;

/* What a sample says about one attribute. */
typedef struct SampledAttr
{
	char	   *name;			/* hash key: the attribute name (pointer) */
	int			count;			/* sampled items that have it */
	int			seen;			/* SEEN_* bits */
} SampledAttr;

/* For the error context of one table's import. */
typedef struct ImportContextArg
{
	const char *table;
} ImportContextArg;

static List *dynamoImportForeignSchema(ImportForeignSchemaStmt *stmt,
									   Oid serverOid);

void
dynamo_import_routine(FdwRoutine *routine)
{
	routine->ImportForeignSchema = dynamoImportForeignSchema;
}

/* ---- options ---- */

static const char *const import_option_names =
"sample_size, sample_min_fraction, import_document, document_column, import_index_keys";

static void
invalid_import_value(const char *name, const char *value, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for import option \"%s\": \"%s\"", name, value),
			 errhint("The value must be %s.", expected)));
}

static bool
import_bool(DefElem *def)
{
	char	   *value = defGetString(def);
	bool		result;

	if (!parse_bool(value, &result))
		invalid_import_value(def->defname, value, "a boolean");
	return result;
}

/*
 * Read and check the OPTIONS of IMPORT FOREIGN SCHEMA.  PostgreSQL does not
 * run the validator on them, so this is where they are validated.
 */
static void
parse_import_options(List *options, ImportOptions *opts)
{
	ListCell   *lc;

	opts->sample_size = DEFAULT_SAMPLE_SIZE;
	opts->min_fraction = DEFAULT_MIN_FRACTION;
	opts->import_document = true;
	opts->document_column = DEFAULT_DOCUMENT_COLUMN;
	opts->import_index_keys = true;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		char	   *value = defGetString(def);

		if (strcmp(def->defname, "sample_size") == 0)
		{
			char	   *end;
			long		l;

			errno = 0;
			l = strtol(value, &end, 10);
			if (end == value || *end != '\0' || errno != 0 ||
				l < 0 || l > MAX_SAMPLE_SIZE)
				invalid_import_value(def->defname, value,
									 "an integer between 0 and 100000");
			opts->sample_size = (int) l;
		}
		else if (strcmp(def->defname, "sample_min_fraction") == 0)
		{
			char	   *end;
			double		d;

			errno = 0;
			d = strtod(value, &end);
			if (end == value || *end != '\0' || errno != 0 ||
				!isfinite(d) || d < 0 || d > 1)
				invalid_import_value(def->defname, value,
									 "a number between 0 and 1");
			opts->min_fraction = d;
		}
		else if (strcmp(def->defname, "import_document") == 0)
			opts->import_document = import_bool(def);
		else if (strcmp(def->defname, "import_index_keys") == 0)
			opts->import_index_keys = import_bool(def);
		else if (strcmp(def->defname, "document_column") == 0)
		{
			if (value[0] == '\0' || strlen(value) >= NAMEDATALEN ||
				SystemAttributeByName(value) != NULL)
				invalid_import_value(def->defname, value,
									 psprintf("a column name of 1 to %d bytes, not a system column name",
											  NAMEDATALEN - 1));
			opts->document_column = pstrdup(value);
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\"", def->defname),
					 errhint("Valid options for dynamo_fdw's IMPORT FOREIGN SCHEMA are: %s.",
							 import_option_names)));
	}
}

/* ---- names ---- */

/*
 * The PostgreSQL name for DynamoDB name NAME: the same bytes, cut to at most
 * NAMEDATALEN - 1 bytes without splitting a character, as the parser cuts
 * identifiers.  When FOR_COLUMN, a system column name gets a trailing
 * underscore, because a foreign table cannot have a column called ctid.
 * palloc'd.
 */
static char *
pg_name_for(const char *name, bool for_column, const char *what)
{
	int			len = strlen(name);
	char	   *result;

	/* The generated statement is parsed in the database encoding. */
	if (!pg_verifymbstr(name, len, true))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("DynamoDB %s name \"%s\" is not valid in the database encoding \"%s\"",
						what, name, GetDatabaseEncodingName()),
				 errhint("Use a database with encoding UTF8.")));

	if (len >= NAMEDATALEN)
		len = pg_mbcliplen(name, len, NAMEDATALEN - 1);
	result = pnstrdup(name, len);

	if (for_column && SystemAttributeByName(result) != NULL)
		result = psprintf("%s_", result);
	return result;
}

/*
 * Is NAME listed in LIMIT TO / EXCEPT?  Checked against DynamoDB's spelling
 * and against the foreign table name (the cut form), since the parser cuts
 * long identifiers in the list the same way.
 */
static bool
table_wanted(ImportForeignSchemaStmt *stmt, const ImportTable *t)
{
	ListCell   *lc;
	bool		listed = false;

	if (stmt->list_type == FDW_IMPORT_SCHEMA_ALL)
		return true;
	foreach(lc, stmt->table_list)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);

		if (strcmp(rv->relname, t->ddb_name) == 0 ||
			strcmp(rv->relname, t->pg_name) == 0)
		{
			listed = true;
			break;
		}
	}
	return stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO ? listed : !listed;
}

/* ---- DynamoDB requests ---- */

static void
import_error_callback(void *arg)
{
	ImportContextArg *ctx = (ImportContextArg *) arg;

	errcontext("importing DynamoDB table \"%s\"", ctx->table);
}

/*
 * Every table name on the server, all ListTables pages, in DynamoDB's order
 * (by name).  A List of palloc'd strings in the caller's context.
 *
 * IAM policies often grant access to named tables only, and ListTables
 * needs a policy on every table.  When DynamoDB refuses ListTables and
 * CAN_FALL_BACK (the statement has LIMIT TO), *DENIED is set and NIL
 * returned, so that the caller can describe the listed tables one by one.
 */
static List *
list_tables(DynamoConn *conn, bool can_fall_back, bool *denied)
{
	List	   *names = NIL;
	char	   *start = NULL;
	MemoryContext pagecxt;
	MemoryContext oldcxt;
	DynamoError err;

	*denied = false;
	pagecxt = AllocSetContextCreate(CurrentMemoryContext,
									"dynamo_fdw ListTables page",
									ALLOCSET_DEFAULT_SIZES);
	do
	{
		List	   *page = NIL;
		char	   *last = NULL;
		bool		listed;
		ListCell   *lc;

		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(pagecxt);
		oldcxt = MemoryContextSwitchTo(pagecxt);
		listed = dynamo_op_list_tables(conn, start, LIST_TABLES_PAGE, &page, &last, &err);
		MemoryContextSwitchTo(oldcxt);

		if (!listed)
		{
			bool		access_denied = err.type &&
				strcmp(err.type, "AccessDeniedException") == 0;

			if (!access_denied)
				dynamo_report_error(conn, "ListTables", &err, err.status);
			if (!can_fall_back)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("DynamoDB refused to list the tables of server \"%s\"",
								conn->server_name),
						 errdetail_internal("%s: %s", err.type,
											err.message ? err.message : ""),
						 errhint("Allow dynamodb:ListTables, or name the tables with LIMIT TO: they are then described one by one.")));
			ereport(NOTICE,
					(errmsg("DynamoDB refused to list the tables of server \"%s\"; importing the tables named in LIMIT TO",
							conn->server_name),
					 errdetail_internal("%s: %s", err.type,
										err.message ? err.message : "")));
			*denied = true;
			MemoryContextDelete(pagecxt);
			return NIL;
		}

		foreach(lc, page)
			names = lappend(names, pstrdup((char *) lfirst(lc)));
		start = last ? pstrdup(last) : NULL;
	} while (start != NULL);

	MemoryContextDelete(pagecxt);
	return names;
}

static int
seen_bit(const char *tag)
{
	static const struct
	{
		const char *tag;
		int			bit;
	}			bits[] = {
		{"S", SEEN_S}, {"N", SEEN_N}, {"B", SEEN_B}, {"BOOL", SEEN_BOOL},
		{"SS", SEEN_SS}, {"NS", SEEN_NS}, {"BS", SEEN_BS}, {"M", SEEN_M},
		{"L", SEEN_L}, {"NULL", SEEN_NULL}
	};
	size_t		i;

	for (i = 0; i < lengthof(bits); i++)
		if (strcmp(tag, bits[i].tag) == 0)
			return bits[i].bit;
	return SEEN_OTHER;
}

/* dynahash over attribute names held by pointer. */
static uint32
attr_hash(const void *key, Size keysize)
{
	const char *s = *(const char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
attr_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(const char *const *) key1, *(const char *const *) key2);
}

/* Count the attributes of one item (an object of AttributeValues). */
static void
sample_item(HTAB *attrs, const DynamoValue *item)
{
	const DynamoValue *av;

	if (item == NULL || item->kind != DYNAMO_VALUE_OBJECT)
		return;
	dynamo_value_foreach(av, item)
	{
		const char *name = av->name;
		const char *type = dynamo_av_type(av);
		SampledAttr *sa;
		bool		found;

		sa = hash_search(attrs, &name, HASH_ENTER, &found);
		if (!found)
		{
			/* The key pointed into the response; keep our own copy. */
			sa->name = pstrdup(name);
			sa->count = 0;
			sa->seen = 0;
		}
		sa->count++;
		sa->seen |= type ? seen_bit(type) : SEEN_OTHER;
	}
}

/*
 * Read up to SAMPLE_SIZE items of TABLE with Scan (as many pages as that
 * takes, every attribute) and return what they say about each attribute,
 * in a hash table in the caller's context.  *NSAMPLED gets the number of
 * items read.
 */
static HTAB *
sample_table(DynamoConn *conn, const char *table, int sample_size,
			 int *nsampled)
{
	HASHCTL		ctl;
	HTAB	   *attrs;
	MemoryContext pagecxt;
	MemoryContext oldcxt;
	MemoryContext keycxt;
	DynamoPageRequest req;
	int			n = 0;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(SampledAttr);
	ctl.hash = attr_hash;
	ctl.match = attr_match;
	ctl.hcxt = CurrentMemoryContext;
	attrs = hash_create("dynamo_fdw sampled attributes", 64, &ctl,
						HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);

	pagecxt = AllocSetContextCreate(CurrentMemoryContext,
									"dynamo_fdw sample page",
									ALLOCSET_DEFAULT_SIZES);
	keycxt = AllocSetContextCreate(CurrentMemoryContext,
								   "dynamo_fdw sample start key",
								   ALLOCSET_SMALL_SIZES);
	memset(&req, 0, sizeof(req));
	req.table = table;
	while (n < sample_size)
	{
		DynamoPage *page;
		int			i;

		CHECK_FOR_INTERRUPTS();
		req.limit = sample_size - n;
		oldcxt = MemoryContextSwitchTo(pagecxt);
		page = dynamo_op_page(conn, &req, 0, NULL, NULL);
		MemoryContextSwitchTo(oldcxt);

		for (i = 0; i < page->nitems && n < sample_size; i++)
		{
			DynamoValue *item;

			oldcxt = MemoryContextSwitchTo(pagecxt);
			item = dynamo_page_item(page, i);
			MemoryContextSwitchTo(oldcxt);
			sample_item(attrs, item);
			n++;
		}

		/* Keep the next start key alive past the page's reset. */
		MemoryContextReset(keycxt);
		req.start_key = NULL;
		if (page->last_key)
		{
			oldcxt = MemoryContextSwitchTo(keycxt);
			req.start_key = dynamo_value_copy(page->last_key);
			MemoryContextSwitchTo(oldcxt);
		}
		MemoryContextReset(pagecxt);
		if (req.start_key == NULL)
			break;
	}
	MemoryContextDelete(keycxt);
	MemoryContextDelete(pagecxt);

	*nsampled = n;
	return attrs;
}

/* ---- columns ---- */

static const char *
key_type_name(char type)
{
	switch (type)
	{
		case DYNAMO_TYPE_N:
			return "numeric";
		case DYNAMO_TYPE_B:
			return "bytea";
		default:
			return "text";
	}
}

/* The column type for an attribute seen with the SEEN_* types in SEEN. */
static const char *
sampled_type_name(int seen)
{
	/* NULL fits any column: it decides nothing */
	switch (seen & ~SEEN_NULL)
	{
		case SEEN_S:
			return "text";
		case SEEN_N:
			return "numeric";
		case SEEN_B:
			return "bytea";
		case SEEN_BOOL:
			return "boolean";
		case SEEN_SS:
			return "text[]";
		case SEEN_NS:
			return "numeric[]";
		case SEEN_BS:
			return "bytea[]";
		default:
			/* M, L, only NULL, or types that disagree */
			return "jsonb";
	}
}

static ImportColumn *
find_column_by_attr(List *columns, const char *attr)
{
	ListCell   *lc;

	foreach(lc, columns)
	{
		ImportColumn *c = (ImportColumn *) lfirst(lc);

		if (c->attr && strcmp(c->attr, attr) == 0)
			return c;
	}
	return NULL;
}

/*
 * Add a column for attribute ATTR (or the document column when ATTR is
 * NULL and NAME is given), unless the attribute has one already.  A
 * PostgreSQL name taken by another attribute is an error naming both.
 */
static List *
add_column(List *columns, const char *table, const char *attr,
		   const char *name, const char *type, bool not_null)
{
	ImportColumn *col;
	ListCell   *lc;

	if (attr && find_column_by_attr(columns, attr))
		return columns;

	col = palloc0(sizeof(ImportColumn));
	col->attr = attr ? pstrdup(attr) : NULL;
	col->name = name ? pstrdup(name) : pg_name_for(attr, true, "attribute");
	col->type = type;
	col->not_null = not_null;

	foreach(lc, columns)
	{
		ImportColumn *other = (ImportColumn *) lfirst(lc);

		if (strcmp(other->name, col->name) != 0)
			continue;
		if (col->attr == NULL || other->attr == NULL)
		{
			const char *attr_name = col->attr ? col->attr : other->attr;

			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_COLUMN),
					 errmsg("DynamoDB attribute \"%s\" of table \"%s\" and the document column would both be column \"%s\"",
							attr_name, table, col->name),
					 errhint("Choose another name for the document column with the import option \"document_column\", or leave it out with import_document 'false'.")));
		}
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_COLUMN),
				 errmsg("DynamoDB attributes \"%s\" and \"%s\" of table \"%s\" would both be column \"%s\"",
						other->attr, col->attr, table, col->name),
				 errdetail("PostgreSQL names have at most %d bytes, and a system column name such as \"ctid\" gets a trailing underscore.",
						   NAMEDATALEN - 1),
				 errhint("If sampling found these attributes, import this table with sample_size '0'; otherwise leave it out with EXCEPT and create its foreign table by hand, naming the columns with the column option \"column_name\".")));
	}
	return lappend(columns, col);
}

static int
index_name_cmp(const ListCell *a, const ListCell *b)
{
	const DynamoIndex *ia = (const DynamoIndex *) lfirst(a);
	const DynamoIndex *ib = (const DynamoIndex *) lfirst(b);

	return strcmp(ia->name, ib->name);
}

static int
sampled_attr_cmp(const void *a, const void *b)
{
	const SampledAttr *sa = *(const SampledAttr *const *) a;
	const SampledAttr *sb = *(const SampledAttr *const *) b;

	return strcmp(sa->name, sb->name);
}

/*
 * The columns of table T, in this order: partition key, sort key, index key
 * attributes (indexes by name), sampled attributes (by name), document.
 */
static List *
table_columns(DynamoConn *conn, const DynamoTable *meta,
			  const ImportOptions *opts)
{
	List	   *columns = NIL;
	const char *table = meta->table_name;

	columns = add_column(columns, table, meta->partition_key, NULL,
						 key_type_name(meta->partition_type), true);
	if (meta->sort_key)
		columns = add_column(columns, table, meta->sort_key, NULL,
							 key_type_name(meta->sort_type), true);

	if (opts->import_index_keys && meta->indexes != NIL)
	{
		List	   *indexes = list_copy(meta->indexes);
		ListCell   *lc;

		list_sort(indexes, index_name_cmp);
		foreach(lc, indexes)
		{
			DynamoIndex *ix = (DynamoIndex *) lfirst(lc);

			columns = add_column(columns, table, ix->partition_key, NULL,
								 key_type_name(ix->partition_type), false);
			if (ix->sort_key)
				columns = add_column(columns, table, ix->sort_key, NULL,
									 key_type_name(ix->sort_type), false);
		}
	}

	if (opts->sample_size > 0)
	{
		int			nsampled;
		HTAB	   *attrs = sample_table(conn, table, opts->sample_size,
										 &nsampled);
		long		nattrs = hash_get_num_entries(attrs);
		SampledAttr **sorted = palloc(sizeof(SampledAttr *) * Max(nattrs, 1));
		HASH_SEQ_STATUS status;
		SampledAttr *sa;
		/* the epsilon keeps 0.3 * 10 from needing 4 items */
		double		needed = ceil(opts->min_fraction * nsampled - 1e-9);
		long		i = 0;

		hash_seq_init(&status, attrs);
		while ((sa = hash_seq_search(&status)) != NULL)
			sorted[i++] = sa;
		qsort(sorted, nattrs, sizeof(SampledAttr *), sampled_attr_cmp);

		for (i = 0; i < nattrs; i++)
		{
			sa = sorted[i];
			if (sa->count < Max(needed, 1))
				continue;
			columns = add_column(columns, table, sa->name, NULL,
								 sampled_type_name(sa->seen), false);
		}
	}

	if (opts->import_document)
		columns = add_column(columns, table, NULL, opts->document_column,
							 "jsonb", false);
	return columns;
}

/* ---- statements ---- */

static void
append_option(StringInfo buf, bool first, const char *name, const char *value)
{
	appendStringInfo(buf, "%s%s %s", first ? "" : ", ", name,
					 quote_literal_cstr(value));
}

/* The CREATE FOREIGN TABLE statement for one table.  palloc'd. */
static char *
create_statement(const ImportTable *t, const DynamoTable *meta,
				 List *columns, const char *server_name)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (\n",
					 quote_identifier(t->pg_name));
	foreach(lc, columns)
	{
		ImportColumn *c = (ImportColumn *) lfirst(lc);

		appendStringInfo(&buf, "  %s %s OPTIONS (",
						 quote_identifier(c->name), c->type);
		if (c->attr)
			append_option(&buf, true, "column_name", c->attr);
		else
			append_option(&buf, true, "document", "true");
		appendStringInfoString(&buf, ")");
		if (c->not_null)
			appendStringInfoString(&buf, " NOT NULL");
		appendStringInfoString(&buf, lnext(columns, lc) ? ",\n" : "\n");
	}
	appendStringInfo(&buf, ") SERVER %s OPTIONS (",
					 quote_identifier(server_name));
	append_option(&buf, true, "table_name", t->ddb_name);
	append_option(&buf, false, "partition_key", meta->partition_key);
	if (meta->sort_key)
		append_option(&buf, false, "sort_key", meta->sort_key);
	appendStringInfoString(&buf, ")");
	return buf.data;
}

/*
 * ImportForeignSchema callback: one CREATE FOREIGN TABLE per DynamoDB table
 * LIMIT TO / EXCEPT let through.  The statements are palloc'd in the
 * caller's context; requests run with the current user's user mapping.
 */
static List *
dynamoImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	UserMapping *user = GetUserMapping(GetUserId(), serverOid);
	ImportOptions opts;
	DynamoConn *conn;
	List	   *names;
	bool		denied;
	List	   *tables = NIL;
	List	   *commands = NIL;
	ListCell   *lc;
	MemoryContext tablecxt;

	parse_import_options(stmt->options, &opts);
	conn = dynamo_connect(server, user);

	/* an import describes the tables as they are now, not as cached */
	dynamo_forget_tables();

	/* Which tables, under which names; collisions before any DescribeTable. */
	names = list_tables(conn, stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO,
						&denied);
	if (denied)
		foreach(lc, stmt->table_list)
			names = lappend(names, ((RangeVar *) lfirst(lc))->relname);
	foreach(lc, names)
	{
		ImportTable *t = palloc(sizeof(ImportTable));
		ListCell   *lc2;

		t->ddb_name = (char *) lfirst(lc);
		t->pg_name = pg_name_for(t->ddb_name, false, "table");
		if (!table_wanted(stmt, t))
			continue;
		foreach(lc2, tables)
		{
			ImportTable *other = (ImportTable *) lfirst(lc2);

			if (strcmp(other->ddb_name, t->ddb_name) == 0)
				break;			/* LIMIT TO named it twice */
			if (strcmp(other->pg_name, t->pg_name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_TABLE),
						 errmsg("DynamoDB tables \"%s\" and \"%s\" would both be foreign table \"%s\"",
								other->ddb_name, t->ddb_name, t->pg_name),
						 errdetail("PostgreSQL names have at most %d bytes.",
								   NAMEDATALEN - 1),
						 errhint("Leave both out with EXCEPT and create their foreign tables by hand, with the option \"table_name\".")));
		}
		if (lc2 == NULL)
			tables = lappend(tables, t);
	}

	tablecxt = AllocSetContextCreate(CurrentMemoryContext,
									 "dynamo_fdw import table",
									 ALLOCSET_DEFAULT_SIZES);
	foreach(lc, tables)
	{
		ImportTable *t = (ImportTable *) lfirst(lc);
		ImportContextArg carg;
		ErrorContextCallback errcb;
		MemoryContext oldcxt;
		const DynamoTable *meta;
		List	   *columns;
		char	   *sql;

		carg.table = t->ddb_name;
		errcb.callback = import_error_callback;
		errcb.arg = &carg;
		errcb.previous = error_context_stack;
		error_context_stack = &errcb;

		oldcxt = MemoryContextSwitchTo(tablecxt);
		meta = dynamo_describe_table(server, user, t->ddb_name, NIL);
		columns = table_columns(conn, meta, &opts);
		sql = create_statement(t, meta, columns, server->servername);
		MemoryContextSwitchTo(oldcxt);

		commands = lappend(commands, pstrdup(sql));
		MemoryContextReset(tablecxt);
		error_context_stack = errcb.previous;
	}
	MemoryContextDelete(tablecxt);
	return commands;
}
