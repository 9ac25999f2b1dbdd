/*-------------------------------------------------------------------------
 *
 * credentials.c
 *		  The AWS credential provider chain, its cache and who may use it.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/credentials.c
 *
 * dynamo_credentials_get() answers "which AWS keys sign this request".  The
 * order is the AWS SDKs' (Java v2 and Go spell it the same way):
 *
 *	1. access_key_id / secret_access_key (/ session_token) in the user mapping;
 *	2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN)
 *	   (cred_env.c);
 *	3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN through STS;
 *	4. the shared config and credentials files, profile AWS_PROFILE or
 *	   "default" (cred_profile.c: static keys, credential_process, role chains);
 *	5. the ECS/EKS container endpoint (cred_metadata.c);
 *	6. EC2 instance metadata, IMDSv2 (cred_metadata.c).
 *
 * A user mapping's "profile" option replaces steps 2 to 6 by that one
 * profile: a user who names a profile means it, and must not silently get
 * the server's environment keys or instance role instead.  A "role_arn" on
 * the user mapping is then assumed through STS (cred_sts.c), signed with
 * whatever was found.
 *
 * Everything but keys written in the user mapping is "ambient": it belongs to
 * the PostgreSQL server (its environment, its files, its instance role), not
 * to the role running the query.  Like postgres_fdw's password_required, a
 * non-superuser may use ambient credentials only through a user mapping on
 * which a superuser set allow_ambient_credentials 'true'.  The DSQL token
 * functions pass no user mapping at all and use the ambient chain; they are
 * guarded by EXECUTE privileges instead.
 *
 * Credentials are cached per user mapping (plus one entry for the ambient
 * chain) for the backend's lifetime, and fetched again at least five minutes
 * before they expire or when the user mapping or its server changes.
 * Secrets are never logged or put in a message: at most the access key id
 * and the source are.
 *
 * This file is the chain and the cache only: each provider is a cred_*.c
 * file, and what the providers share (reading files and the environment,
 * parsing credentials JSON and times) is cred_util.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>
#include <unistd.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_user_mapping.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "cred_internal.h"
#include "server_options.h"

/* Fetch again when fewer than this many seconds are left. */
#define REFRESH_MARGIN_SECONDS	300

typedef struct CredCacheEntry
{
	Oid			umid;			/* hash key; InvalidOid: the ambient chain */
	bool		valid;			/* creds hold something */
	bool		invalidated;	/* the user mapping or server changed */
	uint32		mapping_hash;	/* syscache hash of the user mapping */
	uint32		server_hash;	/* syscache hash of its server */
	DynamoCredentials creds;	/* strings in CredCacheContext */
} CredCacheEntry;

static HTAB *CredCache = NULL;
static MemoryContext CredCacheContext = NULL;

static const char *mapping_role_name(UserMapping *user);
static void cred_cache_init(void);
static void cred_inval_callback(Datum arg, int cacheid, uint32 hashvalue);
static void clear_entry(CredCacheEntry *entry);
static void store_entry(CredCacheEntry *entry, const DynamoCredentials *creds);
static bool entry_is_fresh(const CredCacheEntry *entry, time_t now);
static void resolve(UserMapping *user, const char *region,
					DynamoCredentials *out);
static void resolve_ambient(const char *profile, const char *region,
							DynamoCredentials *out);

/*
 * How often a lookup that calls AWS (STS) tries: the server's max_attempts,
 * as its DynamoDB requests do.
 */
static int	lookup_attempts = DYNAMO_DEFAULT_MAX_ATTEMPTS;

int
dynamo_cred_max_attempts(void)
{
	return Max(lookup_attempts, 1);
}

/*
 * ERROR when USER (NULL: none) has no keys of its own and may not sign
 * with the database server's ambient credentials: only a superuser's
 * mapping, or one a superuser marked allow_ambient_credentials, may.
 */
static void
check_ambient_allowed(UserMapping *user)
{
	ForeignServer *server;

	if (user == NULL ||
		dynamo_option_string(user->options, "access_key_id") != NULL ||
		superuser_arg(user->userid) ||
		dynamo_option_bool(user->options, "allow_ambient_credentials", false))
		return;
	server = GetForeignServer(user->serverid);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("non-superuser cannot use the database server's AWS credentials"),
			 errdetail("The user mapping for server \"%s\" has no \"access_key_id\" and \"secret_access_key\", so it would sign with credentials from the server's environment, files or instance role.",
					   server->servername),
			 errhint("Put keys in the user mapping, or have a superuser allow it with ALTER USER MAPPING FOR %s SERVER %s OPTIONS (ADD allow_ambient_credentials 'true').",
					 mapping_role_name(user),
					 quote_identifier(server->servername))));
}

/*
 * Credentials for a request made through USER (NULL: no user mapping, the
 * ambient chain only) to a service in REGION (NULL: the environment's).
 *
 * Returns credentials that are valid for at least five more minutes when
 * their source allows it.  The result points into a backend-lifetime cache:
 * use it at once and do not free it; the next call may replace it.  ERRORs
 * when nothing is found, when a configured source fails, or when the user
 * may not use the server's ambient credentials.
 */
