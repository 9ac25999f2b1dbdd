/*-------------------------------------------------------------------------
 *
 * ddb_value.c
 *		  JSON values as a light tree: read from DynamoDB's answers, built
 *		  for its requests.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/ddb_value.c
 *
 * convert.c reads items from this tree rather than from json-c's: a scan
 * turns every item of every page into a row, and json-c builds each object
 * with its own hash table and mallocs each piece, which took half the
 * backend's time in a full scan.  A page's item is parsed by PostgreSQL's
 * JSON parser straight into the tree, in the row's memory context, where
 * it costs a bump allocation a value and goes away with the row.
 *
 * The same tree is what the wrapper builds requests' parts in (keys,
 * items, expression values), so that it never holds json-c's reference
 * counted objects beside palloc'd memory: json-c only writes a finished
 * request's text (dynamo_value_to_text) and reads the answers PostgreSQL's
 * parser refuses (dynamo_value_parse_any).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"

#include "ddb_value.h"
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

/*
 * As dynamo_value_parse, but a text PostgreSQL's parser refuses and json-c
 * takes (a \u0000 in a string) is read by json-c and copied: the tree then
 * holds the string with its NUL, and whoever reads it as text says so with
 * the column's name.  NULL when neither takes it.
 */
DynamoValue *
dynamo_value_parse_any(const char *text, int len)
{
	DynamoValue *v = dynamo_value_parse(text, len);
	json_tokener *tok;
	json_c_object *obj;

	if (v != NULL)
		return v;
	tok = json_tokener_new_ex(DYNAMO_JSON_MAX_DEPTH);
	if (tok == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	json_tokener_set_flags(tok, JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, len);
	if (obj != NULL && json_tokener_get_error(tok) == json_tokener_success)
		v = dynamo_value_from_json_c_copy(obj);
	json_object_put(obj);
	json_tokener_free(tok);
	return v;
}

/* As dynamo_value_from_json_c, but with strings copied: OBJ may go. */
DynamoValue *
dynamo_value_from_json_c_copy(json_c_object *obj)
{
	DynamoValue *v = dynamo_value_from_json_c(obj);

	return dynamo_value_copy(v);
}

/* The string member NAME of OBJECT, or NULL when it has none. */
const char *
dynamo_value_member_string(const DynamoValue *object, const char *name)
{
	DynamoValue *m = dynamo_value_member(object, name);

	return m && m->kind == DYNAMO_VALUE_STRING ? m->str : NULL;
}

/* The Nth member (from 0) of an object or array, or NULL. */
DynamoValue *
dynamo_value_nth(const DynamoValue *array, int n)
{
	DynamoValue *m;

	dynamo_value_foreach(m, array)
		if (n-- == 0)
			return m;
	return NULL;
}

/*
 * Whether A and B are the same JSON: objects member by member whatever
 * their order, arrays in order, strings and numbers byte by byte.
 */
bool
dynamo_value_equal(const DynamoValue *a, const DynamoValue *b)
{
	const DynamoValue *m;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || a->len != b->len)
		return false;
	switch (a->kind)
	{
		case DYNAMO_VALUE_OBJECT:
			dynamo_value_foreach(m, a)
			{
				DynamoValue *other = dynamo_value_member(b, m->name);

				if (other == NULL || !dynamo_value_equal(m, other))
					return false;
			}
			return true;
		case DYNAMO_VALUE_ARRAY:
			{
				const DynamoValue *n = b->first;

				dynamo_value_foreach(m, a)
				{
					if (!dynamo_value_equal(m, n))
						return false;
					n = n->next;
				}
				return true;
			}
		case DYNAMO_VALUE_STRING:
		case DYNAMO_VALUE_NUMBER:
			return memcmp(a->str, b->str, a->len) == 0;
		case DYNAMO_VALUE_BOOL:
			return a->boolean == b->boolean;
		case DYNAMO_VALUE_NULL:
			return true;
	}
	return false;
}

