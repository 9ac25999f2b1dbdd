/*-------------------------------------------------------------------------
 *
 * ddb_json.h
 *		  The one way dynamo_fdw includes json-c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/ddb_json.h
 *
 * json-c names its object type `json_object`, and PostgreSQL's
 * utils/fmgrprotos.h declares a SQL function json_object().  Renaming the
 * json-c type for our translation units lets both live in one file; the
 * rename changes no symbol json-c exports (C has no type mangling), and
 * json-c's macros expand to the renamed type too.  Include this right after
 * postgres.h, before any header that pulls in utils/builtins.h.
 *
 * Only the files that read or build JSON include this header.  Other
 * headers name json-c's trees "struct json_c_object" (the struct json-c's
 * type is, once renamed) and leave json-c out, so that a file passing a
 * tree along does not see json-c; test/scripts/layers.sh lists the files
 * that do.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_DDB_JSON_H
#define DYNAMO_DDB_JSON_H

#ifdef FMGRPROTOS_H
#error "include ddb_json.h before utils/fmgrprotos.h (utils/builtins.h)"
#endif

/* PostgreSQL's json_object() SQL function, under a name nobody uses ... */
#define json_object pg_json_object_sql_function
#include "utils/fmgrprotos.h"
#undef json_object

/* ... so that json-c's type can be json_c_object from here on. */
#define json_object json_c_object
#include <json.h>

/*
 * How deep json-c may go into a DynamoDB answer.  DynamoDB nests maps and
 * lists up to 32 levels, and in its JSON each level is two objects ({"M":
 * {...}}), inside the item, the response and (BatchGetItem) its Responses:
 * about 70.  json-c's default of 32 would refuse items nested 15 deep.
 */
#define DYNAMO_JSON_MAX_DEPTH	128

#endif							/* DYNAMO_DDB_JSON_H */
