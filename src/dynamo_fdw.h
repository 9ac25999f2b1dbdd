/*-------------------------------------------------------------------------
 *
 * dynamo_fdw.h
 *		  What the wrapper's files share that belongs to none of them.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/dynamo_fdw.h
 *
 * DynamoDB's limits and key types, and the planner and executor shims.
 * Each module's types and functions are in the header named after its
 * file (table.h, planner.h, scan.h, convert.h, txn.h ...), and src/aws/'s
 * headers have what calling AWS needs.  src/aws/ never includes this
 * header.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_FDW_H
#define DYNAMO_FDW_H

#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "nodes/pg_list.h"
#include "utils/relcache.h"
#include "fdw_compat.h"

/* DynamoDB's own limits. */
#define DYNAMO_MAX_TRANSACT_ACTIONS	100
#define DYNAMO_MAX_BATCH_GET_KEYS	100
#define DYNAMO_MAX_BATCH_WRITE_ITEMS	25
/* Bytes of one expression string (ConditionExpression, UpdateExpression ...). */
#define DYNAMO_MAX_EXPRESSION_BYTES	4096

/* DynamoDB scalar attribute types of keys. */
#define DYNAMO_TYPE_S	'S'
#define DYNAMO_TYPE_N	'N'
#define DYNAMO_TYPE_B	'B'

#endif							/* DYNAMO_FDW_H */
