/*-------------------------------------------------------------------------
 *
 * option.c
 *		  Option validation and lookup for dynamo_fdw.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/option.c
 *
 * This file owns the table of every option the wrapper accepts, at which
 * level (server, user mapping, foreign table, column), and whether only a
 * superuser may set it.  The validator checks names and values; reading
 * them is src/aws/server_options.c's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/reloptions.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_user_mapping.h"
#include "commands/defrem.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "dynamo_fdw.h"

typedef enum DynamoOptionKind
{
	OPT_STRING,
	OPT_BOOL,
	OPT_SECONDS,				/* positive number of seconds */
	OPT_POSITIVE_INT,
	OPT_URL,
	OPT_REGION,
	OPT_COST					/* non-negative number */
} DynamoOptionKind;

typedef struct DynamoOption
{
	const char *name;
	Oid			context;		/* catalog the option belongs to */
	DynamoOptionKind kind;
	bool		superuser_only;
} DynamoOption;

/*
 * Every option, by level.  These are the names users type: keep README's
 * Options section in step (test/scripts/readme_options.sh checks it).
 */
static const DynamoOption dynamo_options[] = {
	/* server */
	{"region", ForeignServerRelationId, OPT_REGION, false},
	{"endpoint", ForeignServerRelationId, OPT_URL, false},
	{"use_fips", ForeignServerRelationId, OPT_BOOL, false},
	{"connect_timeout", ForeignServerRelationId, OPT_SECONDS, false},
	{"request_timeout", ForeignServerRelationId, OPT_SECONDS, false},
	{"max_attempts", ForeignServerRelationId, OPT_POSITIVE_INT, false},
	{"request_cost", ForeignServerRelationId, OPT_COST, false},
	{"item_cost", ForeignServerRelationId, OPT_COST, false},
	{"analyze_max_pages", ForeignServerRelationId, OPT_POSITIVE_INT, false},

	/* user mapping */
	{"access_key_id", UserMappingRelationId, OPT_STRING, false},
	{"secret_access_key", UserMappingRelationId, OPT_STRING, false},
	{"session_token", UserMappingRelationId, OPT_STRING, false},
	{"profile", UserMappingRelationId, OPT_STRING, false},
	{"role_arn", UserMappingRelationId, OPT_STRING, false},
	{"allow_ambient_credentials", UserMappingRelationId, OPT_BOOL, true},

	/* foreign table */
	{"table_name", ForeignTableRelationId, OPT_STRING, false},
	{"partition_key", ForeignTableRelationId, OPT_STRING, false},
	{"sort_key", ForeignTableRelationId, OPT_STRING, false},
	{"consistent_read", ForeignTableRelationId, OPT_BOOL, false},
	{"scan_segments", ForeignTableRelationId, OPT_POSITIVE_INT, false},
	{"analyze_max_pages", ForeignTableRelationId, OPT_POSITIVE_INT, false},

	/* column */
	{"column_name", AttributeRelationId, OPT_STRING, false},
	{"document", AttributeRelationId, OPT_BOOL, false},

	{NULL, InvalidOid, OPT_STRING, false}
};

static const DynamoOption *
find_option(const char *name, Oid context)
{
	const DynamoOption *opt;

	for (opt = dynamo_options; opt->name; opt++)
		if (opt->context == context && strcmp(opt->name, name) == 0)
			return opt;
	return NULL;
}

static const char *
context_name(Oid context)
{
	switch (context)
	{
		case ForeignServerRelationId:
			return "server";
		case UserMappingRelationId:
			return "user mapping";
		case ForeignTableRelationId:
			return "foreign table";
		case AttributeRelationId:
			return "column";
		default:
			return "foreign-data wrapper";
	}
}

static void
report_unknown_option(const char *name, Oid context)
{
	const DynamoOption *opt;
	StringInfoData buf;

	initStringInfo(&buf);
	for (opt = dynamo_options; opt->name; opt++)
	{
		if (opt->context != context)
			continue;
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", opt->name);
	}

	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			 errmsg("invalid option \"%s\"", name),
			 buf.len > 0
			 ? errhint("Valid options for a dynamo_fdw %s are: %s.",
					   context_name(context), buf.data)
			 : errhint("dynamo_fdw takes no options at the %s level.",
					   context_name(context))));
}

static void
invalid_value(const char *name, const char *value, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"", name, value),
			 errhint("The value must be %s.", expected)));
}

static void
check_value(const DynamoOption *opt, const char *value)
{
	switch (opt->kind)
	{
		case OPT_STRING:
			if (value[0] == '\0')
				invalid_value(opt->name, value, "a non-empty string");
			break;
		case OPT_BOOL:
			{
				bool		b;

				if (!parse_bool(value, &b))
					invalid_value(opt->name, value, "a boolean");
				break;
			}
		case OPT_SECONDS:
			{
				char	   *end;
				double		d;

				errno = 0;
				d = strtod(value, &end);
				if (end == value || *end != '\0' || errno != 0 ||
					!isfinite(d) || d <= 0 || d > 86400)
					invalid_value(opt->name, value,
								  "a number of seconds greater than 0 and at most 86400");
				break;
			}
		case OPT_POSITIVE_INT:
			{
				char	   *end;
				long		l;

				errno = 0;
				l = strtol(value, &end, 10);
				if (end == value || *end != '\0' || errno != 0 ||
					l < 1 || l > 1000)
					invalid_value(opt->name, value,
								  "an integer between 1 and 1000");
				break;
			}
		case OPT_URL:
			if (strncmp(value, "http://", 7) != 0 &&
				strncmp(value, "https://", 8) != 0)
				invalid_value(opt->name, value,
							  "a URL starting with http:// or https://");
			if (strpbrk(value, " \t\r\n") != NULL)
				invalid_value(opt->name, value, "a URL without spaces");
			break;
		case OPT_COST:
			{
				char	   *end;
				double		d;

				errno = 0;
				d = strtod(value, &end);
				if (end == value || *end != '\0' || errno != 0 ||
					!isfinite(d) || d < 0)
					invalid_value(opt->name, value, "a non-negative number");
				break;
			}
		case OPT_REGION:
			{
				const char *p;

				if (value[0] == '\0')
					invalid_value(opt->name, value, "an AWS region such as us-east-1");
				for (p = value; *p; p++)
					if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
						invalid_value(opt->name, value,
									  "an AWS region such as us-east-1");
				break;
			}
	}
}

PG_FUNCTION_INFO_V1(dynamo_fdw_validator);

/*
 * Validate the options given to a dynamo_fdw object.  Called for CREATE and
 * ALTER of servers, user mappings, foreign tables and their columns.
 */
Datum
dynamo_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);
	ListCell   *lc;
	bool		has_key_id = false;
	bool		has_secret = false;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const DynamoOption *opt = find_option(def->defname, catalog);

		if (opt == NULL)
			report_unknown_option(def->defname, catalog);

		if (opt->superuser_only && !superuser())
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to set option \"%s\"", def->defname),
					 errdetail("Only a superuser may set \"%s\", because it lets the role use the database server's own AWS credentials.",
							   def->defname)));

		check_value(opt, defGetString(def));

		if (strcmp(def->defname, "access_key_id") == 0)
			has_key_id = true;
		else if (strcmp(def->defname, "secret_access_key") == 0)
			has_secret = true;
	}

	if (has_key_id != has_secret)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("options \"access_key_id\" and \"secret_access_key\" must be given together")));

	PG_RETURN_VOID();
}
