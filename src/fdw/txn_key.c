/*-------------------------------------------------------------------------
 *
 * txn_key.c
 *		  Keys of items as text: for the write buffer's hash tables, for
 *		  scans and key joins that compare keys, and for messages.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/txn_key.c
 *
 * Two spellings of one key must make one string: DynamoDB stores numbers
 * normalized, so 1.50 and 1.5 name one item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "convert.h"
#include "txn_int.h"

/* ---- hash tables keyed by a C string pointer ---- */

static uint32
strptr_hash(const void *key, Size keysize)
{
	const char *s = *(char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
strptr_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(char *const *) key1, *(char *const *) key2);
}

/* A hash table in CXT whose entries start with a char * key. */
HTAB *
txn_strptr_hash_create(const char *name, Size entrysize, MemoryContext cxt)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(char *);
	ctl.entrysize = entrysize;
	ctl.hash = strptr_hash;
	ctl.match = strptr_match;
	ctl.hcxt = cxt;
	return hash_create(name, 64, &ctl,
					   HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
}

/* ---- keys ---- */

/* Add the tagged text of key attribute AV to S; false when AV is none. */
static bool
append_key_part(StringInfo s, const DynamoValue *av)
{
	const char *tag;
	const DynamoValue *v;
	const char *text;
	int			len;

	if (av == NULL || av->kind != DYNAMO_VALUE_OBJECT || av->first == NULL)
		return false;
	tag = av->first->name;
	v = av->first;
	if (v->kind != DYNAMO_VALUE_STRING)
		return false;
	text = v->str;
	len = v->len;
	if (strcmp(tag, "N") == 0)
	{
		/* 1.50 and 1.5 are one key: DynamoDB stores numbers normalized */
		Datum		n = DirectFunctionCall3(numeric_in, CStringGetDatum(text),
											ObjectIdGetDatum(InvalidOid),
											Int32GetDatum(-1));

		text = numeric_normalize(DatumGetNumeric(n));
		len = strlen(text);
	}
	appendStringInfo(s, "%s%d:", tag, len);
	appendBinaryStringInfo(s, text, len);
	return true;
}

/*
 * The key of ITEM (or of a key object) as text, equal for equal keys
 * whatever their spelling; NULL when a key attribute is missing.  palloc'd
 * in the current context.
 */
char *
dynamo_key_string(const DynamoValue *item, const char *pk, const char *sk)
{
	StringInfoData s;

	initStringInfo(&s);
	if (!append_key_part(&s, dynamo_value_member(item, pk)))
		return NULL;
	if (sk)
	{
		appendStringInfoChar(&s, '|');
		if (!append_key_part(&s, dynamo_value_member(item, sk)))
			return NULL;
	}
	return s.data;
}

/* "(PK, SK)=(a, b)" for messages.  palloc'd in the current context. */
char *
dynamo_key_display(const DynamoValue *item, const char *pk, const char *sk)
{
	const DynamoValue *p = dynamo_value_member(item, pk);
	const DynamoValue *s;

	if (sk)
	{
		s = dynamo_value_member(item, sk);
		return psprintf("(%s, %s)=(%s, %s)", pk, sk,
						p ? dynamo_value_display(p) : "?", s ? dynamo_value_display(s) : "?");
	}
	return psprintf("(%s)=(%s)", pk, p ? dynamo_value_display(p) : "?");
}

/*
 * An INSERT of an item that exists: the unique violation a PostgreSQL table
 * would raise, naming the item.
 */
void
dynamo_report_duplicate(const char *table, const char *keydisp, const char *detail_more)
{
	while (detail_more && *detail_more == ' ')
		detail_more++;
	ereport(ERROR,
			(errcode(ERRCODE_UNIQUE_VIOLATION),
			 errmsg("duplicate key value violates the key of DynamoDB table \"%s\"", table),
			 detail_more && *detail_more
			 ? errdetail("Key %s already exists. %s", keydisp, detail_more)
			 : errdetail("Key %s already exists.", keydisp)));
}
