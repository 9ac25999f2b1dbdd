/*-------------------------------------------------------------------------
 *
 * convert.c
 *		  DynamoDB AttributeValue <-> PostgreSQL Datum, both directions.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/convert.c
 *
 * The type table of README's "Types" in code.  Reading is strict: an attribute of a
 * DynamoDB type the column cannot hold is an error naming table, column and
 * key, never a silent NULL, and that strictness is what lets the planner
 * push a condition down without changing which rows match.  Numbers travel
 * as decimal strings both ways (DynamoDB's N is exact to 38 digits, so is
 * numeric); json and jsonb map to M and L with numbers kept exact.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"


#include "catalog/pg_type.h"
#include "common/base64.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "convert.h"
#include "ddb_limits.h"
#include "dynamo_fdw.h"
#include "ddb_value.h"
#include "table.h"

/*
 * The one member of an AttributeValue: its type tag and value.  False when
 * AV is not an object, or its value is not of the JSON type its tag needs
 * (a string for S, N and B, a boolean for BOOL and NULL, an object for M,
 * an array for L, an array of strings for SS, NS and BS): whatever answers
 * on the endpoint is not trusted to send DynamoDB's shapes.
 */
static bool
av_unpack(const DynamoValue *av, const char **tag, const DynamoValue **value)
{
	DynamoValueKind want;
	const DynamoValue *e;

	if (av == NULL || av->kind != DYNAMO_VALUE_OBJECT || av->first == NULL)
		return false;
	*tag = av->first->name;
	*value = av->first;

	if (strcmp(*tag, "S") == 0 || strcmp(*tag, "N") == 0 || strcmp(*tag, "B") == 0)
		want = DYNAMO_VALUE_STRING;
	else if (strcmp(*tag, "BOOL") == 0 || strcmp(*tag, "NULL") == 0)
		want = DYNAMO_VALUE_BOOL;
	else if (strcmp(*tag, "M") == 0)
		want = DYNAMO_VALUE_OBJECT;
	else if (strcmp(*tag, "L") == 0 || strcmp(*tag, "SS") == 0 ||
			 strcmp(*tag, "NS") == 0 || strcmp(*tag, "BS") == 0)
		want = DYNAMO_VALUE_ARRAY;
	else
		return true;			/* an unknown tag: the caller says so */
	if ((*value)->kind != want)
		return false;
	if (want == DYNAMO_VALUE_ARRAY && (*tag)[0] != 'L')
		for (e = (*value)->first; e; e = e->next)
			if (e->kind != DYNAMO_VALUE_STRING)
				return false;
	return true;
}

/*
 * Check a string from DynamoDB before PostgreSQL holds it as text: text
 * cannot hold a NUL, and must be valid UTF-8 (json-c's check lets overlong
 * forms, surrogates and code points past U+10FFFF through, and the text
 * input function does not check).
 */
static const char *
check_string(const char *s, size_t len)
{
	if (strlen(s) != len)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("DynamoDB string contains a NUL character, which text cannot hold")));
	if (pg_encoding_verifymbstr(PG_UTF8, s, (int) len) != (int) len)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("DynamoDB string is not valid UTF-8")));
	return s;
}

/* The text of an S (or SS member) string, checked. */
static const char *
av_string(const DynamoValue *v)
{
	return check_string(v->str, v->len);
}

/*
 * The text of an N (or NS member), checked to be a number as DynamoDB
 * writes them: PostgreSQL's input functions would also take NaN, Infinity
 * and white space, which no DynamoDB number holds and jsonb cannot hold.
 */
