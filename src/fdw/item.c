/*-------------------------------------------------------------------------
 *
 * item.c
 *		  An item's JSON as a light tree, for reading it.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/item.c
 *
 * convert.c reads items from this tree rather than from json-c's: a scan
 * turns every item of every page into a row, and json-c builds each object
 * with its own hash table and mallocs each piece, which took half the
 * backend's time in a full scan.  A page's item is parsed by PostgreSQL's
 * JSON parser straight into the tree, in the row's memory context, where
 * it costs a bump allocation a value and goes away with the row.  Items
 * that arrive as json-c trees (GetItem, BatchGetItem, items seen through
 * the transaction's buffered writes) are copied into one, so that there is
 * a single way to read an item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"

#include "item.h"
#include "pg_compat.h"

/* What the parser's callbacks need while building a tree. */
typedef struct TreeBuildState
{
	DynamoValue *root;
	DynamoValue **open;			/* containers open around the parser */
	int			depth;
	int			cap;
	char	   *name;			/* the name of the member that comes next */
} TreeBuildState;

/* Append V to the members of object or array PARENT. */
static void
append_member(DynamoValue *parent, DynamoValue *v, const char *name)
{
	if (name)
	{
		v->name = name;
		v->name_len = strlen(name);
	}
	if (parent->last)
		parent->last->next = v;
	else
		parent->first = v;
	parent->last = v;
	parent->len++;
}

/*
 * A new value of KIND in the container open at the top, or the root.  A
 * name an object already has gets the new value in the earlier member's
 * place, as json-c does: an item reads the same whichever way it came.
 */
static DynamoValue *
tree_new(TreeBuildState *st, DynamoValueKind kind)
{
	DynamoValue *parent = NULL;
	DynamoValue *v;

	if (st->depth > 0)
	{
		parent = st->open[st->depth - 1];
		if (parent->kind == DYNAMO_VALUE_OBJECT)
		{
			int			len = strlen(st->name);

			for (v = parent->first; v; v = v->next)
				if (v->name_len == len && memcmp(v->name, st->name, len) == 0)
				{
					DynamoValue *next = v->next;

					memset(v, 0, sizeof(DynamoValue));
					v->kind = kind;
					v->name = st->name;
					v->name_len = len;
					v->next = next;
					return v;
				}
		}
	}
	v = palloc0(sizeof(DynamoValue));
	v->kind = kind;
	if (st->depth == 0)
		st->root = v;
	else
		append_member(parent, v, parent->kind == DYNAMO_VALUE_OBJECT ? st->name : NULL);
	return v;
}

static void
tree_open(TreeBuildState *st, DynamoValueKind kind)
{
	DynamoValue *v = tree_new(st, kind);

	if (st->depth == st->cap)
	{
		st->cap *= 2;
		st->open = repalloc(st->open, sizeof(DynamoValue *) * st->cap);
	}
	st->open[st->depth++] = v;
}

static dynamo_json_cb_result
tree_object_start(void *arg)
{
	tree_open((TreeBuildState *) arg, DYNAMO_VALUE_OBJECT);
	DYNAMO_JSON_CB_DONE;
}

static dynamo_json_cb_result
tree_array_start(void *arg)
{
	tree_open((TreeBuildState *) arg, DYNAMO_VALUE_ARRAY);
	DYNAMO_JSON_CB_DONE;
}

static dynamo_json_cb_result
tree_close(void *arg)
{
	((TreeBuildState *) arg)->depth--;
	DYNAMO_JSON_CB_DONE;
}

static dynamo_json_cb_result
tree_field_start(void *arg, char *fname, bool isnull)
{
	((TreeBuildState *) arg)->name = fname;
	DYNAMO_JSON_CB_DONE;
}

