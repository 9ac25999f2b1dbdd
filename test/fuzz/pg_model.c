/*-------------------------------------------------------------------------
 *
 * pg_model.c
 *		  A small, checking model of the PostgreSQL backend functions that
 *		  src/fdw/convert.c calls, so that the real convert.c runs in a fuzzer.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  test/fuzz/pg_model.c
 *
 * convert.c is compiled unchanged against the PostgreSQL 15 server headers
 * and linked with this file instead of the postgres executable.  What is
 * real and what is modelled:
 *
 *	- real: json-c, base64 (pg_b64_* from libpgcommon), the JSON syntax
 *	  check behind json_in (pg_parse_json from libpgcommon), UTF-8
 *	  validation (pg_utf8_islegal), StringInfo, and every struct layout
 *	  (the server headers);
 *	- modelled: palloc (one malloc per chunk, so AddressSanitizer sees every
 *	  overrun of a palloc'd buffer, which it cannot inside a real backend;
 *	  everything is freed after each input), ereport (errfinish longjmps back
 *	  to the harness), the type catalogue (a fixed table of the types
 *	  below), the input functions of those types (the same accept/refuse rules
 *	  as PostgreSQL 15 for the inputs that matter here), pushJsonbValue and
 *	  the array builders.
 *
 * The models are stricter than PostgreSQL where PostgreSQL would not notice
 * a misuse at once but would go wrong later: they stop the fuzzer (abort())
 * with a message starting "MODEL:" when convert.c
 *
 *	- hands a NULL string to an input function (PostgreSQL returns a null
 *	  Datum that the caller then marks not null),
 *	- builds a jsonb out of order, with a NULL or non-scalar value, with a
 *	  NUL or invalid UTF-8 in a string, or with NaN/Infinity as a number
 *	  (jsonb cannot hold any of those),
 *	- passes text that is not valid UTF-8 (the test database's encoding) to a
 *	  text input function, which in PostgreSQL does not check it,
 *	- raises an error without a SQLSTATE of its own (elog: XX000).
 *
 * The write direction (dynamo_datum_to_av) is not modelled: the functions
 * below, and the stubs the Makefile generates for any other backend symbol
 * it uses (unmodelled.c), abort() with "MODEL:" if ever called.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "nodes/memnodes.h"
#include "utils/array.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "pg_model.h"

/* ---- Failing loudly ---- */