static const char *
av_number(const DynamoValue *v)
{
	const char *s = v->str;
	const char *p = s;
	bool		digits = false;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits = true;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits = true;
	if (digits && (*p == 'e' || *p == 'E'))
	{
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			digits = false;
		for (; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (!digits || *p != '\0' || p - s != v->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("DynamoDB number value is not a decimal number")));
	return s;
}

static bool
is_number_type(Oid type)
{
	switch (type)
	{
		case NUMERICOID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT4OID:
		case FLOAT8OID:
		case OIDOID:
			return true;
		default:
			return false;
	}
}

/*
 * Prepare reading values of type TYPE: what decides the AttributeValue type
 * accepted, and the input function.  Called once per column per scan.
 */
void
dynamo_column_io_init(DynamoColumnIO *io, Oid type, int32 typmod)
{
	Oid			func;
	Oid			base = getBaseType(type);

	io->type = type;
	io->typmod = typmod;
	io->elemtype = InvalidOid;
	if (base == BOOLOID)
		io->kind = DYNAMO_IO_BOOL;
	else if (base == BYTEAOID)
		io->kind = DYNAMO_IO_BINARY;
	else if (base == JSONBOID)
		io->kind = DYNAMO_IO_JSONB;
	else if (base == JSONOID)
		io->kind = DYNAMO_IO_JSON;
	else if (is_number_type(base))
		io->kind = DYNAMO_IO_NUMBER;
	else if ((io->elemtype = get_element_type(base)) != InvalidOid)
	{
		io->kind = DYNAMO_IO_ARRAY;
		get_typlenbyvalalign(io->elemtype, &io->elemlen, &io->elembyval,
							 &io->elemalign);
		io->elem_is_number = is_number_type(getBaseType(io->elemtype));
		io->elem_is_binary = getBaseType(io->elemtype) == BYTEAOID;
		getTypeInputInfo(io->elemtype, &func, &io->ioparam);
		fmgr_info(func, &io->input);
		return;
	}
	else
		io->kind = DYNAMO_IO_STRING;

	getTypeInputInfo(type, &func, &io->ioparam);
	fmgr_info(func, &io->input);
}

static void
mismatch(const char *tag, Oid type)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("DynamoDB value of type %s does not fit a column of type %s",
					tag, format_type_be(type))));
}

/* The bytea of base64 text B64 (LEN bytes). */
static bytea *
decode_base64(const char *b64, int len)
{
	int			maxlen = pg_b64_dec_len(len);
	bytea	   *result = palloc(VARHDRSZ + maxlen);
	int			n = -1;

	if (strlen(b64) == (size_t) len)
		n = pg_b64_decode(b64, len, VARDATA(result), maxlen);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("DynamoDB binary value is not valid base64")));
	SET_VARSIZE(result, VARHDRSZ + n);
	return result;
}

/* The bytea of a B value (a string of base64). */
static bytea *
decode_binary(const DynamoValue *v)
{
	if (v->kind != DYNAMO_VALUE_STRING)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("DynamoDB binary value is not valid base64")));
	return decode_base64(v->str, v->len);
}

static char *
encode_binary(const char *data, int len)
{
	int			maxlen = pg_b64_enc_len(len);
	char	   *out = palloc(maxlen + 1);
	int			n = pg_b64_encode(data, len, out, maxlen);

	if (n < 0)
		elog(ERROR, "could not encode binary value as base64");
	out[n] = '\0';
	return out;
}

/* The bytea of a B attribute's base64 text (a string). */
Datum
dynamo_av_to_datum_binary(const DynamoValue *b64)
{
	if (b64 == NULL || b64->kind != DYNAMO_VALUE_STRING)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("DynamoDB binary value is not valid base64")));
	return PointerGetDatum(decode_base64(b64->str, b64->len));
}

