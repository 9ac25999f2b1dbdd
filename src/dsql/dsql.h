/*-------------------------------------------------------------------------
 *
 * dsql.h
 *		  The DSQL token functions; see dsql.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/dsql/dsql.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_DSQL_H
#define DYNAMO_DSQL_H

/* in dsql.c */
extern char *dynamo_dsql_server;	/* GUC dynamo_fdw.dsql_server */

#endif							/* DYNAMO_DSQL_H */
