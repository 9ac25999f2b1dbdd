/*-------------------------------------------------------------------------
 *
 * pg_compat.h
 *		  The differences between the PostgreSQL versions dynamo_fdw builds
 *		  against (15, 16, 17 and 18) in PostgreSQL's general APIs.
 *
 * Copyright (c) 2025-2026, dynamo_fdw contributors
 *
 * IDENTIFICATION
 *		  src/pg_compat.h
 *
 * The rest of the tree is written against PostgreSQL 15's API.  Where a
 * later version renamed a function or added arguments, a macro of the same
 * name here supplies them, so call sites read as they did; the macro calls
 * the real function through parentheses, "(name)(...)", which the
 * preprocessor does not expand again.  Such a macro is defined only after
 * the header that declares the function, which is included here first.
 * Where no macro can do (a struct member that moved, a callback's return
 * type), a small inline function or type is defined here and used at the
 * call site.
 *
 * This header holds the shims of PostgreSQL's general APIs (errors, ACLs,
 * JSON, base64) and includes no planner or executor header, so every layer
 * may include it, src/aws/ too; the planner and executor's shims are in
 * src/fdw/fdw_compat.h, which includes this one.  No other file tests
 * PG_VERSION_NUM.
 *
 * Versions before 15 are refused by the Makefile.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_PG_COMPAT_H
#define DYNAMO_PG_COMPAT_H

#include "common/base64.h"
#include "common/jsonapi.h"
#include "utils/acl.h"

#if PG_VERSION_NUM >= 160000
#include "catalog/pg_foreign_server.h"
#endif

/*
 * 18: pg_attribute_noreturn() gave way to the pg_noreturn prefix; the
 * attribute is the same for the compilers PostgreSQL builds with.
 */
#if PG_VERSION_NUM >= 180000 && !defined(pg_attribute_noreturn)
#define pg_attribute_noreturn() __attribute__((noreturn))
#endif

/*
 * 16: the per-object ACL check functions became one object_aclcheck().
 */
#if PG_VERSION_NUM >= 160000
#define pg_foreign_server_aclcheck(srv_oid, roleid, mode) \
	object_aclcheck(ForeignServerRelationId, (srv_oid), (roleid), (mode))
#endif

/*
 * 16: the semantic-action callbacks of PostgreSQL's JSON parser return a
 * JsonParseErrorType (they returned void).  A callback is declared
 * "static dynamo_json_cb_result" and ends with DYNAMO_JSON_CB_DONE, which
 * returns success where the version wants a result.
 */
#if PG_VERSION_NUM >= 160000
typedef JsonParseErrorType dynamo_json_cb_result;
#define DYNAMO_JSON_CB_DONE return JSON_SUCCESS
#else
typedef void dynamo_json_cb_result;
#define DYNAMO_JSON_CB_DONE return
#endif

/*
 * 17: makeJsonLexContextCstringLen takes the context to fill first (NULL:
 * palloc a new one, as 15 always did).
 */
#if PG_VERSION_NUM >= 170000
#define makeJsonLexContextCstringLen(json, len, encoding, need_escapes) \
	(makeJsonLexContextCstringLen)(NULL, (json), (len), (encoding), (need_escapes))
#endif

/*
 * 18: base64 works on uint8 buffers (it took char).
 */
#if PG_VERSION_NUM >= 180000
#define pg_b64_encode(src, len, dst, dstlen) \
	(pg_b64_encode)((const uint8 *) (src), (len), (dst), (dstlen))
#define pg_b64_decode(src, len, dst, dstlen) \
	(pg_b64_decode)((src), (len), (uint8 *) (dst), (dstlen))
#endif

#endif							/* DYNAMO_PG_COMPAT_H */
