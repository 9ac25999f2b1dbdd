/*-------------------------------------------------------------------------
 *
 * deparse.c
 *		  Sort WHERE conditions into key condition, filter and local, and
 *		  write DynamoDB expressions.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/deparse.c
 *
 * A condition is pushed to DynamoDB only when DynamoDB selects exactly the
 * rows PostgreSQL would:
 *	- strings compare by UTF-8 bytes in DynamoDB, so equality needs a
 *	  deterministic collation and ranges the C collation; bpchar (blank
 *	  padding) and varchar(n) (silent truncation of spaces) never qualify;
 *	- numbers compare as exact decimals in DynamoDB: integers and unbounded
 *	  numeric qualify, floats (binary rounding) and numeric(p,s) (input
 *	  rounding) do not;
 *	- a missing attribute is false in every DynamoDB comparison except <>,
 *	  which is why <> is written with attribute_type();
 *	- IS [NOT] NULL covers both a missing attribute and the NULL type.
 * Anything else stays local.  Names and values always go through
 * ExpressionAttributeNames/Values placeholders (#nN, :vN), so no attribute
 * name or value can change an expression.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"

#include "convert.h"
#include "ddb_limits.h"
#include "deparse.h"
#include "dynamo_fdw.h"
#include "table.h"

typedef enum TypeFamily
{
	FAMILY_NONE,
	FAMILY_STRING,
	FAMILY_NUMBER,
	FAMILY_BOOL,
	FAMILY_BINARY
} TypeFamily;

static TypeFamily
type_family(Oid type)
{
	switch (type)
	{
		case TEXTOID:
		case VARCHAROID:
			return FAMILY_STRING;
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
			return FAMILY_NUMBER;
		case BOOLOID:
			return FAMILY_BOOL;
		case BYTEAOID:
			return FAMILY_BINARY;
		default:
			return FAMILY_NONE;
	}
}

/* The column's family when values read into it compare as DynamoDB's do. */
static TypeFamily
column_family(const DynamoColumn *col)
{
	TypeFamily	f = type_family(col->type);

	if (col->document)
		return FAMILY_NONE;
	/* varchar(n) truncates trailing spaces, numeric(p,s) rounds */
	if ((col->type == VARCHAROID || col->type == NUMERICOID) && col->typmod >= 0)
		return FAMILY_NONE;
	return f;
}

char
dynamo_family_tag(const DynamoColumn *col)
{
	switch (column_family(col))
	{
		case FAMILY_STRING:
			return DYNAMO_TYPE_S;
		case FAMILY_NUMBER:
			return DYNAMO_TYPE_N;
		case FAMILY_BINARY:
			return DYNAMO_TYPE_B;
		default:
			return '\0';
	}
}

static Expr *
strip_relabel(Expr *e)
{
	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	return e;
}

/*
 * A column on a key attribute (of the table or an index) whose type cannot
 * hold the key's DynamoDB type is never compared by DynamoDB: no item could
 * match, where PostgreSQL would fail reading the column.  Kept local, the
 * query reads the items and raises that error.
 */
static bool
key_type_matches(const DynamoColumn *col, const DynamoTable *t)
{
	char		tag;
	ListCell   *lc;

	if (t == NULL || col->document)
		return true;
	tag = dynamo_family_tag(col);
	if (strcmp(col->attr, t->partition_key) == 0 && tag != t->partition_type)
		return false;
	if (t->sort_key && strcmp(col->attr, t->sort_key) == 0 && tag != t->sort_type)
		return false;
	foreach(lc, t->indexes)
	{
		const DynamoIndex *ix = lfirst(lc);

		if (strcmp(col->attr, ix->partition_key) == 0 && tag != ix->partition_type)
			return false;
		if (ix->sort_key && strcmp(col->attr, ix->sort_key) == 0 && tag != ix->sort_type)
			return false;
	}
	return true;
}