/* A number's text as jsonb holds it. */
static Numeric
number_value(const DynamoValue *v)
{
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(av_number(v)),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* Add the jsonb form of an AttributeValue to a jsonb being built. */
static JsonbValue *
push_av(JsonbParseState **state, const DynamoValue *av, JsonbIteratorToken token)
{
	const char *tag;
	const DynamoValue *v;
	const DynamoValue *e;
	JsonbValue	jv;

	if (!av_unpack(av, &tag, &v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("malformed DynamoDB attribute value")));

	if (strcmp(tag, "M") == 0)
	{
		JsonbValue	key;

		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		for (e = v->first; e; e = e->next)
		{
			key.type = jbvString;
			key.val.string.val = (char *) check_string(e->name, e->name_len);
			key.val.string.len = e->name_len;
			pushJsonbValue(state, WJB_KEY, &key);
			push_av(state, e, WJB_VALUE);
		}
		return pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	if (strcmp(tag, "L") == 0)
	{
		pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
		for (e = v->first; e; e = e->next)
			push_av(state, e, WJB_ELEM);
		return pushJsonbValue(state, WJB_END_ARRAY, NULL);
	}
	if (strcmp(tag, "SS") == 0 || strcmp(tag, "NS") == 0 || strcmp(tag, "BS") == 0)
	{
		pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
		for (e = v->first; e; e = e->next)
		{
			if (tag[0] == 'N')
			{
				jv.type = jbvNumeric;
				jv.val.numeric = number_value(e);
			}
			else
			{
				jv.type = jbvString;
				jv.val.string.val = (char *) av_string(e);
				jv.val.string.len = e->len;
			}
			pushJsonbValue(state, WJB_ELEM, &jv);
		}
		return pushJsonbValue(state, WJB_END_ARRAY, NULL);
	}

	if (strcmp(tag, "S") == 0 || strcmp(tag, "B") == 0)
	{
		jv.type = jbvString;
		jv.val.string.val = (char *) av_string(v);
		jv.val.string.len = v->len;
	}
	else if (strcmp(tag, "N") == 0)
	{
		jv.type = jbvNumeric;
		jv.val.numeric = number_value(v);
	}
	else if (strcmp(tag, "BOOL") == 0)
	{
		jv.type = jbvBool;
		jv.val.boolean = v->boolean;
	}
	else if (strcmp(tag, "NULL") == 0)
		jv.type = jbvNull;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("unknown DynamoDB attribute type \"%s\"", tag)));

	/* A scalar at the top level is a one-element raw scalar array. */
	if (*state == NULL)
	{
		JsonbValue *res;

		pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
		(*state)->contVal.val.array.rawScalar = true;
		pushJsonbValue(state, WJB_ELEM, &jv);
		res = pushJsonbValue(state, WJB_END_ARRAY, NULL);
		return res;
	}
	return pushJsonbValue(state, token, &jv);
}

/* An AttributeValue (any type) as jsonb. */
static Jsonb *
av_to_jsonb(const DynamoValue *av)
{
	JsonbParseState *state = NULL;

	return JsonbValueToJsonb(push_av(&state, av, WJB_VALUE));
}

