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
 * DynamoDB's key types and the planner and executor shims (DynamoDB's
 * limits are in src/aws/ddb_limits.h).
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

/* DynamoDB scalar attribute types of keys. */
#define DYNAMO_TYPE_S	'S'
#define DYNAMO_TYPE_N	'N'
#define DYNAMO_TYPE_B	'B'

#endif							/* DYNAMO_FDW_H */
