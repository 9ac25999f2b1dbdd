/*-------------------------------------------------------------------------
 *
 * direct.h
 *		  UPDATE and DELETE of one item as one request; see direct.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/direct.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_DIRECT_H
#define DYNAMO_DIRECT_H

#include "foreign/fdwapi.h"

/* in direct.c */
extern void dynamo_direct_routine(FdwRoutine *routine);

#endif							/* DYNAMO_DIRECT_H */
