/*-------------------------------------------------------------------------
 *
 * server_options.h
 *		  A server's options as one connection needs them; see server_options.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/server_options.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SERVER_OPTIONS_H
#define DYNAMO_SERVER_OPTIONS_H

#include "foreign/foreign.h"
#include "nodes/pg_list.h"

/* Defaults the AWS SDKs use too. */
#define DYNAMO_DEFAULT_MAX_ATTEMPTS		3
#define DYNAMO_DEFAULT_CONNECT_TIMEOUT_MS	10000
#define DYNAMO_DEFAULT_REQUEST_TIMEOUT_MS	60000

/*
 * Planner costs: a request is a network round trip, worth reading thousands
 * of items from a page that has already arrived.
 */
#define DYNAMO_DEFAULT_REQUEST_COST		100.0
#define DYNAMO_DEFAULT_ITEM_COST		0.02

/*
 * Server and user mapping options merged, as one connection needs them.
 * Everything palloc'd in the caller's context.
 */
typedef struct DynamoServerOptions
{
	Oid			serverid;
	char	   *region;			/* NULL: taken from the environment */
	char	   *endpoint;		/* full URL; NULL: derived from region */
	bool		use_fips;
	long		connect_timeout_ms;
	long		request_timeout_ms;
	int			max_attempts;
	double		request_cost;	/* planner cost of one request */
	double		item_cost;		/* planner cost of reading one item */
} DynamoServerOptions;

/* in server_options.c */
extern DynamoServerOptions *dynamo_get_server_options(ForeignServer *server);
extern char *dynamo_option_string(List *options, const char *name);
extern bool dynamo_option_bool(List *options, const char *name, bool dflt);

#endif							/* DYNAMO_SERVER_OPTIONS_H */
