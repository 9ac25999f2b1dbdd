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
 *	2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN);
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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include <pwd.h>
#include <time.h>
#include <unistd.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_user_mapping.h"
#include "miscadmin.h"
#include "storage/fd.h"
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
	if (user != NULL &&
		dynamo_option_string(user->options, "access_key_id") == NULL &&
		!superuser_arg(user->userid) &&
		!dynamo_option_bool(user->options, "allow_ambient_credentials", false))
	{
		ForeignServer *server = GetForeignServer(user->serverid);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("non-superuser cannot use the database server's AWS credentials"),
				 errdetail("The user mapping for server \"%s\" has no \"access_key_id\" and \"secret_access_key\", so it would sign with credentials from the server's environment, files or instance role.",
						   server->servername),
				 errhint("Put keys in the user mapping, or have a superuser allow it with ALTER USER MAPPING FOR %s SERVER %s OPTIONS (ADD allow_ambient_credentials 'true').",
						 mapping_role_name(user),
						 quote_identifier(server->servername))));
	}

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

/*
 * Step 2: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, with AWS_SESSION_TOKEN
 * and AWS_CREDENTIAL_EXPIRATION when set.
 */
bool
dynamo_cred_from_environment(StringInfo tried, DynamoCredentials *out)
{
	const char *akid = dynamo_cred_getenv("AWS_ACCESS_KEY_ID");
	const char *secret = dynamo_cred_getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = dynamo_cred_getenv("AWS_SESSION_TOKEN");
	const char *expiration = dynamo_cred_getenv("AWS_CREDENTIAL_EXPIRATION");

	if (akid == NULL || secret == NULL)
	{
		dynamo_cred_tried(tried, "environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not both set)");
		return false;
	}
	out->access_key_id = pstrdup(akid);
	out->secret_access_key = pstrdup(secret);
	out->session_token = token ? pstrdup(token) : NULL;
	out->expiration = 0;
	if (expiration != NULL && !dynamo_cred_parse_time(expiration, &out->expiration))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time: \"%s\"",
						expiration)));
	out->source = "environment";
	return true;
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

/* ----------------------------------------------------------------
 *		Helpers for the providers
 * ----------------------------------------------------------------
 */

/*
 * An environment variable of the server process, or NULL when unset or
 * empty (the SDKs treat both alike).
 */
const char *
dynamo_cred_getenv(const char *name)
{
	const char *value = getenv(name);

	return (value && value[0]) ? value : NULL;
}