/* A whole item (its attributes, as the members of an M) as a jsonb object. */
Jsonb *
dynamo_item_to_jsonb(const DynamoValue *item)
{
	JsonbParseState *state = NULL;
	const DynamoValue *e;
	JsonbValue	key;

	if (item == NULL || item->kind != DYNAMO_VALUE_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("malformed DynamoDB item")));
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (e = item->first; e; e = e->next)
	{
		key.type = jbvString;
		key.val.string.val = (char *) check_string(e->name, e->name_len);
		key.val.string.len = e->name_len;
		pushJsonbValue(&state, WJB_KEY, &key);
		push_av(&state, e, WJB_VALUE);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

static Datum
array_from_av(const char *tag, const DynamoValue *v, DynamoColumnIO *io)
{
	ArrayBuildState *astate = NULL;
	bool		list = strcmp(tag, "L") == 0;
	const DynamoValue *e;

	if (!list && strcmp(tag, io->elem_is_binary ? "BS" : io->elem_is_number ? "NS" : "SS") != 0)
		mismatch(tag, io->type);

	astate = initArrayResult(io->elemtype, CurrentMemoryContext, false);
	for (e = v->first; e; e = e->next)
	{
		const DynamoValue *ev = e;
		const char *s;
		Datum		d;

		if (list)
		{
			const char *etag;

			if (!av_unpack(e, &etag, &ev) ||
				strcmp(etag, io->elem_is_binary ? "B" : io->elem_is_number ? "N" : "S") != 0)
				mismatch(tag, io->type);
		}
		if (io->elem_is_binary)
			d = PointerGetDatum(decode_binary(ev));
		else
		{
			s = io->elem_is_number ? av_number(ev) : av_string(ev);
			d = InputFunctionCall(&io->input, (char *) s, io->ioparam, -1);
		}
		astate = accumArrayResult(astate, d, false, io->elemtype, CurrentMemoryContext);
	}
	return makeArrayResult(astate, CurrentMemoryContext);
}

/*
 * The Datum for attribute value AV in a column read with IO.  AV NULL
 * (attribute missing) or {"NULL": true} gives SQL NULL.  Allocates in the
 * current context; errors say what did not fit (the caller's error context
 * names table, column and key).
 */
Datum
dynamo_av_to_datum(const DynamoValue *av, DynamoColumnIO *io, bool *isnull)
{
	const char *tag;
	const DynamoValue *v;

	*isnull = false;
	if (av == NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	if (!av_unpack(av, &tag, &v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("malformed DynamoDB attribute value")));
	/* NULL is SQL NULL in every column, jsonb and json included */
	if (strcmp(tag, "NULL") == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}

	switch (io->kind)
	{
		case DYNAMO_IO_BOOL:
			if (strcmp(tag, "BOOL") != 0)
				mismatch(tag, io->type);
			return BoolGetDatum(v->boolean);
		case DYNAMO_IO_BINARY:
			if (strcmp(tag, "B") != 0)
				mismatch(tag, io->type);
			return PointerGetDatum(decode_binary(v));
		case DYNAMO_IO_NUMBER:
			if (strcmp(tag, "N") != 0)
				mismatch(tag, io->type);
			return InputFunctionCall(&io->input, (char *) av_number(v),
									 io->ioparam, io->typmod);
		case DYNAMO_IO_STRING:
			if (strcmp(tag, "S") != 0)
				mismatch(tag, io->type);
			return InputFunctionCall(&io->input, (char *) av_string(v),
									 io->ioparam, io->typmod);
		case DYNAMO_IO_JSONB:
			return JsonbPGetDatum(av_to_jsonb(av));
		case DYNAMO_IO_JSON:
			{
				Jsonb	   *jb = av_to_jsonb(av);
				char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

				return InputFunctionCall(&io->input, text, io->ioparam, io->typmod);
			}
		case DYNAMO_IO_ARRAY:
			return array_from_av(tag, v, io);
	}
	return (Datum) 0;			/* keep compiler quiet */
}

/* ---- items -> rows ---- */

/* Member positions of an item whose column is remembered. */
#define ROW_READER_GUESSES	64

/*
 * A reader of rows from items: which attribute fills which column.  Scans
 * match each member of an item to a column by name: items of one table
 * mostly list their attributes in the same order, so the column found at a
 * member's position in the last item is tried first, then a hash table of
 * the columns' attribute names.
 */
DynamoRowReader *
dynamo_row_reader_create(int ncolumns)
{
	DynamoRowReader *r = palloc0(sizeof(DynamoRowReader));
	int			i;

	r->columns = palloc0(sizeof(DynamoReadColumn) * Max(ncolumns, 1));
	r->guess = palloc(sizeof(int) * ROW_READER_GUESSES);
	for (i = 0; i < ROW_READER_GUESSES; i++)
		r->guess[i] = -1;
	/* open addressing, at most half full */
	r->nslots = pg_nextpower2_32(Max(ncolumns, 1) * 2);
	r->slots = palloc0(sizeof(int) * r->nslots);
	return r;
}

/* The hash slot where the search for attribute NAME (LEN bytes) starts. */
static int
attr_slot(DynamoRowReader *r, const char *name, int len)
{
	return hash_bytes((const unsigned char *) name, len) & (r->nslots - 1);
}

/*
 * Read column COL into position POS of the rows (after the columns added
 * before; the reader was created for enough of them).  table.c allows one
 * column per attribute, besides the document column.
 */
void
dynamo_row_reader_add(DynamoRowReader *r, const DynamoColumn *col, int pos)
{
	DynamoReadColumn *c = &r->columns[r->ncolumns];

	c->column = col->column;
	c->attr = col->attr;
	c->attr_len = strlen(col->attr);
	c->document = col->document;
	c->pos = pos;
	dynamo_column_io_init(&c->io, col->type, col->typmod);
	if (!c->document)
	{
		int			h = attr_slot(r, c->attr, c->attr_len);

		while (r->slots[h] != 0)
			h = (h + 1) & (r->nslots - 1);
		r->slots[h] = r->ncolumns + 1;
	}
	r->ncolumns++;
}

static bool
reads_member(const DynamoReadColumn *c, const DynamoValue *m)
{
	return c->attr_len == m->name_len && memcmp(c->attr, m->name, m->name_len) == 0;
}

/* The column read from member M, the K-th of its item; or NULL. */
static DynamoReadColumn *
find_column(DynamoRowReader *r, const DynamoValue *m, int k)
{
	int			h;

	if (k < ROW_READER_GUESSES && r->guess[k] >= 0 &&
		reads_member(&r->columns[r->guess[k]], m))
		return &r->columns[r->guess[k]];
	for (h = attr_slot(r, m->name, m->name_len); r->slots[h] != 0;
		 h = (h + 1) & (r->nslots - 1))
	{
		DynamoReadColumn *c = &r->columns[r->slots[h] - 1];

		if (reads_member(c, m))
		{
			if (k < ROW_READER_GUESSES)
				r->guess[k] = r->slots[h] - 1;
			return c;
		}
	}
	return NULL;
}

/*
 * Fill the reader's columns of a row (VALUES, ISNULL) from ITEM, in the
 * current memory context.  A missing attribute is SQL NULL; the document
 * column gets the whole item.  While a value is read, r->current_column
 * names its column, for the caller's error context.
 */
void
dynamo_row_read(DynamoRowReader *r, const DynamoValue *item, Datum *values, bool *isnull)
{
	const DynamoValue *m;
	int			i;
	int			k;

	for (i = 0; i < r->ncolumns; i++)
	{
		values[r->columns[i].pos] = (Datum) 0;
		isnull[r->columns[i].pos] = true;
	}
	for (m = item->first, k = 0; m; m = m->next, k++)
	{
		DynamoReadColumn *c = find_column(r, m, k);

		/* a JSON null is no value, as if the attribute were missing */
		if (c == NULL || m->kind == DYNAMO_VALUE_NULL)
			continue;
		r->current_column = c->column;
		values[c->pos] = dynamo_av_to_datum(m, &c->io, &isnull[c->pos]);
	}
	for (i = 0; i < r->ncolumns; i++)
	{
		DynamoReadColumn *c = &r->columns[i];
		Jsonb	   *jb;

		if (!c->document)
			continue;
		r->current_column = c->column;
		jb = dynamo_item_to_jsonb(item);
		if (c->io.kind == DYNAMO_IO_JSON)
			values[c->pos] = InputFunctionCall(&c->io.input,
											   JsonbToCString(NULL, &jb->root, VARSIZE(jb)),
											   c->io.ioparam, c->io.typmod);
		else
			values[c->pos] = JsonbPGetDatum(jb);
		isnull[c->pos] = false;
	}
	r->current_column = NULL;
}

/* ---- PostgreSQL -> DynamoDB ---- */

static DynamoValue *av_from_jsonb_value(JsonbValue *jv);
static void check_number(const char *s);

static DynamoValue *
av_from_container(JsonbContainer *c)
{
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbValue	v;
	JsonbIteratorToken tok;
	DynamoValue *result = NULL;
	DynamoValue *cur = NULL;
	char	   *key = NULL;

	/* Walk one level; nested containers recurse with skipNested. */
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_OBJECT:
				cur = dynamo_value_object();
				break;
			case WJB_BEGIN_ARRAY:
				cur = dynamo_value_array();
				if (v.val.array.rawScalar)
				{
					tok = JsonbIteratorNext(&it, &v, true);
					return av_from_jsonb_value(&v);
				}
				break;
			case WJB_KEY:
				if (v.val.string.len == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("DynamoDB attribute names cannot be empty"),
							 errdetail("A JSON object in the value has the key \"\", which DynamoDB refuses as a map key or attribute name.")));
				key = pnstrdup(v.val.string.val, v.val.string.len);
				break;
			case WJB_VALUE:
				dynamo_value_set(cur, key, av_from_jsonb_value(&v));
				break;
			case WJB_ELEM:
				dynamo_value_append(cur, av_from_jsonb_value(&v));
				break;
			case WJB_END_OBJECT:
				result = dynamo_av("M", cur);
				break;
			case WJB_END_ARRAY:
				result = dynamo_av("L", cur);
				break;
			default:
				break;
		}
	}
	return result;
}