void
model_fail(const char *fmt,...)
{
	va_list		ap;

	fputs("MODEL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- Memory: one malloc per palloc, all freed by model_reset() ---- */

static MemoryContextData fake_context;
MemoryContext CurrentMemoryContext = &fake_context;

typedef struct Chunk
{
	struct Chunk *next;
	Size		size;
	/* the caller's bytes follow, maximally aligned */
} Chunk;

#define CHUNK_HDR MAXALIGN(sizeof(Chunk))

static Chunk *chunks = NULL;

void *
palloc(Size size)
{
	Chunk	   *c;

	if (size > MaxAllocHugeSize)
		model_fail("palloc(%zu) is too large", (size_t) size);
	c = malloc(CHUNK_HDR + size);
	if (c == NULL)
		model_fail("out of memory");
	c->next = chunks;
	c->size = size;
	chunks = c;
	return (char *) c + CHUNK_HDR;
}

void *
palloc0(Size size)
{
	void	   *p = palloc(size);

	memset(p, 0, size);
	return p;
}

char *
pstrdup(const char *in)
{
	size_t		n = strlen(in);
	char	   *out = palloc(n + 1);

	memcpy(out, in, n + 1);
	return out;
}

char *
pnstrdup(const char *in, Size len)
{
	size_t		n = strnlen(in, len);
	char	   *out = palloc(n + 1);

	memcpy(out, in, n);
	out[n] = '\0';
	return out;
}

/*
 * palloc's variants that libpgcommon's frontend code expects (jsonapi.c is
 * built for frontends, where palloc is pg_malloc).
 */
void *
pg_malloc(size_t size)
{
	return palloc(size);
}

void *
pg_malloc0(size_t size)
{
	return palloc0(size);
}

void *
repalloc(void *pointer, Size size)
{
	Chunk	   *old = (Chunk *) ((char *) pointer - CHUNK_HDR);
	void	   *p = palloc(size);

	memcpy(p, pointer, Min(old->size, size));
	return p;
}

void
pfree(void *pointer)
{
	/* freed with everything else by model_reset() */
	(void) pointer;
}

void
model_reset(void)
{
	while (chunks != NULL)
	{
		Chunk	   *next = chunks->next;

		free(chunks);
		chunks = next;
	}
}

/* ---- ereport ---- */

sigjmp_buf *model_error_jmp = NULL;
ModelError model_last_error;

static char *
vformat(const char *fmt, va_list ap)
{
	char		buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	return pstrdup(buf);
}

bool
errstart(int elevel, const char *domain)
{
	memset(&model_last_error, 0, sizeof(model_last_error));
	model_last_error.elevel = elevel;
	return elevel >= ERROR;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

int
errcode(int sqlerrcode)
{
	model_last_error.sqlstate = sqlerrcode;
	return 0;
}

int
errmsg(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	model_last_error.message = vformat(fmt, ap);
	va_end(ap);
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	model_last_error.message = vformat(fmt, ap);
	va_end(ap);
	model_last_error.internal = true;
	return 0;
}

int
errdetail(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	model_last_error.detail = vformat(fmt, ap);
	va_end(ap);
	return 0;
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	model_last_error.where = funcname;
	if (model_last_error.elevel < ERROR)
		return;
	if (model_last_error.message == NULL)
		model_fail("%s:%d: an error without a message", filename, lineno);
	if (model_last_error.sqlstate == 0)
	{
		if (model_last_error.internal)
			model_fail("%s:%d (%s): elog(ERROR, \"%s\") reached from input data: "
					   "an internal error (XX000) where a user-facing SQLSTATE belongs",
					   filename, lineno, funcname, model_last_error.message);
		model_fail("%s:%d: ereport without errcode", filename, lineno);
	}
	if (model_error_jmp == NULL)
		model_fail("%s:%d: error outside the harness: %s", filename, lineno,
				   model_last_error.message);
	siglongjmp(*model_error_jmp, 1);
}

/* ereport(ERROR, errcode(...)) from inside this file. */
#define model_error(code, ...) \
	do { \
		errstart(ERROR, NULL); \
		errcode(code); \
		errmsg(__VA_ARGS__); \
		errfinish(__FILE__, __LINE__, __func__); \
		pg_unreachable(); \
	} while (0)

/* ---- The type catalogue ---- */

typedef struct ModelType
{
	Oid			oid;
	const char *name;
	Oid			elem;			/* element type of an array type */
	int16		len;
	bool		byval;
	char		align;
} ModelType;

static const ModelType types[] = {
	{BOOLOID, "boolean", InvalidOid, 1, true, 'c'},
	{BYTEAOID, "bytea", InvalidOid, -1, false, 'i'},
	{INT8OID, "bigint", InvalidOid, 8, true, 'd'},
	{INT2OID, "smallint", InvalidOid, 2, true, 's'},
	{INT4OID, "integer", InvalidOid, 4, true, 'i'},
	{TEXTOID, "text", InvalidOid, -1, false, 'i'},
	{OIDOID, "oid", InvalidOid, 4, true, 'i'},
	{JSONOID, "json", InvalidOid, -1, false, 'i'},
	{FLOAT4OID, "real", InvalidOid, 4, true, 'i'},
	{FLOAT8OID, "double precision", InvalidOid, 8, true, 'd'},
	{VARCHAROID, "character varying", InvalidOid, -1, false, 'i'},
	{NUMERICOID, "numeric", InvalidOid, -1, false, 'i'},
	{JSONBOID, "jsonb", InvalidOid, -1, false, 'i'},
	{TEXTARRAYOID, "text[]", TEXTOID, -1, false, 'i'},
	{INT4ARRAYOID, "integer[]", INT4OID, -1, false, 'i'},
	{INT8ARRAYOID, "bigint[]", INT8OID, -1, false, 'd'},
	{NUMERICARRAYOID, "numeric[]", NUMERICOID, -1, false, 'i'},
	{FLOAT8ARRAYOID, "double precision[]", FLOAT8OID, -1, false, 'd'},
	{BYTEAARRAYOID, "bytea[]", BYTEAOID, -1, false, 'i'},
	{BOOLARRAYOID, "boolean[]", BOOLOID, -1, false, 'i'},
};

static const ModelType *
model_type(Oid oid)
{
	size_t		i;

	for (i = 0; i < lengthof(types); i++)
		if (types[i].oid == oid)
			return &types[i];
	model_fail("type %u is not in the model's catalogue", oid);
	return NULL;
}

Oid
getBaseType(Oid typid)
{
	(void) model_type(typid);
	return typid;				/* the model has no domains */
}

Oid
get_element_type(Oid typid)
{
	return model_type(typid)->elem;
}

void
get_typlenbyvalalign(Oid typid, int16 *typlen, bool *typbyval, char *typalign)
{
	const ModelType *t = model_type(typid);

	*typlen = t->len;
	*typbyval = t->byval;
	*typalign = t->align;
}

char *
format_type_be(Oid type_oid)
{
	return pstrdup(model_type(type_oid)->name);
}

/* The model's input "function" of a type has the type's OID. */
void
getTypeInputInfo(Oid type, Oid *typInput, Oid *typIOParam)
{
	(void) model_type(type);
	*typInput = type;
	*typIOParam = type;
}

void
fmgr_info(Oid functionId, FmgrInfo *finfo)
{
	memset(finfo, 0, sizeof(*finfo));
	finfo->fn_oid = functionId;
	finfo->fn_strict = true;
	finfo->fn_nargs = 3;
	finfo->fn_mcxt = CurrentMemoryContext;
}

/* ---- Input functions ---- */

static bool
is_pg_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
		c == '\f';
}

/* PostgreSQL 15's pg_strtoint16/32/64 rules. */
static int64
model_int(const char *s, int64 min, int64 max, const char *typname)
{
	const char *p = s;
	bool		neg = false;
	__int128	v = 0;
	bool		digits = false;

	while (is_pg_space(*p))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	while (*p >= '0' && *p <= '9')
	{
		digits = true;
		if (v < ((__int128) 1 << 64))
			v = v * 10 + (*p - '0');
		p++;
	}
	while (is_pg_space(*p))
		p++;
	if (!digits || *p != '\0')
		model_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
					"invalid input syntax for type %s: \"%s\"", typname, s);
	if (neg)
		v = -v;
	if (v < min || v > max)
		model_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
					"value \"%s\" is out of range for type %s", s, typname);
	return (int64) v;
}