static bool
read_digits(const char **p, int n, int *result)
{
	int			v = 0;

	while (n-- > 0)
	{
		if (**p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*result = v;
	return true;
}

/*
 * Parse an ISO 8601 / RFC 3339 time as the AWS services write it:
 * 2024-05-01T12:00:00Z, with optional fractional seconds and an optional
 * +HH:MM / -HH:MM / +HHMM offset instead of Z (none means UTC).
 */
bool
dynamo_cred_parse_time(const char *text, time_t *result)
{
	const char *p = text;
	struct tm	tm;
	int			year,
				mon,
				day,
				hour,
				min,
				sec;
	long		offset = 0;
	time_t		t;

	while (*p == ' ')
		p++;
	if (!read_digits(&p, 4, &year) || *p++ != '-' ||
		!read_digits(&p, 2, &mon) || *p++ != '-' ||
		!read_digits(&p, 2, &day) ||
		(*p != 'T' && *p != 't' && *p != ' ') || !*p++ ||
		!read_digits(&p, 2, &hour) || *p++ != ':' ||
		!read_digits(&p, 2, &min) || *p++ != ':' ||
		!read_digits(&p, 2, &sec))
		return false;
	if (*p == '.' || *p == ',')
	{
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-')
	{
		int			sign = (*p == '-') ? -1 : 1;
		int			oh,
					om;

		p++;
		if (!read_digits(&p, 2, &oh))
			return false;
		if (*p == ':')
			p++;
		if (!read_digits(&p, 2, &om))
			return false;
		offset = sign * (oh * 3600L + om * 60L);
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return false;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
		min > 59 || sec > 60)
		return false;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t) -1)
		return false;
	*result = t - offset;
	return true;
}

/*
 * PATH with a leading "~/" replaced by the server user's home directory
 * ($HOME, else the password database), as the SDKs do.  palloc'd.
 */
char *
dynamo_cred_expand_home(const char *path)
{
	const char *home;

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
		return pstrdup(path);
	home = dynamo_cred_getenv("HOME");
	if (home == NULL)
	{
		struct passwd *pw = getpwuid(geteuid());

		home = (pw && pw->pw_dir) ? pw->pw_dir : "";
	}
	return psprintf("%s%s", home, path + 1);
}

/* A string member of a JSON object, or NULL. */
static const char *
json_member_string(json_c_object *obj, const char *key)
{
	json_c_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
		!json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * Read credentials from a JSON document: the container and instance
 * metadata format (AccessKeyId, SecretAccessKey, Token, Expiration, and
 * Code "Success" when present), or with PROCESS_FORMAT the credential_process
 * format (Version 1, AccessKeyId, SecretAccessKey, SessionToken,
 * Expiration).  On failure returns false with *problem set to a static
 * description that quotes nothing from the document.  OUT's strings are
 * palloc'd; OUT->source is left to the caller.
 */
bool
dynamo_cred_from_json(const char *body, bool process_format,
					  DynamoCredentials *out, const char **problem)
{
	json_c_object *doc = json_tokener_parse(body);
	const char *akid;
	const char *secret;
	const char *token;
	const char *expiration;
	const char *code;
	bool		ok = false;

	*problem = NULL;
	if (doc == NULL || !json_object_is_type(doc, json_type_object))
	{
		*problem = "the answer is not a JSON object";
		goto done;
	}
	if (process_format)
	{
		json_c_object *version;

		if (!json_object_object_get_ex(doc, "Version", &version) ||
			!json_object_is_type(version, json_type_int) ||
			json_object_get_int64(version) != 1)
		{
			*problem = "its \"Version\" is not 1";
			goto done;
		}
	}
	else if ((code = json_member_string(doc, "Code")) != NULL &&
			 strcmp(code, "Success") != 0)
	{
		*problem = "its \"Code\" is not \"Success\"";
		goto done;
	}

	akid = json_member_string(doc, "AccessKeyId");
	secret = json_member_string(doc, "SecretAccessKey");
	token = json_member_string(doc, process_format ? "SessionToken" : "Token");
	expiration = json_member_string(doc, "Expiration");
	if (akid == NULL || akid[0] == '\0')
	{
		*problem = "it has no \"AccessKeyId\"";
		goto done;
	}
	if (secret == NULL || secret[0] == '\0')
	{
		*problem = "it has no \"SecretAccessKey\"";
		goto done;
	}
	out->expiration = 0;
	if (expiration != NULL && !dynamo_cred_parse_time(expiration, &out->expiration))
	{
		*problem = "its \"Expiration\" is not an ISO 8601 time";
		goto done;
	}
	out->access_key_id = pstrdup(akid);
	out->secret_access_key = pstrdup(secret);
	out->session_token = (token && token[0]) ? pstrdup(token) : NULL;
	ok = true;

done:
	if (doc != NULL)
		json_object_put(doc);
	return ok;
}

/*
 * The whole of a small file, palloc'd and NUL-terminated.  Returns NULL with
 * *missing set when the file does not exist, or with *problem set (static
 * or palloc'd text) when it cannot be read.
 */
char *
dynamo_cred_read_file(const char *path, bool *missing, const char **problem)
{
	FILE	   *f;
	StringInfoData buf;
	char		chunk[4096];
	size_t		n;

	*missing = false;
	*problem = NULL;
	f = AllocateFile(path, "r");
	if (f == NULL)
	{
		if (errno == ENOENT || errno == ENOTDIR)
			*missing = true;
		else
			*problem = psprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	initStringInfo(&buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
	{
		if (buf.len + n > DYNAMO_CRED_MAX_READ)
		{
			FreeFile(f);
			*problem = psprintf("%s: larger than %d bytes", path,
								DYNAMO_CRED_MAX_READ);
			return NULL;
		}
		appendBinaryStringInfo(&buf, chunk, (int) n);
	}
	if (ferror(f))
	{
		*problem = psprintf("%s: %s", path, strerror(errno));
		FreeFile(f);
		return NULL;
	}
	FreeFile(f);
	return buf.data;
}

/*
 * Add one entry to the list of places looked at, for the detail of the
 * final "no AWS credentials found" error.  TRIED may be NULL.
 */
void
dynamo_cred_tried(StringInfo tried, const char *fmt,...)
{
	if (tried == NULL)
		return;
	if (tried->len > 0)
		appendStringInfoString(tried, "; ");
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(tried, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(tried, needed);
	}
}