/* The column a (possibly relabelled) Var of our relation refers to. */
static const DynamoColumn *
column_of(Expr *e, const DynamoDeparseContext *ctx)
{
	Var		   *var = (Var *) strip_relabel(e);

	if (var == NULL || !IsA(var, Var) || var->varno != (int) ctx->relid ||
		var->varlevelsup != 0 || var->varattno <= 0 ||
		var->varattno > ctx->rel->ncolumns)
		return NULL;
	if (ctx->rel->columns[var->varattno - 1].dropped)
		return NULL;
	if (!key_type_matches(&ctx->rel->columns[var->varattno - 1], ctx->rel->meta))
		return NULL;
	return &ctx->rel->columns[var->varattno - 1];
}

/*
 * Can E be computed before the scan starts (a constant, a parameter, an
 * outer relation's value), so that it can travel as a :value?
 */
static bool
is_value_expr(Expr *e, const DynamoDeparseContext *ctx)
{
	Relids		varnos;

	if (e == NULL)
		return false;
	varnos = pull_varnos(ctx->root, (Node *) e);
	if (bms_is_member(ctx->relid, varnos))
		return false;
	if (contain_volatile_functions((Node *) e))
		return false;
	if (!bms_is_empty(varnos) && !ctx->allow_outer)
		return false;
	/* A NULL parameter inside OR cannot be told to DynamoDB: constants only */
	if (ctx->in_or && !IsA(strip_relabel(e), Const))
		return false;
	return true;
}

static bool
is_c_collation(Oid collid)
{
	return collid == C_COLLATION_OID || collid == POSIX_COLLATION_OID ||
		(OidIsValid(collid) && lc_collate_is_c(collid));
}

static bool
is_deterministic(Oid collid)
{
	return !OidIsValid(collid) || get_collation_isdeterministic(collid);
}

/*
 * Can DynamoDB hold the number whose text is S, in a condition too, where
 * PostgreSQL just compares?  convert.c's dynamo_number_problem decides.  A
 * constant in exponent form (float8's 1e-05) stays a local filter, as the
 * planner has always kept it.
 */
static bool
number_fits(const char *s)
{
	return strpbrk(s, "eE") == NULL && dynamo_number_problem(s) == DYNAMO_NUMBER_OK;
}

/*
 * Can value expression E of a number comparison go to DynamoDB?  A
 * constant when DynamoDB can hold it; an integer of any kind; a numeric
 * computed at run time only for equality (OK_RUNTIME), where the plan can
 * say "no match" for a number DynamoDB cannot hold.
 */
static bool
number_value_ok(Expr *e, bool ok_runtime)
{
	Oid			type;
	Oid			out;
	bool		isvarlena;

	e = strip_relabel(e);
	type = exprType((Node *) e);
	if (type == INT2OID || type == INT4OID || type == INT8OID)
		return true;
	if (!IsA(e, Const))
		return ok_runtime;
	if (((Const *) e)->constisnull)
		return true;
	getTypeOutputInfo(type, &out, &isvarlena);
	return number_fits(OidOutputFunctionCall(out, ((Const *) e)->constvalue));
}

static DynamoCmp
cmp_from_name(const char *name)
{
	if (strcmp(name, "=") == 0)
		return DYNAMO_CMP_EQ;
	if (strcmp(name, "<>") == 0)
		return DYNAMO_CMP_NE;
	if (strcmp(name, "<") == 0)
		return DYNAMO_CMP_LT;
	if (strcmp(name, "<=") == 0)
		return DYNAMO_CMP_LE;
	if (strcmp(name, ">") == 0)
		return DYNAMO_CMP_GT;
	if (strcmp(name, ">=") == 0)
		return DYNAMO_CMP_GE;
	return DYNAMO_CMP_NONE;
}

static DynamoCmp
commute(DynamoCmp c)
{
	switch (c)
	{
		case DYNAMO_CMP_LT:
			return DYNAMO_CMP_GT;
		case DYNAMO_CMP_LE:
			return DYNAMO_CMP_GE;
		case DYNAMO_CMP_GT:
			return DYNAMO_CMP_LT;
		case DYNAMO_CMP_GE:
			return DYNAMO_CMP_LE;
		default:
			return c;
	}
}

static DynamoCond *
new_cond(DynamoCondKind kind, const DynamoColumn *col)
{
	DynamoCond *c = palloc0(sizeof(DynamoCond));

	c->kind = kind;
	c->column = col;
	return c;
}