/* float4in/float8in: strtod, with PostgreSQL's range and syntax checks. */
static double
model_float(const char *s, bool single)
{
	const char *p = s;
	char	   *end;
	double		d;

	while (is_pg_space(*p))
		p++;
	if (*p == '\0')
		model_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
					"invalid input syntax for type %s: \"%s\"",
					single ? "real" : "double precision", s);
	errno = 0;
	d = strtod(p, &end);
	if (end == p)
		model_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
					"invalid input syntax for type %s: \"%s\"",
					single ? "real" : "double precision", s);
	if (errno == ERANGE && (d == 0.0 || isinf(d)))
		model_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
					"\"%s\" is out of range for type %s", s,
					single ? "real" : "double precision");
	while (is_pg_space(*end))
		end++;
	if (*end != '\0')
		model_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
					"invalid input syntax for type %s: \"%s\"",
					single ? "real" : "double precision", s);
	if (single && !isinf(d) && !isnan(d) && (isinf((float) d) || ((float) d == 0 && d != 0)))
		model_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
					"\"%s\" is out of range for type real", s);
	return d;
}

/*
 * numeric_in (PostgreSQL 15): white space, sign, digits with one optional
 * point, an optional exponent, or NaN / [+-]Infinity in any case.  The
 * "Numeric" returned is palloc'd text with a one-byte marker ('n' a number,
 * 'x' NaN or infinite) followed by what numeric_out would print: plain
 * decimal notation, leading zeros dropped, the input's scale kept
 * ("1.50e1" -> "15.0"), negative zero printed as zero.
 */
