/*-------------------------------------------------------------------------
 *
 * fuzz_convert.c
 *		  libFuzzer target: a DynamoDB response body -> Datums, through the
 *		  real src/fdw/convert.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  test/fuzz/fuzz_convert.c
 *
 * The input is what DynamoDB (or anything that answers on the endpoint)
 * sends back: bytes parsed exactly as client.c's dynamo_json_parse() does.
 * The items are taken the way scan.c takes them (the "Items" array of a
 * Query or Scan page, "Item" of GetItem, "Responses" of BatchGetItem, else
 * the document itself).  Each item is read as src/aws/ddb_value.c's tree in both of
 * the ways scan.c gets one: copied from json-c's tree (GetItem, BatchGetItem)
 * and parsed from the item's text by PostgreSQL's JSON parser (a page's
 * items; the input's own bytes when the input is the item and JSON, else
 * json-c's writing of the item); each tree goes through what scan.c calls
 * on it:
 *
 *	- dynamo_item_to_jsonb() for a document column;
 *	- for every attribute, dynamo_av_to_datum() into a column of every type
 *	  of the model's catalogue (text, varchar(3), the integers, floats,
 *	  numeric, boolean, bytea, json, jsonb and arrays), and
 *	  dynamo_av_display() as the error context does for key values;
 *	- dynamo_av_to_datum_binary() for B values, as key comparison does.
 *
 * A conversion may fail only by ereport(ERROR) with a SQLSTATE; it must not
 * crash, leak or break one of the properties pg_model.c checks.  On success
 * the harness checks the Datum: a text column holds exactly the S string, an
 * array as many elements as the set or list.  The two trees must give the
 * same outcome in every column, unless PostgreSQL's parser refused the
 * text (a string text cannot hold, which json-c lets through: page.c then
 * reads the item through json-c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include <stdint.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#include "convert.h"
#include "ddb_value.h"
#include "pg_model.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Column
{
	Oid			type;
	int32		typmod;
	DynamoColumnIO io;
} Column;

static Column columns[] = {
	{TEXTOID, -1},
	{VARCHAROID, VARHDRSZ + 3},
	{INT2OID, -1},
	{INT4OID, -1},
	{INT8OID, -1},
	{OIDOID, -1},
	{FLOAT4OID, -1},
	{FLOAT8OID, -1},
	{NUMERICOID, -1},
	{BOOLOID, -1},
	{BYTEAOID, -1},
	{JSONOID, -1},
	{JSONBOID, -1},
	{TEXTARRAYOID, -1},
	{INT4ARRAYOID, -1},
	{INT8ARRAYOID, -1},
	{NUMERICARRAYOID, -1},
	{FLOAT8ARRAYOID, -1},
	{BYTEAARRAYOID, -1},
	{BOOLARRAYOID, -1},
};

static bool initialized = false;

static void
init_columns(void)
{
	size_t		i;

	for (i = 0; i < lengthof(columns); i++)
		dynamo_column_io_init(&columns[i].io, columns[i].type, columns[i].typmod);
	initialized = true;
}


/* The value of an AttributeValue's single member, or NULL. */
static json_c_object *
av_value(json_c_object *av, const char **tag)
{
	struct json_object_iterator it,
				end;

	if (!json_object_is_type(av, json_type_object))
		return NULL;
	it = json_object_iter_begin(av);
	end = json_object_iter_end(av);
	if (json_object_iter_equal(&it, &end))
		return NULL;
	*tag = json_object_iter_peek_name(&it);
	return json_object_iter_peek_value(&it);
}

/* Checks on a Datum convert.c returned for AV in column COL. */
static void
check_result(Column *col, json_c_object *av, Datum d, bool isnull)
{
	const char *tag = NULL;
	json_c_object *v = av_value(av, &tag);

	if (isnull)
	{
		if (av != NULL && !(tag && strcmp(tag, "NULL") == 0))
			model_fail("convert: SQL NULL for a %s value", tag ? tag : "malformed");
		return;
	}
	if (col->io.kind != DYNAMO_IO_BOOL && col->io.kind != DYNAMO_IO_NUMBER &&
		DatumGetPointer(d) == NULL)
		model_fail("convert: a NULL pointer Datum marked not null (type %u)", col->type);
	if (col->type == TEXTOID && tag && strcmp(tag, "S") == 0)
	{
		text	   *t = (text *) DatumGetPointer(d);
		size_t		n = VARSIZE(t) - VARHDRSZ;

		if (n != (size_t) json_object_get_string_len(v) ||
			memcmp(VARDATA(t), json_object_get_string(v), n) != 0)
			model_fail("convert: the text differs from the S value");
	}
	if (col->io.kind == DYNAMO_IO_ARRAY)
	{
		ArrayBuildState *a = (ArrayBuildState *) DatumGetPointer(d);

		if (a != model_last_array)
			model_fail("convert: an array column's Datum is not the array built");
		if (v == NULL || !json_object_is_type(v, json_type_array) ||
			(size_t) a->nelems != json_object_array_length(v))
			model_fail("convert: %d array elements for a %s value", a->nelems,
					   tag ? tag : "malformed");
	}
}

/*
 * Run one conversion of tree value TV (AV in json-c's view) under an error
 * guard.  Returns true if it finished without an error.
 */
static bool
convert_one(Column *col, json_c_object *av, const DynamoValue *tv)
{
	sigjmp_buf	jb;
	Datum		d;
	bool		isnull = false;

	if (sigsetjmp(jb, 0) != 0)
	{
		model_error_jmp = NULL;
		return false;
	}
	model_error_jmp = &jb;
	d = dynamo_av_to_datum(tv, &col->io, &isnull);
	model_error_jmp = NULL;
	check_result(col, av, d, isnull);
	return true;
}