/*
 * The literal prefix of a LIKE pattern that is "prefix%" (or has no
 * wildcard at all: *exact set), or NULL when the pattern has a wildcard
 * elsewhere.  Backslash is LIKE's default escape.
 */
static char *
like_prefix(const char *pattern, bool *exact)
{
	StringInfoData buf;
	const char *p = pattern;

	initStringInfo(&buf);
	while (*p)
	{
		if (*p == '\\')
		{
			p++;
			if (*p == '\0')
				return NULL;	/* PostgreSQL rejects a trailing escape */
			appendStringInfoChar(&buf, *p++);
			continue;
		}
		if (*p == '_')
			return NULL;
		if (*p == '%')
		{
			while (*p == '%')
				p++;
			if (*p != '\0')
				return NULL;
			*exact = false;
			return buf.data;
		}
		appendStringInfoChar(&buf, *p++);
	}
	*exact = true;
	return buf.data;
}

/*
 * The literal of a LIKE pattern that is "%literal%", or NULL.  DynamoDB's
 * contains() on a string is a substring test on its UTF-8 bytes, which in
 * valid UTF-8 is the same as LIKE's character-wise one.
 */
static char *
like_infix(const char *pattern)
{
	bool		exact;
	const char *p = pattern;
	char	   *lit;
	size_t		len;

	if (*p != '%')
		return NULL;
	while (*p == '%')
		p++;
	lit = like_prefix(p, &exact);	/* "literal%" */
	if (lit == NULL || exact || lit[0] == '\0')
		return NULL;
	/* like_prefix stops at the first '%', which must end the pattern */
	len = strlen(p);
	if (len == 0 || p[len - 1] != '%')
		return NULL;
	return lit;
}

static Const *
text_const(const char *s)
{
	return makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
					 CStringGetTextDatum(s), false, false);
}

static DynamoCond *
classify_prefix(const DynamoColumn *col, Expr *valexpr, Oid collid,
				const DynamoDeparseContext *ctx)
{
	DynamoCond *c;

	if (column_family(col) != FAMILY_STRING || !is_deterministic(collid) ||
		!is_value_expr(valexpr, ctx))
		return NULL;
	c = new_cond(DYNAMO_COND_PREFIX, col);
	c->values = list_make1(valexpr);
	return c;
}

static DynamoCond *
classify_opexpr(OpExpr *op, const DynamoDeparseContext *ctx)
{
	Expr	   *l,
			   *r;
	const DynamoColumn *col;
	Expr	   *val;
	char	   *opname;
	DynamoCmp	cmp;
	TypeFamily	fam;
	DynamoCond *c;

	if (list_length(op->args) != 2 || op->opno >= FirstNormalObjectId)
		return NULL;
	l = linitial(op->args);
	r = lsecond(op->args);
	opname = get_opname(op->opno);
	if (opname == NULL)
		return NULL;

	if ((col = column_of(l, ctx)) != NULL)
		val = r;
	else if ((col = column_of(r, ctx)) != NULL)
		val = l;
	else
		return NULL;

	/* col LIKE 'abc%' and col ^@ 'abc' */
	if (col == column_of(l, ctx) &&
		(strcmp(opname, "~~") == 0 || strcmp(opname, "^@") == 0))
	{
		Const	   *pat = (Const *) strip_relabel(val);
		char	   *prefix;
		bool		exact;

		if (strcmp(opname, "^@") == 0)
			return classify_prefix(col, val, op->inputcollid, ctx);
		if (!IsA(pat, Const) || pat->constisnull || get_opcode(op->opno) != F_TEXTLIKE)
			return NULL;
		if (column_family(col) != FAMILY_STRING || !is_deterministic(op->inputcollid))
			return NULL;
		prefix = like_prefix(TextDatumGetCString(pat->constvalue), &exact);
		if (prefix == NULL)
		{
			/* col LIKE '%abc%': contains() */
			char	   *infix = like_infix(TextDatumGetCString(pat->constvalue));

			if (infix == NULL)
				return NULL;
			c = new_cond(DYNAMO_COND_CONTAINS, col);
			c->values = list_make1(text_const(infix));
			return c;
		}
		if (prefix[0] == '\0')
			return NULL;
		if (exact)
		{
			c = new_cond(DYNAMO_COND_CMP, col);
			c->cmp = DYNAMO_CMP_EQ;
		}
		else
			c = new_cond(DYNAMO_COND_PREFIX, col);
		c->values = list_make1(text_const(prefix));
		return c;
	}

	cmp = cmp_from_name(opname);
	if (cmp == DYNAMO_CMP_NONE)
		return NULL;
	if (val == l)
		cmp = commute(cmp);

	fam = column_family(col);
	if (fam == FAMILY_NONE ||
		type_family(exprType((Node *) strip_relabel(val))) != fam ||
		!is_value_expr(val, ctx))
		return NULL;
	if (fam == FAMILY_STRING)
	{
		if (!is_deterministic(op->inputcollid))
			return NULL;
		if (cmp != DYNAMO_CMP_EQ && cmp != DYNAMO_CMP_NE && !is_c_collation(op->inputcollid))
			return NULL;
	}
	if (fam == FAMILY_BOOL && cmp != DYNAMO_CMP_EQ && cmp != DYNAMO_CMP_NE)
		return NULL;
	if (fam == FAMILY_NUMBER && !number_value_ok(val, cmp == DYNAMO_CMP_EQ))
		return NULL;

	c = new_cond(DYNAMO_COND_CMP, col);
	c->cmp = cmp;
	c->values = list_make1(val);
	return c;
}