static Numeric
model_numeric(const char *s)
{
	const char *p = s;
	const char *special = NULL;
	bool		neg = false;
	char	   *digits;
	int			ndigits = 0;
	int			nint = 0;		/* digits before the point */
	int			nfrac = 0;
	long		exp = 0;
	int			point,
				dscale,
				i;
	char	   *out,
			   *o;
	bool		any_nonzero = false;

	if (s == NULL)
		model_fail("numeric_in called with a NULL string");
	digits = palloc(strlen(s) + 1);
	while (is_pg_space(*p))
		p++;
	if (pg_strncasecmp(p, "NaN", 3) == 0)
	{
		p += 3;
		special = "NaN";
	}
	else
	{
		const char *q = p;

		if (*q == '+' || *q == '-')
			q++;
		if (pg_strncasecmp(q, "Infinity", 8) == 0)
		{
			p = q + 8;
			special = "Infinity";
		}
		else if (pg_strncasecmp(q, "inf", 3) == 0)
		{
			p = q + 3;
			special = "Infinity";
		}
	}
	if (special == NULL)
	{
		if (*p == '+' || *p == '-')
			neg = *p++ == '-';
		while (*p >= '0' && *p <= '9')
			digits[ndigits++] = *p++, nint++;
		if (*p == '.')
		{
			p++;
			while (*p >= '0' && *p <= '9')
				digits[ndigits++] = *p++, nfrac++;
		}
		if (ndigits > 0 && (*p == 'e' || *p == 'E'))
		{
			const char *e = p + 1;
			bool		eneg = false;
			bool		edigits = false;

			if (*e == '+' || *e == '-')
				eneg = *e++ == '-';
			while (*e >= '0' && *e <= '9')
			{
				if (exp < 100000)
					exp = exp * 10 + (*e - '0');
				e++, edigits = true;
			}
			if (!edigits)
				model_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
							"invalid input syntax for type numeric: \"%s\"", s);
			/* PostgreSQL refuses |exponent| > NUMERIC_MAX_DISPLAY_SCALE * 2 */
			if (exp > 2000)
				model_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
							"invalid input syntax for type numeric: \"%s\"", s);
			if (eneg)
				exp = -exp;
			p = e;
		}
	}
	while (is_pg_space(*p))
		p++;
	if ((special == NULL && ndigits == 0) || *p != '\0')
		model_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
					"invalid input syntax for type numeric: \"%s\"", s);
	if (special != NULL)
	{
		out = palloc(strlen(special) + 3);
		out[0] = 'x';
		strcpy(out + 1, special);
		return (Numeric) out;
	}

	/* value = digits * 10^(exp - nfrac); scale shown = max(0, nfrac - exp) */
	dscale = nfrac - exp > 0 ? (int) (nfrac - exp) : 0;
	if (dscale > 1000)
		model_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
					"value overflows numeric format");
	point = nint + (int) exp;	/* digits before the point, may be <0 or >n */
	out = palloc(ndigits + abs(point) + dscale + 8);
	o = out;
	*o++ = 'n';
	for (i = 0; i < ndigits; i++)
		if (digits[i] != '0')
			any_nonzero = true;
	if (neg && any_nonzero)
		*o++ = '-';
	/* integer part, without leading zeros */
	{
		bool		started = false;

		for (i = 0; i < point; i++)
		{
			char		c = i < ndigits ? digits[i] : '0';

			if (c == '0' && !started)
				continue;
			started = true;
			*o++ = c;
		}
		if (!started)
			*o++ = '0';
	}
	if (dscale > 0)
	{
		*o++ = '.';
		for (i = point; i < point + dscale; i++)
			*o++ = (i >= 0 && i < ndigits) ? digits[i] : '0';
	}
	*o = '\0';
	return (Numeric) out;
}

static bool
numeric_is_special(Numeric n)
{
	return ((char *) n)[0] == 'x';
}

/* Valid UTF-8 without NUL, as a text datum in a UTF8 database must be. */
static bool
valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;

	while (len > 0)
	{
		int			l;

		if (*p == 0)
			return false;
		l = pg_utf_mblen(p);
		if ((size_t) l > len || !pg_utf8_islegal(p, l))
			return false;
		p += l;
		len -= l;
	}
	return true;
}

static text *
model_text(const char *s)
{
	size_t		n = strlen(s);
	text	   *t;

	if (!valid_utf8(s, n))
		model_fail("text input got a string that is not valid UTF-8: PostgreSQL's "
				   "text input does not check, so it would be stored as it is");
	t = palloc(VARHDRSZ + n);
	SET_VARSIZE(t, VARHDRSZ + n);
	memcpy(VARDATA(t), s, n);
	return t;
}