static DynamoValue *
av_from_jsonb_value(JsonbValue *jv)
{
	switch (jv->type)
	{
		case jbvNull:
			return dynamo_av("NULL", dynamo_value_bool(true));
		case jbvString:
			return dynamo_av("S", dynamo_value_string_len(jv->val.string.val,
														  jv->val.string.len));
		case jbvNumeric:
			{
				char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
																		NumericGetDatum(jv->val.numeric)));

				check_number(text);
				return dynamo_av("N", dynamo_value_string(text));
			}
		case jbvBool:
			return dynamo_av("BOOL", dynamo_value_bool(jv->val.boolean));
		case jbvBinary:
			return av_from_container(jv->val.binary.data);
		default:
			elog(ERROR, "unexpected jsonb value type %d", jv->type);
	}
	return NULL;
}

/* A jsonb value as an AttributeValue (objects become M, arrays L). */
static DynamoValue *
jsonb_to_av(Jsonb *jb)
{
	return av_from_container(&jb->root);
}

/*
 * What keeps DynamoDB from storing the number whose decimal text is S
 * (numeric_out's, an integer's or float8_out's form: sign, digits, an
 * optional point and an optional exponent): more than 38 significant
 * digits, a magnitude outside 1E-130 .. 9.99...E+125, or no digits at all
 * (NaN, Infinity).  The one place DynamoDB's number range is checked: a
 * value written (convert.c), a value a scan or a direct modification sends
 * in a condition (dynamo_value_storable) and a constant the planner pushes
 * down (deparse.c).
 */
