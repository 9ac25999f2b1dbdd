/*-------------------------------------------------------------------------
 *
 * txn.c
 *		  The per-transaction write buffer.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/txn.c
 *
 * Placeholder until the write path lands.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "dynamo_fdw.h"

bool		dynamo_strict_atomicity = false;
bool		dynamo_bulk_write = false;