/* json_in: PostgreSQL's own JSON parser from libpgcommon. */
static text *
model_json(const char *s)
{
	JsonLexContext *lex;
	JsonParseErrorType rc;

	if (!valid_utf8(s, strlen(s)))
		model_fail("json input got a string that is not valid UTF-8");
	lex = makeJsonLexContextCstringLen((char *) s, strlen(s), PG_UTF8, true);
	rc = pg_parse_json(lex, &nullSemAction);
	if (rc != JSON_SUCCESS)
		model_fail("JsonbToCString produced text json_in refuses (%d): %s", (int) rc, s);
	return model_text(s);
}

Datum
InputFunctionCall(FmgrInfo *flinfo, char *str, Oid typioparam, int32 typmod)
{
	if (str == NULL)
		model_fail("InputFunctionCall(type %u) got a NULL string: PostgreSQL "
				   "returns a null Datum that the caller takes for a value",
				   flinfo->fn_oid);
	switch (flinfo->fn_oid)
	{
		case INT2OID:
			return Int16GetDatum((int16) model_int(str, PG_INT16_MIN, PG_INT16_MAX, "smallint"));
		case INT4OID:
			return Int32GetDatum((int32) model_int(str, PG_INT32_MIN, PG_INT32_MAX, "integer"));
		case INT8OID:
			return Int64GetDatum(model_int(str, PG_INT64_MIN, PG_INT64_MAX, "bigint"));
		case OIDOID:
			return ObjectIdGetDatum((Oid) model_int(str, PG_INT32_MIN, PG_UINT32_MAX, "oid"));
		case FLOAT4OID:
			return Float4GetDatum((float4) model_float(str, true));
		case FLOAT8OID:
			return Float8GetDatum(model_float(str, false));
		case NUMERICOID:
			return NumericGetDatum(model_numeric(str));
		case BOOLOID:
			if (strcmp(str, "t") == 0 || strcmp(str, "true") == 0)
				return BoolGetDatum(true);
			if (strcmp(str, "f") == 0 || strcmp(str, "false") == 0)
				return BoolGetDatum(false);
			model_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
						"invalid input syntax for type boolean: \"%s\"", str);
		case TEXTOID:
			return PointerGetDatum(model_text(str));
		case VARCHAROID:
			if (typmod >= (int32) VARHDRSZ &&
				pg_mbstrlen_with_len_model(str) > typmod - (int32) VARHDRSZ)
				model_error(ERRCODE_STRING_DATA_RIGHT_TRUNCATION,
							"value too long for type character varying(%d)",
							typmod - (int32) VARHDRSZ);
			return PointerGetDatum(model_text(str));
		case JSONOID:
			return PointerGetDatum(model_json(str));
		default:
			model_fail("no input function for type %u in the model", flinfo->fn_oid);
	}
	return (Datum) 0;
}

/* Characters in a UTF-8 string (the model's pg_mbstrlen). */
int
pg_mbstrlen_with_len_model(const char *s)
{
	int			n = 0;

	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

Datum
numeric_in(PG_FUNCTION_ARGS)
{
	return NumericGetDatum(model_numeric(PG_GETARG_CSTRING(0)));
}

Datum
DirectFunctionCall1Coll(PGFunction func, Oid collation, Datum arg1)
{
	model_fail("DirectFunctionCall1 is only used by the write direction, not modelled");
	return (Datum) 0;
}

Datum
DirectFunctionCall3Coll(PGFunction func, Oid collation, Datum arg1,
						Datum arg2, Datum arg3)
{
	LOCAL_FCINFO(fcinfo, 3);
	Datum		result;

	if (func != numeric_in)
		model_fail("DirectFunctionCall3 of a function the model lacks");
	InitFunctionCallInfoData(*fcinfo, NULL, 3, collation, NULL, NULL);
	fcinfo->args[0].value = arg1;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = arg2;
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = arg3;
	fcinfo->args[2].isnull = false;
	result = (*func) (fcinfo);
	return result;
}

/* The model's values are never toasted (DatumGetNumeric, DatumGetByteaPP). */
struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	return datum;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	return datum;
}

/* ---- Arrays ---- */

ArrayBuildState *
initArrayResult(Oid element_type, MemoryContext rcontext, bool subcontext)
{
	ArrayBuildState *a = palloc0(sizeof(ArrayBuildState));

	a->mcontext = rcontext;
	a->element_type = element_type;
	a->alen = 64;
	a->dvalues = palloc(sizeof(Datum) * a->alen);
	a->dnulls = palloc(sizeof(bool) * a->alen);
	get_typlenbyvalalign(element_type, &a->typlen, &a->typbyval, &a->typalign);
	return a;
}