static DynamoCond *
classify_in(ScalarArrayOpExpr *sa, const DynamoDeparseContext *ctx)
{
	const DynamoColumn *col;
	Expr	   *arr;
	char	   *opname;
	DynamoCond *c;
	TypeFamily	fam;

	if (!sa->useOr || list_length(sa->args) != 2 || sa->opno >= FirstNormalObjectId)
		return NULL;
	opname = get_opname(sa->opno);
	if (opname == NULL || strcmp(opname, "=") != 0)
		return NULL;
	col = column_of(linitial(sa->args), ctx);
	arr = lsecond(sa->args);
	if (col == NULL)
		return NULL;
	fam = column_family(col);
	if (fam == FAMILY_NONE ||
		(fam == FAMILY_STRING && !is_deterministic(sa->inputcollid)))
		return NULL;

	c = new_cond(DYNAMO_COND_IN, col);
	if (IsA(arr, Const))
	{
		Const	   *k = (Const *) arr;
		ArrayType  *a;
		Oid			etype;
		int16		elen;
		bool		ebyval;
		char		ealign;
		Datum	   *elems;
		bool	   *nulls;
		int			n,
					i;

		if (k->constisnull)
			return NULL;
		a = DatumGetArrayTypeP(k->constvalue);
		etype = ARR_ELEMTYPE(a);
		if (type_family(etype) != fam)
			return NULL;
		get_typlenbyvalalign(etype, &elen, &ebyval, &ealign);
		deconstruct_array(a, etype, elen, ebyval, ealign, &elems, &nulls, &n);
		for (i = 0; i < n; i++)
		{
			Const	   *v;

			/* NULL never equals anything: leave it out */
			if (nulls[i])
				continue;
			v = makeConst(etype, -1, k->constcollid, elen, elems[i], false, ebyval);
			/* nor does a number no item can hold */
			if (fam == FAMILY_NUMBER && !number_value_ok((Expr *) v, false))
				continue;
			c->values = lappend(c->values, v);
		}
	}
	else if (IsA(arr, ArrayExpr))
	{
		ListCell   *lc;

		foreach(lc, ((ArrayExpr *) arr)->elements)
		{
			Expr	   *e = lfirst(lc);

			/*
			 * Constants only: a NULL element matches nothing, but a NULL
			 * parameter would make the whole request match nothing.
			 */
			if (type_family(exprType((Node *) strip_relabel(e))) != fam ||
				!IsA(strip_relabel(e), Const) ||
				((Const *) strip_relabel(e))->constisnull)
				return NULL;
			/* a number no item can hold equals none of them */
			if (fam == FAMILY_NUMBER && !number_value_ok(e, false))
				continue;
			c->values = lappend(c->values, e);
		}
	}
	else
		return NULL;

	if (c->values == NIL || list_length(c->values) > DYNAMO_MAX_IN_VALUES)
		return NULL;
	return c;
}

