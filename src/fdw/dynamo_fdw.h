/*-------------------------------------------------------------------------
 *
 * dynamo_fdw.h
 *		  What the wrapper's files share that belongs to none of them.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/dynamo_fdw.h
 *
 * The planner and executor shims and the PostgreSQL headers every file of
 * the wrapper uses (DynamoDB's limits are in src/aws/ddb_limits.h, its key
 * types in src/aws/operations.h).
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

#endif							/* DYNAMO_FDW_H */