static dynamo_json_cb_result
tree_scalar(void *arg, char *token, JsonTokenType tokentype)
{
	TreeBuildState *st = (TreeBuildState *) arg;
	DynamoValue *v;

	switch (tokentype)
	{
		case JSON_TOKEN_STRING:
		case JSON_TOKEN_NUMBER:
			v = tree_new(st, tokentype == JSON_TOKEN_STRING ? DYNAMO_VALUE_STRING : DYNAMO_VALUE_NUMBER);
			v->str = token;
			v->len = strlen(token);
			break;
		case JSON_TOKEN_TRUE:
		case JSON_TOKEN_FALSE:
			v = tree_new(st, DYNAMO_VALUE_BOOL);
			v->boolean = tokentype == JSON_TOKEN_TRUE;
			break;
		default:
			(void) tree_new(st, DYNAMO_VALUE_NULL);
			break;
	}
	DYNAMO_JSON_CB_DONE;
}

/*
 * The tree of the JSON value TEXT (LEN bytes of UTF-8), in the current
 * memory context; NULL when PostgreSQL's parser refuses it.  Besides bad
 * JSON, that is a string text cannot hold (\u0000, a lone surrogate): the
 * parser turns \u escapes into UTF-8 and refuses those, where json-c lets
 * them through to the conversion that names the column (see page.c).
 */
DynamoValue *
dynamo_value_parse(const char *text, int len)
{
	TreeBuildState st;
	JsonSemAction sem;
	JsonLexContext *lex;

	memset(&st, 0, sizeof(st));
	st.cap = 8;
	st.open = palloc(sizeof(DynamoValue *) * st.cap);

	memset(&sem, 0, sizeof(sem));
	sem.semstate = &st;
	sem.object_start = tree_object_start;
	sem.object_end = tree_close;
	sem.array_start = tree_array_start;
	sem.array_end = tree_close;
	sem.object_field_start = tree_field_start;
	sem.scalar = tree_scalar;

	lex = makeJsonLexContextCstringLen(unconstify(char *, text), len, PG_UTF8, true);
	if (pg_parse_json(lex, &sem) != JSON_SUCCESS)
		return NULL;
	return st.root;
}

/* The tree of json-c's OBJ, in the current memory context. */
DynamoValue *
dynamo_value_from_json_c(json_c_object *obj)
{
	DynamoValue *v = palloc0(sizeof(DynamoValue));

	switch (json_object_get_type(obj))
	{
		case json_type_object:
			{
				struct json_object_iterator it = json_object_iter_begin(obj),
							end = json_object_iter_end(obj);

				v->kind = DYNAMO_VALUE_OBJECT;
				for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
					append_member(v, dynamo_value_from_json_c(json_object_iter_peek_value(&it)),
								  json_object_iter_peek_name(&it));
				break;
			}
		case json_type_array:
			{
				size_t		i;

				v->kind = DYNAMO_VALUE_ARRAY;
				for (i = 0; i < json_object_array_length(obj); i++)
					append_member(v, dynamo_value_from_json_c(json_object_array_get_idx(obj, i)),
								  NULL);
				break;
			}
		case json_type_string:
			v->kind = DYNAMO_VALUE_STRING;
			v->str = json_object_get_string(obj);
			v->len = json_object_get_string_len(obj);
			break;
		case json_type_int:
		case json_type_double:
			v->kind = DYNAMO_VALUE_NUMBER;
			v->str = json_object_get_string(obj);
			v->len = strlen(v->str);
			break;
		case json_type_boolean:
			v->kind = DYNAMO_VALUE_BOOL;
			v->boolean = json_object_get_boolean(obj);
			break;
		case json_type_null:
			v->kind = DYNAMO_VALUE_NULL;
			break;
	}
	return v;
}

/* The member NAME of OBJECT, or NULL.  Names are unique in a tree. */
DynamoValue *
dynamo_value_member(const DynamoValue *object, const char *name)
{
	DynamoValue *m;

	if (object == NULL || object->kind != DYNAMO_VALUE_OBJECT)
		return NULL;
	for (m = object->first; m; m = m->next)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}
