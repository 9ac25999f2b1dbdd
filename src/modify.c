/*-------------------------------------------------------------------------
 *
 * modify.c
 *		  INSERT, UPDATE and DELETE on DynamoDB foreign tables.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/modify.c
 *
 * Placeholder until the write path lands: the tables are read-only.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "dynamo_fdw.h"

void
dynamo_modify_routine(FdwRoutine *routine)
{
}
