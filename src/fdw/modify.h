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

/*
 * json-c's trees, by their struct names: a file that only passes them along
 * needs no json-c; the files that read or build JSON include ddb_json.h.
 */
struct json_c_object;

#include "foreign/fdwapi.h"
#include "nodes/execnodes.h"

typedef struct DynamoModifyState DynamoModifyState;

/* in modify.c */
extern void dynamo_modify_routine(FdwRoutine *routine);
extern DynamoModifyState *dynamo_modify_begin_direct(EState *estate, ResultRelInfo *rinfo,
													 CmdType op);
extern TupleTableSlot *dynamo_modify_update_row(DynamoModifyState *s, ResultRelInfo *rinfo,
												TupleTableSlot *slot, struct json_c_object *key,
												struct json_c_object *olddoc, struct json_c_object *expect);
extern bool dynamo_modify_delete_row(DynamoModifyState *s, struct json_c_object *key,
									 struct json_c_object *expect);

#endif							/* DYNAMO_MODIFY_H */