DynamoNumberProblem
dynamo_number_problem(const char *s)
{
	const char *p = s;
	int			first = -1;		/* position of the first nonzero digit */
	int			last = -1;		/* ... and of the last */
	int			point = -1;		/* digits before the decimal point */
	int			ndigits = 0;
	long		exp10 = 0;
	long		adjusted;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p; p++)
	{
		if (*p == '.')
			point = ndigits;
		else if (*p >= '0' && *p <= '9')
		{
			if (*p != '0')
			{
				if (first < 0)
					first = ndigits;
				last = ndigits;
			}
			ndigits++;
		}
		else if (*p == 'e' || *p == 'E')
		{
			exp10 = strtol(p + 1, NULL, 10);
			break;
		}
		else
			break;
	}
	if (ndigits == 0)
		return DYNAMO_NUMBER_NOT_DECIMAL;
	if (first < 0)
		return DYNAMO_NUMBER_OK;	/* zero */
	if (point < 0)
		point = ndigits;
	if (last - first + 1 > DYNAMO_MAX_NUMBER_DIGITS)
		return DYNAMO_NUMBER_DIGITS;
	/* the exponent of the first significant digit, as in 1.23E+4 */
	adjusted = exp10 + (point - first - 1);
	if (adjusted > DYNAMO_MAX_NUMBER_EXPONENT || adjusted < DYNAMO_MIN_NUMBER_EXPONENT)
		return DYNAMO_NUMBER_RANGE;
	return DYNAMO_NUMBER_OK;
}

static void
check_number(const char *s)
{
	DynamoNumberProblem problem = dynamo_number_problem(s);

	if (problem == DYNAMO_NUMBER_DIGITS)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value %s has more significant digits than a DynamoDB number", s),
				 errdetail("DynamoDB numbers hold at most %d significant digits.",
						   DYNAMO_MAX_NUMBER_DIGITS)));
	if (problem == DYNAMO_NUMBER_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value %s is out of range for a DynamoDB number", s),
				 errdetail("DynamoDB numbers range from 1E-130 to 9.9999999999999999999999999999999999999E+125 in magnitude.")));
}

