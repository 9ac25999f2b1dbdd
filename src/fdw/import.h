/*-------------------------------------------------------------------------
 *
 * import.h
 *		  IMPORT FOREIGN SCHEMA; see import.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/import.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_IMPORT_H
#define DYNAMO_IMPORT_H

#include "foreign/fdwapi.h"

/* in import.c */
extern void dynamo_import_routine(FdwRoutine *routine);

#endif							/* DYNAMO_IMPORT_H */