ArrayBuildState *
accumArrayResult(ArrayBuildState *astate, Datum dvalue, bool disnull,
				 Oid element_type, MemoryContext rcontext)
{
	if (astate == NULL)
		astate = initArrayResult(element_type, rcontext, true);
	if (astate->element_type != element_type)
		model_fail("accumArrayResult: element type changed");
	if (!disnull && !astate->typbyval && DatumGetPointer(dvalue) == NULL)
		model_fail("accumArrayResult: a NULL pointer as a by-reference element");
	if (astate->nelems >= astate->alen)
	{
		Datum	   *v = palloc(sizeof(Datum) * astate->alen * 2);
		bool	   *n = palloc(sizeof(bool) * astate->alen * 2);

		memcpy(v, astate->dvalues, sizeof(Datum) * astate->nelems);
		memcpy(n, astate->dnulls, sizeof(bool) * astate->nelems);
		astate->dvalues = v;
		astate->dnulls = n;
		astate->alen *= 2;
	}
	astate->dvalues[astate->nelems] = dvalue;
	astate->dnulls[astate->nelems++] = disnull;
	return astate;
}

Datum
makeArrayResult(ArrayBuildState *astate, MemoryContext rcontext)
{
	if (astate == NULL)
		model_fail("makeArrayResult(NULL)");
	model_last_array = astate;
	return PointerGetDatum(astate);
}

ArrayBuildState *model_last_array = NULL;

/* ---- jsonb ---- */

/*
 * pushJsonbValue: the same states and results as PostgreSQL's, with checks
 * on what convert.c pushes.  Containers are real JsonbValue trees
 * (jbvObject pairs, jbvArray elems) so JsonbValueToJsonb can walk them.
 */
static void
check_scalar(const JsonbValue *v)
{
	if (v == NULL)
		model_fail("pushJsonbValue: a NULL value");
	switch (v->type)
	{
		case jbvNull:
		case jbvBool:
			break;
		case jbvString:
			if (v->val.string.len < 0 ||
				(v->val.string.len > 0 && v->val.string.val == NULL))
				model_fail("pushJsonbValue: a string without text");
			if (v->val.string.len > 0 &&
				memchr(v->val.string.val, '\0', v->val.string.len) != NULL)
				model_fail("pushJsonbValue: a string with a NUL character "
						   "(jsonb cannot hold \\u0000)");
			if (!valid_utf8(v->val.string.val, v->val.string.len))
				model_fail("pushJsonbValue: a string that is not valid UTF-8");
			break;
		case jbvNumeric:
			if (v->val.numeric == NULL)
				model_fail("pushJsonbValue: a NULL numeric");
			if (numeric_is_special(v->val.numeric))
				model_fail("pushJsonbValue: NaN or Infinity as a jsonb number "
						   "(JSON has no such numbers)");
			break;
		default:
			model_fail("pushJsonbValue: a non-scalar value of type %d", (int) v->type);
	}
}

static void
append_value(JsonbParseState *st, JsonbValue *v)
{
	JsonbValue *c = &st->contVal;

	if (c->type == jbvArray)
	{
		if ((Size) c->val.array.nElems >= st->size)
		{
			JsonbValue *n = palloc(sizeof(JsonbValue) * st->size * 2);

			memcpy(n, c->val.array.elems, sizeof(JsonbValue) * c->val.array.nElems);
			c->val.array.elems = n;
			st->size *= 2;
		}
		c->val.array.elems[c->val.array.nElems++] = *v;
	}
	else
	{
		if (c->val.object.nPairs == 0)
			model_fail("pushJsonbValue: a value with no key");
		c->val.object.pairs[c->val.object.nPairs - 1].value = *v;
	}
}

