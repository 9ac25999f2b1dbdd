/*-------------------------------------------------------------------------
 *
 * modify.h
 *		  Buffered writes of rows, as modify.c makes them, for direct.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/modify.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_MODIFY_H
#define DYNAMO_MODIFY_H

#include "foreign/fdwapi.h"
#include "nodes/execnodes.h"

#include "ddb_value.h"

typedef struct DynamoModifyState DynamoModifyState;

/* in modify.c */
extern void dynamo_modify_routine(FdwRoutine *routine);
extern DynamoModifyState *dynamo_modify_begin_direct(EState *estate, ResultRelInfo *rinfo,
													 CmdType op);
extern TupleTableSlot *dynamo_modify_update_row(DynamoModifyState *s, ResultRelInfo *rinfo,
												TupleTableSlot *slot, const DynamoValue *key,
												const DynamoValue *olddoc,
												const DynamoValue *expect);
extern bool dynamo_modify_delete_row(DynamoModifyState *s, const DynamoValue *key,
									 const DynamoValue *expect);

#endif							/* DYNAMO_MODIFY_H */