/*
 * A DynamoCond for CLAUSE when DynamoDB can evaluate it exactly as
 * PostgreSQL does; NULL otherwise.  palloc'd in the current context.
 */
DynamoCond *
dynamo_classify(Expr *clause, const DynamoDeparseContext *ctx)
{
	const DynamoColumn *col;

	if (clause == NULL)
		return NULL;

	switch (nodeTag(clause))
	{
		case T_OpExpr:
			return classify_opexpr((OpExpr *) clause, ctx);
		case T_ScalarArrayOpExpr:
			return classify_in((ScalarArrayOpExpr *) clause, ctx);
		case T_FuncExpr:
			{
				FuncExpr   *f = (FuncExpr *) clause;

				if (f->funcid == F_STARTS_WITH && list_length(f->args) == 2 &&
					(col = column_of(linitial(f->args), ctx)) != NULL)
					return classify_prefix(col, lsecond(f->args), f->inputcollid, ctx);
				return NULL;
			}
		case T_NullTest:
			{
				NullTest   *nt = (NullTest *) clause;

				if (nt->argisrow || (col = column_of(nt->arg, ctx)) == NULL ||
					col->document)
					return NULL;
				return new_cond(nt->nulltesttype == IS_NULL ? DYNAMO_COND_IS_NULL
								: DYNAMO_COND_NOT_NULL, col);
			}
		case T_Var:
			if ((col = column_of(clause, ctx)) != NULL &&
				column_family(col) == FAMILY_BOOL)
			{
				DynamoCond *c = new_cond(DYNAMO_COND_CMP, col);

				c->cmp = DYNAMO_CMP_EQ;
				c->values = list_make1(makeBoolConst(true, false));
				return c;
			}
			return NULL;
		case T_BoolExpr:
			{
				BoolExpr   *b = (BoolExpr *) clause;
				DynamoCond *c;
				ListCell   *lc;

				if (b->boolop == NOT_EXPR)
				{
					col = column_of(linitial(b->args), ctx);
					if (col == NULL || column_family(col) != FAMILY_BOOL)
						return NULL;
					c = new_cond(DYNAMO_COND_CMP, col);
					c->cmp = DYNAMO_CMP_EQ;
					c->values = list_make1(makeBoolConst(false, false));
					return c;
				}
				c = new_cond(b->boolop == AND_EXPR ? DYNAMO_COND_AND : DYNAMO_COND_OR, NULL);
				foreach(lc, b->args)
				{
					DynamoDeparseContext subctx = *ctx;
					DynamoCond *sub;

					subctx.in_or = ctx->in_or || b->boolop == OR_EXPR;
					sub = dynamo_classify(lfirst(lc), &subctx);

					if (sub == NULL)
						return NULL;
					c->args = lappend(c->args, sub);
				}
				return c;
			}
		default:
			return NULL;
	}
}

/* ---- writing expressions ---- */

/* The #name placeholder for attribute ATTR, added once. */
const char *
dynamo_name_placeholder(DynamoExprBuilder *b, const char *attr)
{
	ListCell   *lc;
	int			i = 0;

	foreach(lc, b->names)
	{
		if (strcmp(strVal(lfirst(lc)), attr) == 0)
			return psprintf("#n%d", i);
		i++;
	}
	b->names = lappend(b->names, makeString(pstrdup(attr)));
	return psprintf("#n%d", i);
}

/*
 * A ProjectionExpression of the attributes ATTRS (String nodes) and T's
 * key, always read (a row is matched to buffered writes and locked by it),
 * each named once, through B's placeholders.
 */
char *
dynamo_projection(const DynamoTable *t, List *attrs, DynamoExprBuilder *b)
{
	StringInfoData proj;
	ListCell   *lc;

	initStringInfo(&proj);
	attrs = list_append_unique(attrs, makeString(t->partition_key));
	if (t->sort_key)
		attrs = list_append_unique(attrs, makeString(t->sort_key));
	foreach(lc, attrs)
		appendStringInfo(&proj, "%s%s", proj.len > 0 ? ", " : "",
						 dynamo_name_placeholder(b, strVal(lfirst(lc))));
	return proj.data;
}

