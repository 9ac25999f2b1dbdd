/*-------------------------------------------------------------------------
 *
 * ddb_value.h
 *		  JSON values as a light tree: DynamoDB's requests, answers, items
 *		  and AttributeValues, read and built; see ddb_value.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/ddb_value.h
 *
 * This is the one form in which the wrapper (src/fdw/) sees DynamoDB's
 * JSON: it builds requests' parts with the constructors below and reads
 * answers with dynamo_value_member and friends.  Turning a tree into text
 * and text into a tree happens in src/aws/ alone.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_DDB_VALUE_H
#define DYNAMO_DDB_VALUE_H

#include "lib/stringinfo.h"

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
	DYNAMO_VALUE_NUMBER,		/* a JSON number: Limit, Segment, ... */
	DYNAMO_VALUE_BOOL,
	DYNAMO_VALUE_NULL
} DynamoValueKind;

/*
 * One JSON value.  The members of an object or array are a list; an
 * object's member carries its name, and no two members of an object have
 * one name (the later value took the earlier one's place, as in json-c).
 * Everything is palloc'd in one memory context and goes with it.
 *
 * A value is in at most one container (its next pointer is the
 * container's list): to put a value that already has a place somewhere
 * else into another container, copy it (dynamo_value_copy).
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

/* Walk the members of an object or array. */
#define dynamo_value_foreach(m, container) \
	for ((m) = (container) ? (container)->first : NULL; (m); (m) = (m)->next)

/* in ddb_value.c: reading */
extern DynamoValue *dynamo_value_parse(const char *text, int len);
extern DynamoValue *dynamo_value_parse_any(const char *text, int len);
extern DynamoValue *dynamo_value_from_json_c(struct json_c_object *obj);
extern DynamoValue *dynamo_value_from_json_c_copy(struct json_c_object *obj);
extern DynamoValue *dynamo_value_member(const DynamoValue *object, const char *name);
extern const char *dynamo_value_member_string(const DynamoValue *object,
											  const char *name);
extern DynamoValue *dynamo_value_nth(const DynamoValue *array, int n);
extern bool dynamo_value_equal(const DynamoValue *a, const DynamoValue *b);

/* building: everything is palloc'd in the current memory context */
extern DynamoValue *dynamo_value_object(void);
extern DynamoValue *dynamo_value_array(void);
extern DynamoValue *dynamo_value_string(const char *s);
extern DynamoValue *dynamo_value_string_len(const char *s, int len);
extern DynamoValue *dynamo_value_number(int64 n);
extern DynamoValue *dynamo_value_bool(bool b);
extern DynamoValue *dynamo_value_null(void);
extern DynamoValue *dynamo_value_copy(const DynamoValue *v);
extern DynamoValue *dynamo_value_set(DynamoValue *object, const char *name,
									 DynamoValue *v);
extern DynamoValue *dynamo_value_append(DynamoValue *array, DynamoValue *v);
extern bool dynamo_value_remove(DynamoValue *object, const char *name);

/*
 * AttributeValues, {"S": "..."} and the like: TYPE is DynamoDB's tag ("S",
 * "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS").
 */
extern DynamoValue *dynamo_av(const char *type, DynamoValue *inner);
extern DynamoValue *dynamo_av_scalar(const char *type, const char *text);
extern const char *dynamo_av_type(const DynamoValue *av);
extern DynamoValue *dynamo_av_inner(const DynamoValue *av);

/* writing: JSON text, by json-c */
extern void dynamo_value_to_text(const DynamoValue *v, StringInfo out);
extern char *dynamo_value_text(const DynamoValue *v);
extern struct json_c_object *dynamo_value_to_json_c(const DynamoValue *v);

/* added for the write buffer: a deep copy in one chunk, freed by one pfree */
extern DynamoValue *dynamo_value_copy_flat(const DynamoValue *v);

#endif							/* DYNAMO_DDB_VALUE_H */