const DynamoCredentials *
dynamo_credentials_get(UserMapping *user, const char *region)
{
	Oid			umid = user ? user->umid : InvalidOid;
	CredCacheEntry *entry;
	bool		found;
	time_t		now;
	MemoryContext resolve_cxt;
	MemoryContext oldcxt;
	DynamoCredentials fresh;

	/*
	 * Who may use what is checked on every call, cached or not: a role can
	 * lose superuser without its user mapping changing.
	 */
	check_ambient_allowed(user);

	cred_cache_init();
	entry = (CredCacheEntry *) hash_search(CredCache, &umid, HASH_ENTER, &found);
	if (!found)
	{
		memset(&entry->creds, 0, sizeof(entry->creds));
		entry->valid = false;
		entry->invalidated = false;
		entry->mapping_hash = 0;
		entry->server_hash = 0;
	}

	now = time(NULL);
	if (entry->valid && !entry->invalidated && entry_is_fresh(entry, now))
		return &entry->creds;

	/*
	 * Forget the old credentials before looking: if the lookup fails, nothing
	 * stale is left to use.  A change to the user mapping while we look
	 * (invalidation messages are read during catalog access) marks the entry
	 * again, and the next call looks again.
	 */
	clear_entry(entry);
	entry->invalidated = false;
	if (user != NULL)
	{
		entry->mapping_hash = GetSysCacheHashValue1(USERMAPPINGOID,
													ObjectIdGetDatum(umid));
		entry->server_hash = GetSysCacheHashValue1(FOREIGNSERVEROID,
												   ObjectIdGetDatum(user->serverid));
	}

	/* Resolve in a scratch context, which an ERROR leaves to the transaction. */
	lookup_attempts = DYNAMO_DEFAULT_MAX_ATTEMPTS;
	if (user != NULL)
	{
		const char *attempts = dynamo_option_string(GetForeignServer(user->serverid)->options,
													"max_attempts");

		if (attempts != NULL)
			lookup_attempts = atoi(attempts);
	}
	resolve_cxt = AllocSetContextCreate(CurrentMemoryContext,
										"dynamo_fdw credential lookup",
										ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(resolve_cxt);
	memset(&fresh, 0, sizeof(fresh));
	resolve(user, region, &fresh);
	MemoryContextSwitchTo(oldcxt);

	if (fresh.expiration != 0 && fresh.expiration <= now)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("AWS credentials from %s have already expired", fresh.source),
				 errdetail("Access key %s expired at %s.", fresh.access_key_id,
						   timestamptz_to_str(time_t_to_timestamptz(fresh.expiration)))));

	store_entry(entry, &fresh);

	/* Wipe the scratch copies of the secret before giving the memory back. */
	if (fresh.secret_access_key)
		explicit_bzero(fresh.secret_access_key, strlen(fresh.secret_access_key));
	if (fresh.session_token)
		explicit_bzero(fresh.session_token, strlen(fresh.session_token));
	MemoryContextDelete(resolve_cxt);

	ereport(DEBUG1,
			(errmsg_internal("dynamo_fdw: using AWS access key %s from %s%s",
							 entry->creds.access_key_id, entry->creds.source,
							 entry->creds.expiration ? " (expiring)" : "")));
	return &entry->creds;
}

/*
 * The role a user mapping is for, as ALTER USER MAPPING FOR wants it: a
 * quoted role name, or PUBLIC.
 */
static const char *
mapping_role_name(UserMapping *user)
{
	HeapTuple	tp;
	Oid			umuser = user->userid;

	tp = SearchSysCache1(USERMAPPINGOID, ObjectIdGetDatum(user->umid));
	if (HeapTupleIsValid(tp))
	{
		umuser = ((Form_pg_user_mapping) GETSTRUCT(tp))->umuser;
		ReleaseSysCache(tp);
	}
	if (!OidIsValid(umuser))
		return "PUBLIC";
	return quote_identifier(GetUserNameFromId(umuser, false));
}

/*
 * Run the chain for USER (or the ambient chain when NULL) into OUT.
 */
static void
resolve(UserMapping *user, const char *region, DynamoCredentials *out)
{
	const char *akid = NULL;
	const char *secret = NULL;
	const char *token = NULL;
	const char *role_arn = NULL;
	const char *profile = NULL;

	/*
	 * The region STS is called in, for every provider below: the caller's,
	 * else the environment's or the shared config file's (cred_sts.c takes
	 * it as given).
	 */
	region = dynamo_region_or_default(region);

	if (user != NULL)
	{
		akid = dynamo_option_string(user->options, "access_key_id");
		secret = dynamo_option_string(user->options, "secret_access_key");
		token = dynamo_option_string(user->options, "session_token");
		role_arn = dynamo_option_string(user->options, "role_arn");
		profile = dynamo_option_string(user->options, "profile");
	}

	if (akid != NULL)
	{
		if (secret == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("user mapping has \"access_key_id\" but no \"secret_access_key\""),
					 errhint("Set both options, or neither to use the server's credential chain.")));
		out->access_key_id = pstrdup(akid);
		out->secret_access_key = pstrdup(secret);
		out->session_token = token ? pstrdup(token) : NULL;
		out->expiration = 0;
		out->source = "user mapping";
	}
	else
		resolve_ambient(profile, region, out);

	if (role_arn != NULL)
	{
		DynamoCredentials base = *out;
		const char *base_source = base.source;

		memset(out, 0, sizeof(*out));
		dynamo_cred_assume_role(&base, role_arn,
								dynamo_option_string(user->options, "role_session_name"),
								dynamo_option_string(user->options, "external_id"),
								region, out);
		out->source = psprintf("role_arn assumed with credentials from %s",
							   base_source);
	}
}