/* The :value placeholder for a new value expression. */
const char *
dynamo_value_placeholder(DynamoExprBuilder *b, Expr *value)
{
	b->values = lappend(b->values, value);
	return psprintf(":v%d", list_length(b->values) - 1);
}

static const char *
type_check_value(const DynamoColumn *col)
{
	switch (column_family(col))
	{
		case FAMILY_STRING:
			return "S";
		case FAMILY_NUMBER:
			return "N";
		case FAMILY_BOOL:
			return "BOOL";
		default:
			return "B";
	}
}

static const char *const cmp_text[] = {"", "=", "<>", "<", "<=", ">", ">="};

void
dynamo_deparse_cond(StringInfo buf, const DynamoCond *c, DynamoExprBuilder *b)
{
	const char *name = c->column ? dynamo_name_placeholder(b, c->column->attr) : NULL;
	ListCell   *lc;

	switch (c->kind)
	{
		case DYNAMO_COND_CMP:
			if (c->cmp == DYNAMO_CMP_NE)
			{
				/* <> is true for a missing attribute in DynamoDB; not in SQL */
				const char *v = dynamo_value_placeholder(b, linitial(c->values));
				const char *t = dynamo_value_placeholder(b, (Expr *) text_const(type_check_value(c->column)));

				appendStringInfo(buf, "(%s <> %s AND attribute_type(%s, %s))",
								 name, v, name, t);
			}
			else
				appendStringInfo(buf, "%s %s %s", name, cmp_text[c->cmp],
								 dynamo_value_placeholder(b, linitial(c->values)));
			break;
		case DYNAMO_COND_IN:
			appendStringInfo(buf, "%s IN (", name);
			foreach(lc, c->values)
				appendStringInfo(buf, "%s%s", foreach_current_index(lc) > 0 ? ", " : "",
								 dynamo_value_placeholder(b, lfirst(lc)));
			appendStringInfoChar(buf, ')');
			break;
		case DYNAMO_COND_PREFIX:
			appendStringInfo(buf, "begins_with(%s, %s)", name,
							 dynamo_value_placeholder(b, linitial(c->values)));
			break;
		case DYNAMO_COND_CONTAINS:
			/* contains() also looks into sets and lists: strings only */
			appendStringInfo(buf, "(contains(%s, %s) AND attribute_type(%s, %s))",
							 name, dynamo_value_placeholder(b, linitial(c->values)),
							 name, dynamo_value_placeholder(b, (Expr *) text_const("S")));
			break;
		case DYNAMO_COND_IS_NULL:
			appendStringInfo(buf, "(attribute_not_exists(%s) OR attribute_type(%s, %s))",
							 name, name,
							 dynamo_value_placeholder(b, (Expr *) text_const("NULL")));
			break;
		case DYNAMO_COND_NOT_NULL:
			appendStringInfo(buf, "(attribute_exists(%s) AND NOT attribute_type(%s, %s))",
							 name, name,
							 dynamo_value_placeholder(b, (Expr *) text_const("NULL")));
			break;
		case DYNAMO_COND_AND:
		case DYNAMO_COND_OR:
			appendStringInfoChar(buf, '(');
			foreach(lc, c->args)
			{
				if (foreach_current_index(lc) > 0)
					appendStringInfoString(buf, c->kind == DYNAMO_COND_AND ? " AND " : " OR ");
				dynamo_deparse_cond(buf, lfirst(lc), b);
			}
			appendStringInfoChar(buf, ')');
			break;
	}
}

/* Does condition C (or any part of it) read attribute ATTR? */
bool
dynamo_cond_uses_attr(const DynamoCond *c, const char *attr)
{
	ListCell   *lc;

	if (c->column && strcmp(c->column->attr, attr) == 0)
		return true;
	foreach(lc, c->args)
		if (dynamo_cond_uses_attr(lfirst(lc), attr))
			return true;
	return false;
}
