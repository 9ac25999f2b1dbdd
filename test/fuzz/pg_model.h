/*-------------------------------------------------------------------------
 *
 * pg_model.h
 *		  The harness side of pg_model.c (see there for what is modelled).
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  test/fuzz/pg_model.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_FUZZ_PG_MODEL_H
#define DYNAMO_FUZZ_PG_MODEL_H

#include <setjmp.h>

#include "utils/array.h"

/* The last ereport(ERROR) raised, valid until model_reset(). */
typedef struct ModelError
{
	int			elevel;
	int			sqlstate;		/* 0 when errcode() was not called */
	bool		internal;		/* errmsg_internal (elog) */
	char	   *message;
	char	   *detail;
	const char *where;
} ModelError;

/* Where errfinish() jumps on ERROR; NULL outside a guarded call. */
extern sigjmp_buf *model_error_jmp;
extern ModelError model_last_error;

/* The last array makeArrayResult() returned (an ArrayBuildState). */
extern ArrayBuildState *model_last_array;

/* Print "MODEL: ..." and abort(): a property convert.c broke. */
extern void model_fail(const char *fmt,...) pg_attribute_printf(1, 2) pg_attribute_noreturn();

/* Free everything palloc'd since the last reset. */
extern void model_reset(void);

extern int	pg_mbstrlen_with_len_model(const char *s);

#endif							/* DYNAMO_FUZZ_PG_MODEL_H */