JsonbValue *
pushJsonbValue(JsonbParseState **pstate, JsonbIteratorToken seq, JsonbValue *jbval)
{
	JsonbParseState *st;
	JsonbValue *done;

	switch (seq)
	{
		case WJB_BEGIN_ARRAY:
		case WJB_BEGIN_OBJECT:
			if (*pstate != NULL && (*pstate)->contVal.type == jbvArray &&
				(*pstate)->contVal.val.array.rawScalar)
				model_fail("pushJsonbValue: a container inside a raw scalar");
			st = palloc0(sizeof(JsonbParseState));
			st->next = *pstate;
			st->size = 4;
			if (seq == WJB_BEGIN_ARRAY)
			{
				st->contVal.type = jbvArray;
				st->contVal.val.array.elems = palloc(sizeof(JsonbValue) * 4);
			}
			else
			{
				st->contVal.type = jbvObject;
				st->contVal.val.object.pairs = palloc(sizeof(JsonbPair) * 4);
			}
			*pstate = st;
			return NULL;
		case WJB_KEY:
			st = *pstate;
			if (st == NULL || st->contVal.type != jbvObject)
				model_fail("pushJsonbValue: a key outside an object");
			check_scalar(jbval);
			if (jbval->type != jbvString)
				model_fail("pushJsonbValue: a key that is not a string");
			if ((Size) st->contVal.val.object.nPairs >= st->size)
			{
				JsonbPair  *n = palloc(sizeof(JsonbPair) * st->size * 2);

				memcpy(n, st->contVal.val.object.pairs,
					   sizeof(JsonbPair) * st->contVal.val.object.nPairs);
				st->contVal.val.object.pairs = n;
				st->size *= 2;
			}
			st->contVal.val.object.pairs[st->contVal.val.object.nPairs].key = *jbval;
			st->contVal.val.object.pairs[st->contVal.val.object.nPairs].value.type = (enum jbvType) -1;
			st->contVal.val.object.nPairs++;
			return NULL;
		case WJB_VALUE:
		case WJB_ELEM:
			st = *pstate;
			if (st == NULL)
				model_fail("pushJsonbValue: a value outside a container");
			if ((seq == WJB_VALUE) != (st->contVal.type == jbvObject))
				model_fail("pushJsonbValue: WJB_VALUE in an array or WJB_ELEM in an object");
			check_scalar(jbval);
			append_value(st, jbval);
			return NULL;
		case WJB_END_ARRAY:
		case WJB_END_OBJECT:
			st = *pstate;
			if (st == NULL ||
				st->contVal.type != (seq == WJB_END_ARRAY ? jbvArray : jbvObject))
				model_fail("pushJsonbValue: an unbalanced end of container");
			if (st->contVal.type == jbvArray && st->contVal.val.array.rawScalar &&
				st->contVal.val.array.nElems != 1)
				model_fail("pushJsonbValue: a raw scalar array of %d elements",
						   st->contVal.val.array.nElems);
			if (st->contVal.type == jbvObject)
			{
				int			i;

				for (i = 0; i < st->contVal.val.object.nPairs; i++)
					if ((int) st->contVal.val.object.pairs[i].value.type == -1)
						model_fail("pushJsonbValue: a key without a value");
			}
			done = palloc(sizeof(JsonbValue));
			*done = st->contVal;
			*pstate = st->next;
			if (*pstate != NULL)
				append_value(*pstate, done);
			return done;
		default:
			model_fail("pushJsonbValue: unexpected token %d", (int) seq);
	}
	return NULL;
}

/*
 * The model's Jsonb: a varlena whose "root" holds a pointer to the
 * JsonbValue tree.  Only JsonbToCString reads it.
 */
typedef struct ModelJsonb
{
	int32		vl_len_;
	uint32		magic;
	JsonbValue *tree;
} ModelJsonb;

#define MODEL_JSONB_MAGIC 0x4a534f4e

Jsonb *
JsonbValueToJsonb(JsonbValue *val)
{
	ModelJsonb *jb;

	if (val == NULL)
		model_fail("JsonbValueToJsonb(NULL)");
	if (val->type != jbvObject && val->type != jbvArray)
		model_fail("JsonbValueToJsonb of a bare scalar");
	jb = palloc(sizeof(ModelJsonb));
	SET_VARSIZE(jb, sizeof(ModelJsonb));
	jb->magic = MODEL_JSONB_MAGIC;
	jb->tree = val;
	return (Jsonb *) jb;
}

