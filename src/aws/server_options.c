/*-------------------------------------------------------------------------
 *
 * server_options.c
 *		  Reading the options of a server and a user mapping.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/server_options.c
 *
 * Values are read as the validator (src/fdw/option.c) let them in, with
 * the defaults the AWS SDKs use where an option is not set.  The client and
 * the credential chain read options through here; the wrapper does too.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/defrem.h"
#include "utils/builtins.h"

#include "credentials.h"
#include "server_options.h"

/*
 * The value of option NAME in an options list, or NULL.
 */
char *
dynamo_option_string(List *options, const char *name)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, name) == 0)
			return defGetString(def);
	}
	return NULL;
}

bool
dynamo_option_bool(List *options, const char *name, bool dflt)
{
	char	   *value = dynamo_option_string(options, name);
	bool		result;

	if (value == NULL || !parse_bool(value, &result))
		return dflt;
	return result;
}

static long
seconds_to_ms(const char *value, long dflt)
{
	return value ? (long) (strtod(value, NULL) * 1000.0) : dflt;
}

static double
option_double(List *options, const char *name, double dflt)
{
	char	   *value = dynamo_option_string(options, name);

	return value ? strtod(value, NULL) : dflt;
}

/*
 * A server's options, with defaults filled in.  palloc'd in the caller's
 * context.
 */
DynamoServerOptions *
dynamo_get_server_options(ForeignServer *server)
{
	DynamoServerOptions *opts = palloc0(sizeof(DynamoServerOptions));
	char	   *attempts;

	opts->serverid = server->serverid;
	opts->region = dynamo_option_string(server->options, "region");
	opts->endpoint = dynamo_option_string(server->options, "endpoint");
	opts->use_fips = dynamo_option_bool(server->options, "use_fips", false);
	opts->connect_timeout_ms =
		seconds_to_ms(dynamo_option_string(server->options, "connect_timeout"),
					  DYNAMO_DEFAULT_CONNECT_TIMEOUT_MS);
	opts->request_timeout_ms =
		seconds_to_ms(dynamo_option_string(server->options, "request_timeout"),
					  DYNAMO_DEFAULT_REQUEST_TIMEOUT_MS);
	opts->request_cost = option_double(server->options, "request_cost",
									   DYNAMO_DEFAULT_REQUEST_COST);
	opts->item_cost = option_double(server->options, "item_cost",
									DYNAMO_DEFAULT_ITEM_COST);
	attempts = dynamo_option_string(server->options, "max_attempts");
	opts->max_attempts = attempts ? atoi(attempts) : DYNAMO_DEFAULT_MAX_ATTEMPTS;
	opts->region = (char *) dynamo_region_or_default(opts->region);
	return opts;
}
