/*-------------------------------------------------------------------------
 *
 * item.h
 *		  An item's JSON as a light tree, for reading it; see item.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/item.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_ITEM_H
#define DYNAMO_ITEM_H

/*
 * json-c's trees, by their struct names: a file that only passes them along
 * needs no json-c; the files that read or build JSON include ddb_json.h.
 */
struct json_c_object;

typedef enum DynamoValueKind
{
	DYNAMO_VALUE_OBJECT,
	DYNAMO_VALUE_ARRAY,
	DYNAMO_VALUE_STRING,
	DYNAMO_VALUE_NUMBER,		/* a JSON number (DynamoDB sends none) */
	DYNAMO_VALUE_BOOL,
	DYNAMO_VALUE_NULL
} DynamoValueKind;

/*
 * One JSON value.  The members of an object or array are a list; an
 * object's member carries its name, and no two members of an object have
 * one name (the later value took the earlier one's place, as in json-c).
 * Everything is palloc'd in one memory context and goes with it.
 */
typedef struct DynamoValue
{
	DynamoValueKind kind;
	bool		boolean;		/* BOOL */
	int			len;			/* STRING, NUMBER: bytes of str; OBJECT,
								 * ARRAY: members */
	const char *str;			/* STRING, NUMBER: NUL-terminated */
	const char *name;			/* member of an object: its name */
	int			name_len;
	struct DynamoValue *first;	/* OBJECT, ARRAY: members in order */
	struct DynamoValue *last;
	struct DynamoValue *next;	/* the next member of the parent */
} DynamoValue;

/* in item.c */
extern DynamoValue *dynamo_value_parse(const char *text, int len);
extern DynamoValue *dynamo_value_from_json_c(struct json_c_object *obj);
extern DynamoValue *dynamo_value_member(const DynamoValue *object, const char *name);

#endif							/* DYNAMO_ITEM_H */
