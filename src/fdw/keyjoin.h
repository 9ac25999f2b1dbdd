/*-------------------------------------------------------------------------
 *
 * keyjoin.h
 *		  The batched key join; see keyjoin.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/keyjoin.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_KEYJOIN_H
#define DYNAMO_KEYJOIN_H

/* in keyjoin.c */
extern bool dynamo_enable_batched_join;
extern void dynamo_keyjoin_init(void);

#endif							/* DYNAMO_KEYJOIN_H */