/* Run FN(ARG) under an error guard; true if it finished without an error. */
static bool
guarded(void (*fn) (const void *), const void *arg)
{
	sigjmp_buf	jb;

	if (sigsetjmp(jb, 0) != 0)
	{
		model_error_jmp = NULL;
		return false;
	}
	model_error_jmp = &jb;
	fn(arg);
	model_error_jmp = NULL;
	return true;
}

static void
call_item_to_jsonb(const void *item)
{
	(void) dynamo_item_to_jsonb((const DynamoValue *) item);
}

static void
call_av_display(const void *av)
{
	char	   *s = dynamo_value_display((const DynamoValue *) av);

	if (s == NULL)
		model_fail("dynamo_value_display returned NULL");
}

static void
call_binary(const void *v)
{
	bytea	   *b = (bytea *) DatumGetPointer(dynamo_av_to_datum_binary((const DynamoValue *) v));

	if (b == NULL || VARSIZE(b) < VARHDRSZ)
		model_fail("dynamo_av_to_datum_binary: no bytea");
}

static const char *parse_text;

static void
call_parse(const void *out)
{
	*(DynamoValue **) out = dynamo_value_parse(parse_text, strlen(parse_text));
}

/*
 * What scan.c does with one item, read both ways.  RAW, when not NULL, is
 * the text json-c read the item from (the whole input); else the item's
 * text is json-c's writing of it.
 */
static void
convert_item(json_c_object *item, const char *raw)
{
	DynamoValue *from_c = dynamo_value_from_json_c(item);
	DynamoValue *parsed = NULL;
	bool		jsonb_c;
	bool		jsonb_t;
	size_t		i;

	/* NULL when PostgreSQL's parser refuses it: scan.c then uses json-c's */
	parse_text = raw;
	if (raw && !guarded(call_parse, &parsed))
		model_fail("dynamo_value_parse raised an error");
	if (parsed == NULL)
	{
		/* json-c is laxer than JSON (or no text): as a page would hold it */
		parse_text = json_object_to_json_string_ext(item, JSON_C_TO_STRING_PLAIN |
													JSON_C_TO_STRING_NOSLASHESCAPE);
		if (!guarded(call_parse, &parsed))
			model_fail("dynamo_value_parse raised an error");
	}

	jsonb_c = guarded(call_item_to_jsonb, from_c);
	if (parsed)
	{
		jsonb_t = guarded(call_item_to_jsonb, parsed);
		if (jsonb_c != jsonb_t)
			model_fail("item as jsonb: %s from json-c's tree, %s from the text",
					   jsonb_c ? "read" : "refused", jsonb_t ? "read" : "refused");
	}
	if (!json_object_is_type(item, json_type_object))
		return;

	json_object_object_foreach(item, name, av)
	{
		const char *tag = NULL;
		json_c_object *v = av_value(av, &tag);
		const DynamoValue *tc = dynamo_value_member(from_c, name);
		const DynamoValue *tt = parsed ? dynamo_value_member(parsed, name) : NULL;

		if (tc == NULL || (parsed && tt == NULL))
			model_fail("attribute \"%s\" missing from a tree", name);
		guarded(call_av_display, tc);
		if (v != NULL && strcmp(tag, "B") == 0)
			guarded(call_binary, dynamo_av_inner(tc));
		for (i = 0; i < lengthof(columns); i++)
		{
			bool		ok_c = convert_one(&columns[i], av, tc);

			if (parsed && convert_one(&columns[i], av, tt) != ok_c)
				model_fail("attribute \"%s\" in a column of type %u: %s from json-c's tree, "
						   "not from the text", name, columns[i].type,
						   ok_c ? "read" : "refused");
		}
	}
	/* an attribute the item lacks is SQL NULL in every column */
	for (i = 0; i < lengthof(columns); i++)
		convert_one(&columns[i], NULL, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_tokener *tok;
	json_c_object *doc;
	json_c_object *v;
	size_t		i;

	if (!initialized)
		init_columns();
	if (size > 1024 * 1024)
		return 0;

	/* client.c's dynamo_json_parse */
	tok = json_tokener_new_ex(DYNAMO_JSON_MAX_DEPTH);
	json_tokener_set_flags(tok, JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, (const char *) data, (int) size);
	if (doc != NULL && json_tokener_get_error(tok) != json_tokener_success)
	{
		json_object_put(doc);
		doc = NULL;
	}
	json_tokener_free(tok);
	if (doc == NULL)
		return 0;

	if (json_object_is_type(doc, json_type_object) &&
		json_object_object_get_ex(doc, "Items", &v) &&
		json_object_is_type(v, json_type_array))
	{
		for (i = 0; i < json_object_array_length(v); i++)
			convert_item(json_object_array_get_idx(v, i), NULL);
	}
	else if (json_object_is_type(doc, json_type_object) &&
			 json_object_object_get_ex(doc, "Item", &v))
		convert_item(v, NULL);
	else if (json_object_is_type(doc, json_type_object) &&
			 json_object_object_get_ex(doc, "Responses", &v) &&
			 json_object_is_type(v, json_type_object))
	{
		json_object_object_foreach(v, table, items)
		{
			(void) table;
			if (json_object_is_type(items, json_type_array))
				for (i = 0; i < json_object_array_length(items); i++)
					convert_item(json_object_array_get_idx(items, i), NULL);
		}
	}
	else
	{
		/* the input is an item: also read from its own bytes (as text) */
		bool		has_nul = memchr(data, 0, size) != NULL;

		convert_item(doc, has_nul ? NULL : pnstrdup((const char *) data, size));
	}

	json_object_put(doc);
	model_reset();
	return 0;
}