/*
 * The server's own chain, steps 2 to 6; or only PROFILE when one is named.
 */
static void
resolve_ambient(const char *profile, const char *region, DynamoCredentials *out)
{
	StringInfoData tried;
	const char *env_profile;

	initStringInfo(&tried);

	if (profile != NULL)
	{
		if (dynamo_cred_from_profile(profile, region, &tried, out))
			return;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("AWS profile \"%s\" named in the user mapping has no credentials",
						profile),
				 errdetail("Looked in: %s.", tried.data),
				 errhint("Profiles are read from the database server's shared AWS files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, or ~/.aws of the server's operating system user).")));
	}

	if (dynamo_cred_from_environment(&tried, out))
		return;
	if (dynamo_cred_from_web_identity_env(region, &tried, out))
		return;
	env_profile = dynamo_cred_getenv("AWS_PROFILE");
	if (dynamo_cred_from_profile(env_profile ? env_profile : "default",
								 region, &tried, out))
		return;
	if (dynamo_cred_from_container(&tried, out))
		return;
	if (dynamo_cred_from_imds(&tried, out))
		return;

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("no AWS credentials found"),
			 errdetail("Looked in: %s.", tried.data),
			 errhint("Give the user mapping \"access_key_id\" and \"secret_access_key\", or configure credentials in the database server's environment.")));
}

/* ----------------------------------------------------------------
 *		Cache
 * ----------------------------------------------------------------
 */

static void
cred_cache_init(void)
{
	HASHCTL		ctl;

	if (CredCache != NULL)
		return;

	CredCacheContext = AllocSetContextCreate(CacheMemoryContext,
											 "dynamo_fdw credentials",
											 ALLOCSET_SMALL_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(CredCacheEntry);
	ctl.hcxt = CredCacheContext;
	CredCache = hash_create("dynamo_fdw credentials", 8, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	CacheRegisterSyscacheCallback(USERMAPPINGOID, cred_inval_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(FOREIGNSERVEROID, cred_inval_callback, (Datum) 0);
}

/*
 * A user mapping or server changed (hashvalue 0: possibly all of them).
 * Only mark entries: a caller may still hold a pointer into one, and the
 * next dynamo_credentials_get() for it fetches again.
 */
static void
cred_inval_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS scan;
	CredCacheEntry *entry;

	hash_seq_init(&scan, CredCache);
	while ((entry = (CredCacheEntry *) hash_seq_search(&scan)) != NULL)
	{
		if (!OidIsValid(entry->umid))
			continue;			/* the ambient chain depends on no catalog */
		if (hashvalue == 0 ||
			(cacheid == USERMAPPINGOID && entry->mapping_hash == hashvalue) ||
			(cacheid == FOREIGNSERVEROID && entry->server_hash == hashvalue))
			entry->invalidated = true;
	}
}

static bool
entry_is_fresh(const CredCacheEntry *entry, time_t now)
{
	return entry->creds.expiration == 0 ||
		now < entry->creds.expiration - REFRESH_MARGIN_SECONDS;
}

static void
free_secret(char *s)
{
	if (s)
	{
		explicit_bzero(s, strlen(s));
		pfree(s);
	}
}

static void
clear_entry(CredCacheEntry *entry)
{
	if (entry->creds.access_key_id)
		pfree(entry->creds.access_key_id);
	free_secret(entry->creds.secret_access_key);
	free_secret(entry->creds.session_token);
	if (entry->creds.source)
		pfree((char *) entry->creds.source);
	memset(&entry->creds, 0, sizeof(entry->creds));
	entry->valid = false;
}

static void
store_entry(CredCacheEntry *entry, const DynamoCredentials *creds)
{
	clear_entry(entry);
	entry->creds.access_key_id = MemoryContextStrdup(CredCacheContext,
													 creds->access_key_id);
	entry->creds.secret_access_key = MemoryContextStrdup(CredCacheContext,
														 creds->secret_access_key);
	entry->creds.session_token = creds->session_token ?
		MemoryContextStrdup(CredCacheContext, creds->session_token) : NULL;
	entry->creds.expiration = creds->expiration;
	entry->creds.source = MemoryContextStrdup(CredCacheContext, creds->source);
	entry->valid = true;
}