/*
 * Could an item hold number D of TYPE?  False for NaN, infinities and
 * numbers DynamoDB cannot store: a condition comparing a number attribute
 * for equality with such a value matches no item (PostgreSQL's answer),
 * where DynamoDB would refuse the request.  True for non-number types.
 */
bool
dynamo_value_storable(Datum d, Oid type)
{
	Oid			base = getBaseType(type);
	Oid			out;
	bool		isvarlena;
	char	   *s;

	if (base != NUMERICOID && base != FLOAT4OID && base != FLOAT8OID)
		return true;			/* integers always fit */
	getTypeOutputInfo(base, &out, &isvarlena);
	s = OidOutputFunctionCall(out, d);
	if (strcmp(s, "NaN") == 0 || strstr(s, "Infinity") != NULL)
		return false;
	return dynamo_number_problem(s) == DYNAMO_NUMBER_OK;
}

/* The decimal text of a number Datum, refusing what DynamoDB cannot hold. */
static char *
number_text(Datum d, Oid type, FmgrInfo *output)
{
	char	   *s = OutputFunctionCall(output, d);

	if (strcmp(s, "NaN") == 0 || strstr(s, "Infinity") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("DynamoDB numbers cannot be %s", s)));
	check_number(s);
	return s;
}

/* Number text in one spelling per value (1.50 and 1.5 alike), for comparing. */
static char *
number_canonical(const char *s)
{
	Datum		n = DirectFunctionCall3(numeric_in, CStringGetDatum(s),
										ObjectIdGetDatum(InvalidOid),
										Int32GetDatum(-1));

	return numeric_normalize(DatumGetNumeric(n));
}

/*
 * Values whose text depends on session settings are written in one fixed
 * form, so that an item reads back the same in every session and equal
 * values make equal strings (keys, string comparisons): dates and times in
 * ISO style (never "02-29-2024", which DateStyle DMY would read as another
 * day), timestamptz in UTC, intervals in PostgreSQL style, floats shortest
 * exact.  Returns the GUC nest level to end, or -1 when nothing was set.
 */
