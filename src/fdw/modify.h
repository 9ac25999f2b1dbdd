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

#include "ddb_json.h"

#include "nodes/execnodes.h"

typedef struct DynamoModifyState DynamoModifyState;

/* in modify.c */
extern DynamoModifyState *dynamo_modify_begin_direct(EState *estate, ResultRelInfo *rinfo,
													 CmdType op);
extern TupleTableSlot *dynamo_modify_update_row(DynamoModifyState *s, ResultRelInfo *rinfo,
												TupleTableSlot *slot, json_c_object *key,
												json_c_object *olddoc, json_c_object *expect);
extern bool dynamo_modify_delete_row(DynamoModifyState *s, json_c_object *key,
									 json_c_object *expect);

#endif							/* DYNAMO_MODIFY_H */
