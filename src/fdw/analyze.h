/*-------------------------------------------------------------------------
 *
 * analyze.h
 *		  ANALYZE of a DynamoDB foreign table; see analyze.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/analyze.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_ANALYZE_H
#define DYNAMO_ANALYZE_H

#include "foreign/fdwapi.h"

/* in analyze.c */
extern void dynamo_analyze_routine(FdwRoutine *routine);

#endif							/* DYNAMO_ANALYZE_H */