static int
fixed_style_begin(Oid base)
{
	bool		timestamptz = base == TIMESTAMPTZOID;
	int			nest;

	switch (base)
	{
		case DATEOID:
		case TIMEOID:
		case TIMETZOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case INTERVALOID:
		case FLOAT4OID:
		case FLOAT8OID:
			break;
		default:
			return -1;
	}
	if (DateStyle == USE_ISO_DATES && IntervalStyle == INTSTYLE_POSTGRES &&
		extra_float_digits > 0 &&
		(!timestamptz || strcmp(pg_get_timezone_name(session_timezone), "UTC") == 0))
		return -1;
	nest = NewGUCNestLevel();
	(void) set_config_option("datestyle", "ISO", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("intervalstyle", "postgres", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("extra_float_digits", "1", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	if (timestamptz)
		(void) set_config_option("timezone", "UTC", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

static void
fixed_style_end(int nest)
{
	if (nest >= 0)
		AtEOXact_GUC(true, nest);
}

/*
 * An array Datum D of element type ELEMTYPE as a DynamoDB set: SS, NS or
 * BS.  NULL for an empty array (DynamoDB has no empty sets); NULL elements
 * and duplicates (numbers compared as numbers) are refused, as DynamoDB
 * would refuse the whole request at commit.
 */
static DynamoValue *
array_to_set(Datum d, Oid elemtype)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	Oid			ebase = getBaseType(elemtype);
	bool		number = is_number_type(ebase);
	bool		binary = ebase == BYTEAOID;
	Oid			outfunc;
	bool		isvarlena;
	FmgrInfo	output;
	int16		elen;
	bool		ebyval;
	char		ealign;
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				j;
	int			nest;
	DynamoValue *set;
	char	  **texts;
	char	  **canon;

	get_typlenbyvalalign(elemtype, &elen, &ebyval, &ealign);
	deconstruct_array(arr, elemtype, elen, ebyval, ealign, &elems, &nulls, &n);
	if (n == 0)
		return NULL;			/* DynamoDB has no empty sets */
	getTypeOutputInfo(elemtype, &outfunc, &isvarlena);
	fmgr_info(outfunc, &output);
	nest = fixed_style_begin(ebase);
	texts = palloc(sizeof(char *) * n);
	canon = palloc(sizeof(char *) * n);
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("DynamoDB sets cannot contain NULL")));
		if (binary)
		{
			bytea	   *b = DatumGetByteaPP(elems[i]);

			texts[i] = encode_binary(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
		}
		else
			texts[i] = number ? number_text(elems[i], ebase, &output)
				: OutputFunctionCall(&output, elems[i]);
		/* DynamoDB compares numbers as numbers: 1.0 and 1 are one */
		canon[i] = number ? number_canonical(texts[i]) : texts[i];
		for (j = 0; j < i; j++)
			if (strcmp(canon[j], canon[i]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("DynamoDB sets cannot contain duplicates"),
						 errdetail("The value \"%s\" appears twice.", texts[i])));
	}
	fixed_style_end(nest);
	set = dynamo_value_array();
	for (i = 0; i < n; i++)
		dynamo_value_append(set, dynamo_value_string(texts[i]));
	return dynamo_av(binary ? "BS" : number ? "NS" : "SS", set);
}

/*
 * The AttributeValue for a non-null Datum of type TYPE.  Returns NULL for a
 * value DynamoDB stores as no attribute at all (an empty set).  A new tree
 * in the current memory context.
 */
DynamoValue *
dynamo_datum_to_av(Datum d, Oid type)
{
	Oid			base = getBaseType(type);
	Oid			elemtype;
	Oid			outfunc;
	bool		isvarlena;
	FmgrInfo	output;
	int			nest;
	char	   *out;

	if (base == BOOLOID)
		return dynamo_av("BOOL", dynamo_value_bool(DatumGetBool(d)));
	if (base == BYTEAOID)
	{
		bytea	   *b = DatumGetByteaPP(d);

		return dynamo_av("B", dynamo_value_string(encode_binary(VARDATA_ANY(b),
																VARSIZE_ANY_EXHDR(b))));
	}
	if (base == JSONBOID)
		return jsonb_to_av(DatumGetJsonbP(d));
	if (base == JSONOID)
	{
		Datum		jb = DirectFunctionCall1(jsonb_in,
											 CStringGetDatum(TextDatumGetCString(d)));

		return jsonb_to_av(DatumGetJsonbP(jb));
	}
	if ((elemtype = get_element_type(base)) != InvalidOid)
		return array_to_set(d, elemtype);

	getTypeOutputInfo(type, &outfunc, &isvarlena);
	fmgr_info(outfunc, &output);
	nest = fixed_style_begin(base);
	out = is_number_type(base) ? number_text(d, base, &output)
		: OutputFunctionCall(&output, d);
	fixed_style_end(nest);
	return dynamo_av(is_number_type(base) ? "N" : "S", dynamo_value_string(out));
}

/* The DynamoDB type tag a column's values are written with ('S', 'N', 'B'...). */
char
dynamo_type_tag(Oid type)
{
	Oid			base = getBaseType(type);

	if (base == BYTEAOID)
		return DYNAMO_TYPE_B;
	if (is_number_type(base))
		return DYNAMO_TYPE_N;
	if (base == BOOLOID || base == JSONBOID || base == JSONOID ||
		get_element_type(base) != InvalidOid)
		return '\0';			/* not a key type */
	return DYNAMO_TYPE_S;
}

/* A short text of a key value for messages: S and N as is, B as base64. */
char *
dynamo_value_display(const DynamoValue *av)
{
	const char *tag;
	const DynamoValue *v;

	if (!av_unpack(av, &tag, &v) || v->kind != DYNAMO_VALUE_STRING)
		return pstrdup("?");
	return pstrdup(v->str);
}