static void
emit(StringInfo out, const JsonbValue *v)
{
	int			i;

	switch (v->type)
	{
		case jbvNull:
			appendStringInfoString(out, "null");
			break;
		case jbvBool:
			appendStringInfoString(out, v->val.boolean ? "true" : "false");
			break;
		case jbvNumeric:
			appendStringInfoString(out, (char *) v->val.numeric + 1);
			break;
		case jbvString:
			{
				char	   *s = pnstrdup(v->val.string.val, v->val.string.len);

				escape_json(out, s);
				break;
			}
		case jbvArray:
			if (v->val.array.rawScalar)
			{
				emit(out, &v->val.array.elems[0]);
				break;
			}
			appendStringInfoChar(out, '[');
			for (i = 0; i < v->val.array.nElems; i++)
			{
				if (i > 0)
					appendStringInfoString(out, ", ");
				emit(out, &v->val.array.elems[i]);
			}
			appendStringInfoChar(out, ']');
			break;
		case jbvObject:
			appendStringInfoChar(out, '{');
			for (i = 0; i < v->val.object.nPairs; i++)
			{
				if (i > 0)
					appendStringInfoString(out, ", ");
				emit(out, &v->val.object.pairs[i].key);
				appendStringInfoString(out, ": ");
				emit(out, &v->val.object.pairs[i].value);
			}
			appendStringInfoChar(out, '}');
			break;
		default:
			model_fail("JsonbToCString: value of type %d", (int) v->type);
	}
}

char *
JsonbToCString(StringInfo out, JsonbContainer *in, int estimated_len)
{
	ModelJsonb *jb = (ModelJsonb *) ((char *) in - offsetof(ModelJsonb, magic));
	StringInfoData buf;

	if (jb->magic != MODEL_JSONB_MAGIC)
		model_fail("JsonbToCString of something that is not a model jsonb");
	if (out == NULL)
	{
		initStringInfo(&buf);
		out = &buf;
	}
	emit(out, jb->tree);
	return out->data;
}

/* escape_json as PostgreSQL writes it (backend utils/adt/json.c). */
void
escape_json(StringInfo buf, const char *str)
{
	const char *p;

	appendStringInfoCharMacro(buf, '"');
	for (p = str; *p; p++)
	{
		switch (*p)
		{
			case '\b':
				appendStringInfoString(buf, "\\b");
				break;
			case '\f':
				appendStringInfoString(buf, "\\f");
				break;
			case '\n':
				appendStringInfoString(buf, "\\n");
				break;
			case '\r':
				appendStringInfoString(buf, "\\r");
				break;
			case '\t':
				appendStringInfoString(buf, "\\t");
				break;
			case '"':
				appendStringInfoString(buf, "\\\"");
				break;
			case '\\':
				appendStringInfoString(buf, "\\\\");
				break;
			default:
				if ((unsigned char) *p < ' ')
					appendStringInfo(buf, "\\u%04x", (int) *p);
				else
					appendStringInfoCharMacro(buf, *p);
				break;
		}
	}
	appendStringInfoCharMacro(buf, '"');
}

/* ---- Not modelled: the write direction ---- */

#define NOT_MODELLED(what) model_fail("%s is not modelled (write direction)", what)

char *
OutputFunctionCall(FmgrInfo *flinfo, Datum val)
{
	NOT_MODELLED("OutputFunctionCall");
	return NULL;
}

void
getTypeOutputInfo(Oid type, Oid *typOutput, bool *typIsVarlena)
{
	NOT_MODELLED("getTypeOutputInfo");
}

JsonbIterator *
JsonbIteratorInit(JsonbContainer *container)
{
	NOT_MODELLED("JsonbIteratorInit");
	return NULL;
}

JsonbIteratorToken
JsonbIteratorNext(JsonbIterator **it, JsonbValue *val, bool skipNested)
{
	NOT_MODELLED("JsonbIteratorNext");
	return WJB_DONE;
}

Datum
numeric_out(PG_FUNCTION_ARGS)
{
	NOT_MODELLED("numeric_out");
	return (Datum) 0;
}

Datum
jsonb_in(PG_FUNCTION_ARGS)
{
	NOT_MODELLED("jsonb_in");
	return (Datum) 0;
}

char *
text_to_cstring(const text *t)
{
	NOT_MODELLED("text_to_cstring");
	return NULL;
}


void
deconstruct_array(ArrayType *array, Oid elmtype, int elmlen, bool elmbyval,
				  char elmalign, Datum **elemsp, bool **nullsp, int *nelemsp)
{
	NOT_MODELLED("deconstruct_array");
}

/*
 * What the stubs of the Makefile's unmodelled.c call: a backend symbol only
 * the write direction uses was reached.
 */
void		model_unmodelled(const char *name);

void
model_unmodelled(const char *name)
{
	model_fail("%s is not modelled (only the write direction should use it)", name);
}
