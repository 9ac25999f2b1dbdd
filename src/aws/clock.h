/*-------------------------------------------------------------------------
 *
 * clock.h
 *		  The instant requests are signed at.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/clock.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CLOCK_H
#define DYNAMO_CLOCK_H

#include <time.h>

/* in clock.c */
extern char *dynamo_signing_time;	/* GUC dynamo_fdw.signing_time */
extern time_t dynamo_signing_instant(void);

#endif							/* DYNAMO_CLOCK_H */
