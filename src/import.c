/*-------------------------------------------------------------------------
 *
 * import.c
 *		  IMPORT FOREIGN SCHEMA for DynamoDB.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/import.c
 *
 * Placeholder until IMPORT FOREIGN SCHEMA lands.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "dynamo_fdw.h"

void
dynamo_import_routine(FdwRoutine *routine)
{
}