/* LEN bytes from S and a NUL, palloc'd: S may hold NULs of its own. */
static char *
copy_bytes(const char *s, int len)
{
	char	   *c = palloc(len + 1);

	memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

static DynamoValue *
value_new(DynamoValueKind kind)
{
	DynamoValue *v = palloc0(sizeof(DynamoValue));

	v->kind = kind;
	return v;
}

DynamoValue *
dynamo_value_object(void)
{
	return value_new(DYNAMO_VALUE_OBJECT);
}

DynamoValue *
dynamo_value_array(void)
{
	return value_new(DYNAMO_VALUE_ARRAY);
}

/* A string of LEN bytes from S, copied (it may hold a NUL). */
DynamoValue *
dynamo_value_string_len(const char *s, int len)
{
	DynamoValue *v = value_new(DYNAMO_VALUE_STRING);

	v->str = copy_bytes(s, len);
	v->len = len;
	return v;
}

DynamoValue *
dynamo_value_string(const char *s)
{
	return dynamo_value_string_len(s, strlen(s));
}

DynamoValue *
dynamo_value_number(int64 n)
{
	DynamoValue *v = value_new(DYNAMO_VALUE_NUMBER);

	v->str = psprintf(INT64_FORMAT, n);
	v->len = strlen(v->str);
	return v;
}

DynamoValue *
dynamo_value_bool(bool b)
{
	DynamoValue *v = value_new(DYNAMO_VALUE_BOOL);

	v->boolean = b;
	return v;
}

DynamoValue *
dynamo_value_null(void)
{
	return value_new(DYNAMO_VALUE_NULL);
}

/* A deep copy of V (without its place in a container), strings too. */
DynamoValue *
dynamo_value_copy(const DynamoValue *v)
{
	DynamoValue *c;
	const DynamoValue *m;

	if (v == NULL)
		return NULL;
	c = value_new(v->kind);
	c->boolean = v->boolean;
	if (v->kind == DYNAMO_VALUE_STRING || v->kind == DYNAMO_VALUE_NUMBER)
	{
		c->str = copy_bytes(v->str, v->len);
		c->len = v->len;
	}
	dynamo_value_foreach(m, v)
		append_member(c, dynamo_value_copy(m),
					  v->kind == DYNAMO_VALUE_OBJECT ? copy_bytes(m->name, m->name_len) : NULL);
	return c;
}

/*
 * Put V into OBJECT as its member NAME (copied), in the place of a member
 * of that name if there is one; V must have no place elsewhere.  Returns V.
 */
DynamoValue *
dynamo_value_set(DynamoValue *object, const char *name, DynamoValue *v)
{
	DynamoValue *m,
			   *prev = NULL;
	int			len = strlen(name);

	Assert(object->kind == DYNAMO_VALUE_OBJECT && v->next == NULL);
	for (m = object->first; m; prev = m, m = m->next)
		if (m->name_len == len && memcmp(m->name, name, len) == 0)
		{
			v->name = m->name;
			v->name_len = len;
			v->next = m->next;
			if (prev)
				prev->next = v;
			else
				object->first = v;
			if (object->last == m)
				object->last = v;
			return v;
		}
	append_member(object, v, pstrdup(name));
	return v;
}

/* Append V (which has no place elsewhere) to ARRAY.  Returns V. */
DynamoValue *
dynamo_value_append(DynamoValue *array, DynamoValue *v)
{
	Assert(array->kind == DYNAMO_VALUE_ARRAY && v->next == NULL);
	append_member(array, v, NULL);
	return v;
}

/* Take the member NAME out of OBJECT; false when it has none. */
bool
dynamo_value_remove(DynamoValue *object, const char *name)
{
	DynamoValue *m,
			   *prev = NULL;

	if (object == NULL || object->kind != DYNAMO_VALUE_OBJECT)
		return false;
	for (m = object->first; m; prev = m, m = m->next)
		if (strcmp(m->name, name) == 0)
		{
			if (prev)
				prev->next = m->next;
			else
				object->first = m->next;
			if (object->last == m)
				object->last = prev;
			object->len--;
			m->next = NULL;
			return true;
		}
	return false;
}

/* The AttributeValue {TYPE: INNER}; INNER must have no place elsewhere. */
DynamoValue *
dynamo_av(const char *type, DynamoValue *inner)
{
	DynamoValue *av = dynamo_value_object();

	append_member(av, inner, type);
	return av;
}

/*
 * A scalar AttributeValue: {TYPE: TEXT} for S, N and B (TEXT is base64
 * for B), {"BOOL": true/false} for BOOL when TEXT is "true" or "false",
 * {"NULL": true} for NULL.
 */
DynamoValue *
dynamo_av_scalar(const char *type, const char *text)
{
	if (strcmp(type, "NULL") == 0)
		return dynamo_av("NULL", dynamo_value_bool(true));
	if (strcmp(type, "BOOL") == 0)
		return dynamo_av("BOOL", dynamo_value_bool(strcmp(text, "true") == 0));
	return dynamo_av(type, dynamo_value_string(text));
}

/* An AttributeValue's type tag ("S", "M", ...), or NULL when it is none. */
const char *
dynamo_av_type(const DynamoValue *av)
{
	if (av == NULL || av->kind != DYNAMO_VALUE_OBJECT || av->len != 1)
		return NULL;
	return av->first->name;
}

/* What an AttributeValue holds: the string of an S, the object of an M... */
DynamoValue *
dynamo_av_inner(const DynamoValue *av)
{
	if (av == NULL || av->kind != DYNAMO_VALUE_OBJECT || av->len != 1)
		return NULL;
	return av->first;
}

/* V as json-c's tree, which the caller owns (json_object_put). */
json_c_object *
dynamo_value_to_json_c(const DynamoValue *v)
{
	json_c_object *obj;
	const DynamoValue *m;

	switch (v->kind)
	{
		case DYNAMO_VALUE_OBJECT:
			obj = json_object_new_object();
			dynamo_value_foreach(m, v)
			{
				json_c_object *member = dynamo_value_to_json_c(m);

				/* names are NUL-free: PostgreSQL's parser makes them C strings */
				if (json_object_object_add(obj, m->name, member) != 0)
					ereport(ERROR,
							(errcode(ERRCODE_OUT_OF_MEMORY),
							 errmsg("out of memory")));
			}
			return obj;
		case DYNAMO_VALUE_ARRAY:
			obj = json_object_new_array_ext(v->len);
			dynamo_value_foreach(m, v)
				json_object_array_add(obj, dynamo_value_to_json_c(m));
			return obj;
		case DYNAMO_VALUE_STRING:
			return json_object_new_string_len(v->str, v->len);
		case DYNAMO_VALUE_NUMBER:
			/* written back as the very digits it was read or built with */
			return json_object_new_double_s(strtod(v->str, NULL), v->str);
		case DYNAMO_VALUE_BOOL:
			return json_object_new_boolean(v->boolean);
		case DYNAMO_VALUE_NULL:
			return NULL;
	}
	return NULL;
}

/* V's JSON text, appended to OUT. */
void
dynamo_value_to_text(const DynamoValue *v, StringInfo out)
{
	json_c_object *obj = dynamo_value_to_json_c(v);
	size_t		len;
	const char *text;

	text = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN |
											 JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	appendBinaryStringInfo(out, text, len);
	json_object_put(obj);
}

/* V's JSON text, palloc'd. */
char *
dynamo_value_text(const DynamoValue *v)
{
	StringInfoData out;

	initStringInfo(&out);
	dynamo_value_to_text(v, &out);
	return out.data;
}

/*
 * Added for the write buffer (src/fdw/txn*.c): a deep copy of V in one
 * palloc'd chunk, so that a tree kept for the length of a transaction goes
 * with one pfree when the write it belongs to is sent or replaced.  The
 * copy is an ordinary tree to read; do not change its shape (members added
 * to it are not part of the chunk).
 */
static Size
flat_size(const DynamoValue *v, bool named)
{
	Size		n = MAXALIGN(sizeof(DynamoValue));
	const DynamoValue *m;

	if (named)
		n += MAXALIGN(v->name_len + 1);
	if (v->kind == DYNAMO_VALUE_STRING || v->kind == DYNAMO_VALUE_NUMBER)
		n += MAXALIGN(v->len + 1);
	dynamo_value_foreach(m, v)
		n += flat_size(m, v->kind == DYNAMO_VALUE_OBJECT);
	return n;
}

static char *
flat_bytes(char **space, const char *s, int len)
{
	char	   *c = *space;

	memcpy(c, s, len);
	c[len] = '\0';
	*space += MAXALIGN(len + 1);
	return c;
}

static DynamoValue *
flat_copy(const DynamoValue *v, bool named, char **space)
{
	DynamoValue *c = (DynamoValue *) *space;
	const DynamoValue *m;

	*space += MAXALIGN(sizeof(DynamoValue));
	memset(c, 0, sizeof(DynamoValue));
	c->kind = v->kind;
	c->boolean = v->boolean;
	if (named)
	{
		c->name = flat_bytes(space, v->name, v->name_len);
		c->name_len = v->name_len;
	}
	if (v->kind == DYNAMO_VALUE_STRING || v->kind == DYNAMO_VALUE_NUMBER)
	{
		c->str = flat_bytes(space, v->str, v->len);
		c->len = v->len;
	}
	dynamo_value_foreach(m, v)
	{
		DynamoValue *mc = flat_copy(m, v->kind == DYNAMO_VALUE_OBJECT, space);

		if (c->last)
			c->last->next = mc;
		else
			c->first = mc;
		c->last = mc;
		c->len++;
	}
	return c;
}

/* V copied into one chunk of the current context (see above); NULL for NULL. */
DynamoValue *
dynamo_value_copy_flat(const DynamoValue *v)
{
	char	   *space;

	if (v == NULL)
		return NULL;
	space = palloc(flat_size(v, false));
	return flat_copy(v, false, &space);
}
