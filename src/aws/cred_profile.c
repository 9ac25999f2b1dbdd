/*-------------------------------------------------------------------------
 *
 * cred_profile.c
 *		  Credentials from the shared AWS config and credentials files.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/cred_profile.c
 *
 * The files are the ones the AWS CLI and SDKs read, from the database
 * server's point of view: AWS_SHARED_CREDENTIALS_FILE (default
 * ~/.aws/credentials, sections "[name]") and AWS_CONFIG_FILE (default
 * ~/.aws/config, sections "[profile name]" and "[default]").  A profile may
 * appear in both; the credentials file wins key by key.
 *
 * Syntax, as the SDKs parse it: "key = value" lines (spaces around "=" are
 * ignored); "#" and ";" start a comment at the beginning of a line or after
 * white space; a key with an empty value opens a sub-section of indented
 * lines (e.g. "s3 =") that we keep apart and never use.
 *
 * Within a profile, the SDKs' order: a role_arn with source_profile or
 * credential_source is assumed through STS; else static keys
 * (aws_access_key_id, aws_secret_access_key, aws_session_token); else
 * web_identity_token_file with role_arn; else credential_process, a command
 * run through the shell that prints JSON (Version 1, AccessKeyId,
 * SecretAccessKey, SessionToken, Expiration).  A source_profile with static
 * keys uses them directly.
 *
 * The same files give the region when none is configured otherwise
 * (dynamo_region_or_default, the SDKs' region chain), so that lookup is
 * here too.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/pg_list.h"
#include "port.h"
#include "storage/fd.h"

#include "cred_internal.h"

/* How many source_profile hops a role chain may take. */
#define MAX_PROFILE_DEPTH	5

/* One "key = value" pair of a profile. */
typedef struct ProfileEntry
{
	char	   *key;
	char	   *value;
} ProfileEntry;

/* Both files, loaded once per lookup. */
typedef struct SharedFiles
{
	char	   *config_path;
	char	   *credentials_path;
	char	   *config_text;	/* NULL when missing or unreadable */
	char	   *credentials_text;
	const char *config_problem; /* why it could not be read, or NULL */
	const char *credentials_problem;
} SharedFiles;

static void load_shared_files(SharedFiles *files, StringInfo tried);
static List *parse_profile(const char *text, bool config_file,
						   const char *profile, bool *found);
static List *merged_profile(const SharedFiles *files, const char *profile,
							bool *found);
static const char *profile_get(List *entries, const char *key);
static bool resolve_profile(const SharedFiles *files, const char *profile,
							const char *region, int depth, StringInfo tried,
							DynamoCredentials *out);
static void run_credential_process(const char *profile, const char *command,
								   DynamoCredentials *out);

/*
 * Credentials of PROFILE.  Returns false, noting why in TRIED, when neither
 * file has the profile or the profile holds no credentials; ERRORs when the
 * profile has credentials configured that cannot be obtained.
 */
bool
dynamo_cred_from_profile(const char *profile, const char *region,
						 StringInfo tried, DynamoCredentials *out)
{
	SharedFiles files;

	load_shared_files(&files, tried);
	return resolve_profile(&files, profile, region, 0, tried, out);
}

/*
 * The "region" of PROFILE (AWS_PROFILE, else "default", when NULL) in the
 * shared files, as the SDKs read it when no region is configured otherwise:
 * the config file wins over the credentials file.  NULL when none.
 */
static const char *
profile_region(const char *profile)
{
	SharedFiles files;
	StringInfoData scratch;
	bool		found;
	const char *region = NULL;

	if (profile == NULL || profile[0] == '\0')
		profile = dynamo_cred_getenv("AWS_PROFILE");
	if (profile == NULL || profile[0] == '\0')
		profile = "default";
	initStringInfo(&scratch);
	load_shared_files(&files, &scratch);
	if (files.config_text)
		region = profile_get(parse_profile(files.config_text, true, profile,
										   &found), "region");
	if (region == NULL && files.credentials_text)
		region = profile_get(parse_profile(files.credentials_text, false,
										   profile, &found), "region");
	pfree(scratch.data);
	return (region && region[0]) ? region : NULL;
}

/*
 * The region to use: the given one, else the environment's, else the
 * shared config file's for AWS_PROFILE (or "default"), as the AWS SDKs read
 * it.  NULL when none is known.
 */
const char *
dynamo_region_or_default(const char *region)
{
	const char *env;

	if (region && region[0])
		return region;
	env = getenv("AWS_REGION");
	if (env && env[0])
		return env;
	env = getenv("AWS_DEFAULT_REGION");
	if (env && env[0])
		return env;
	return profile_region(NULL);
}

static void
load_shared_files(SharedFiles *files, StringInfo tried)
{
	const char *env;
	bool		missing;

	memset(files, 0, sizeof(*files));
	env = dynamo_cred_getenv("AWS_CONFIG_FILE");
	files->config_path = dynamo_cred_expand_home(env ? env : "~/.aws/config");
	env = dynamo_cred_getenv("AWS_SHARED_CREDENTIALS_FILE");
	files->credentials_path = dynamo_cred_expand_home(env ? env : "~/.aws/credentials");

	files->credentials_text = dynamo_cred_read_file(files->credentials_path,
													&missing,
													&files->credentials_problem);
	files->config_text = dynamo_cred_read_file(files->config_path, &missing,
											   &files->config_problem);

	/* An unreadable file counts as missing, as in the SDKs; say so. */
	if (files->credentials_problem)
		dynamo_cred_tried(tried, "%s", files->credentials_problem);
	if (files->config_problem)
		dynamo_cred_tried(tried, "%s", files->config_problem);
}

/*
 * The credentials named by credential_source SOURCE of PROFILE (a role
 * chain's base), into *BASE.  An unknown source, or one that has no
 * credentials, is an error.
 */
static void
credential_source_credentials(const char *profile, const char *source,
							  DynamoCredentials *base)
{
	bool		ok;

	if (pg_strcasecmp(source, "Environment") == 0)
		ok = dynamo_cred_from_environment(NULL, base);
	else if (pg_strcasecmp(source, "Ec2InstanceMetadata") == 0)
		ok = dynamo_cred_from_imds(NULL, base);
	else if (pg_strcasecmp(source, "EcsContainer") == 0)
		ok = dynamo_cred_from_container(NULL, base);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("AWS profile \"%s\" has an unknown credential_source \"%s\"",
						profile, source),
				 errhint("Use Environment, Ec2InstanceMetadata or EcsContainer.")));
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("credential_source \"%s\" of AWS profile \"%s\" has no credentials",
						source, profile)));
}

/*
 * The base credentials of PROFILE's role chain (its ENTRIES, at DEPTH of a
 * source_profile chain), into *BASE: its own static keys when it is its
 * own source_profile (the AWS CLI's idiom), else its source_profile's,
 * else its credential_source's.  Returns where they came from, for the
 * credentials' source.
 */
static const char *
role_base_credentials(const SharedFiles *files, List *entries,
					  const char *profile, const char *region, int depth,
					  DynamoCredentials *base)
{
	const char *akid = profile_get(entries, "aws_access_key_id");
	const char *secret = profile_get(entries, "aws_secret_access_key");
	const char *source_profile = profile_get(entries, "source_profile");

	memset(base, 0, sizeof(*base));
	if (source_profile && strcmp(source_profile, profile) == 0 &&
		akid && secret)
	{
		base->access_key_id = pstrdup(akid);
		base->secret_access_key = pstrdup(secret);
		base->session_token = (char *) profile_get(entries, "aws_session_token");
		return psprintf("profile \"%s\"", profile);
	}
	if (source_profile)
	{
		if (!resolve_profile(files, source_profile, region, depth + 1,
							 NULL, base))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("source_profile \"%s\" of AWS profile \"%s\" has no credentials",
							source_profile, profile)));
		return base->source;
	}
	credential_source_credentials(profile,
								  profile_get(entries, "credential_source"),
								  base);
	return base->source;
}

/*
 * The credentials of PROFILE, at DEPTH of a source_profile chain (0: the
 * profile asked for), into *OUT, in the SDKs' order (see the top of this
 * file).  False, noted in TRIED, when the profile is missing or holds no
 * credentials.
 */
static bool
resolve_profile(const SharedFiles *files, const char *profile,
				const char *region, int depth, StringInfo tried,
				DynamoCredentials *out)
{
	List	   *entries;
	bool		found;
	const char *akid;
	const char *secret;
	const char *role_arn;
	const char *token_file;
	const char *process;

	if (depth > MAX_PROFILE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("AWS profile \"%s\" is part of a source_profile chain that is circular or longer than %d profiles",
						profile, MAX_PROFILE_DEPTH)));

	entries = merged_profile(files, profile, &found);
	if (!found)
	{
		dynamo_cred_tried(tried, "profile \"%s\" (not in %s or %s)", profile,
						  files->credentials_path, files->config_path);
		return false;
	}

	akid = profile_get(entries, "aws_access_key_id");
	secret = profile_get(entries, "aws_secret_access_key");
	role_arn = profile_get(entries, "role_arn");
	token_file = profile_get(entries, "web_identity_token_file");
	process = profile_get(entries, "credential_process");

	/* A role chain: assume role_arn with the source's credentials. */
	if (role_arn &&
		(profile_get(entries, "source_profile") ||
		 profile_get(entries, "credential_source")) &&
		!(depth > 0 && akid && secret))
	{
		DynamoCredentials base;
		const char *base_source;

		base_source = role_base_credentials(files, entries, profile, region,
											depth, &base);
		dynamo_cred_assume_role(&base, role_arn,
								profile_get(entries, "role_session_name"),
								profile_get(entries, "external_id"),
								region, out);
		out->source = psprintf("role_arn of profile \"%s\" assumed with credentials from %s",
							   profile, base_source);
		return true;
	}

	if (akid && secret)
	{
		const char *token = profile_get(entries, "aws_session_token");

		out->access_key_id = pstrdup(akid);
		out->secret_access_key = pstrdup(secret);
		out->session_token = token ? pstrdup(token) : NULL;
		out->expiration = 0;
		out->source = psprintf("profile \"%s\"", profile);
		return true;
	}

	if (token_file && role_arn)
	{
		dynamo_cred_assume_role_with_web_identity(token_file, role_arn,
												  profile_get(entries, "role_session_name"),
												  region, out);
		out->source = psprintf("web identity of profile \"%s\"", profile);
		return true;
	}

	if (process)
	{
		run_credential_process(profile, process, out);
		out->source = psprintf("credential_process of profile \"%s\"", profile);
		return true;
	}

	dynamo_cred_tried(tried, "profile \"%s\" (no credentials in it)", profile);
	return false;
}

/*
 * The entries of PROFILE from both files, the credentials file's last so
 * that profile_get() finds them first.
 */
static List *
merged_profile(const SharedFiles *files, const char *profile, bool *found)
{
	bool		in_config = false;
	bool		in_credentials = false;
	List	   *config = NIL;
	List	   *credentials = NIL;

	if (files->config_text)
		config = parse_profile(files->config_text, true, profile, &in_config);
	if (files->credentials_text)
		credentials = parse_profile(files->credentials_text, false, profile,
									&in_credentials);
	*found = in_config || in_credentials;
	return list_concat(config, credentials);
}

/* The last value of KEY in ENTRIES, or NULL. */
static const char *
profile_get(List *entries, const char *key)
{
	const char *value = NULL;
	ListCell   *lc;

	foreach(lc, entries)
	{
		ProfileEntry *e = (ProfileEntry *) lfirst(lc);

		if (strcmp(e->key, key) == 0)
			value = e->value;
	}
	return value;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim white space at both ends of [start, end) in place; returns start. */
static char *
trim(char *start, char *end)
{
	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	*end = '\0';
	return start;
}

/*
 * The name of the profile a section header defines, or NULL when the
 * section is no profile ("[sso-session x]", "[services x]", or in the config
 * file a name without the "profile " prefix other than "default").
 * palloc'd.
 */
static char *
section_profile(char *inner, bool config_file)
{
	char	   *name = trim(inner, inner + strlen(inner));
	size_t		len;

	if (!config_file)
		return pstrdup(name);
	if (strcmp(name, "default") == 0)
		return pstrdup(name);
	if (strncmp(name, "profile", 7) != 0 || !is_space(name[7]))
		return NULL;
	name = trim(name + 8, name + strlen(name));
	len = strlen(name);
	/* The SDKs accept a quoted name: [profile "my name"]. */
	if (len >= 2 && (name[0] == '"' || name[0] == '\'') && name[len - 1] == name[0])
	{
		name[len - 1] = '\0';
		name++;
	}
	return pstrdup(name);
}

/*
 * The entries of every section of TEXT that defines PROFILE, in file order.
 * *found says whether any section does, even an empty one.
 */
static List *
parse_profile(const char *text, bool config_file, const char *profile,
			  bool *found)
{
	char	   *copy = pstrdup(text);
	char	   *line = copy;
	bool		in_profile = false;
	char	   *subsection = NULL;
	List	   *entries = NIL;

	*found = false;
	while (line != NULL && *line != '\0')
	{
		char	   *next = strchr(line, '\n');
		char	   *end;
		char	   *p;
		char	   *content;
		char	   *eq;
		bool		indented = is_space(line[0]);

		if (next)
			*next++ = '\0';

		/* A comment starts with # or ; at the start or after white space. */
		end = line + strlen(line);
		for (p = line; *p; p++)
		{
			if ((*p == '#' || *p == ';') && (p == line || is_space(p[-1])))
			{
				end = p;
				break;
			}
		}
		content = trim(line, end);
		line = next;

		if (content[0] == '\0')
			continue;

		if (content[0] == '[' && content[strlen(content) - 1] == ']')
		{
			char	   *name;

			content[strlen(content) - 1] = '\0';
			name = section_profile(content + 1, config_file);
			in_profile = (name != NULL && strcmp(name, profile) == 0);
			if (in_profile)
				*found = true;
			subsection = NULL;
			continue;
		}

		eq = strchr(content, '=');
		if (!in_profile || eq == NULL || eq == content)
			continue;
		{
			char	   *key = trim(content, eq);
			char	   *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
			ProfileEntry *e;

			if (value[0] == '\0')
			{
				subsection = key;
				continue;
			}
			if (subsection && !indented)
				subsection = NULL;
			if (subsection)
				continue;		/* "s3 =" and its indented lines: not ours */
			e = palloc(sizeof(ProfileEntry));
			e->key = key;
			e->value = value;
			entries = lappend(entries, e);
		}
	}
	return entries;
}

/*
 * Run a profile's credential_process through the shell and read the
 * credentials it prints.  Its standard error goes where the server's does.
 * Nothing of its output appears in our messages.
 */
static void
run_credential_process(const char *profile, const char *command,
					   DynamoCredentials *out)
{
	FILE	   *pipe;
	StringInfoData buf;
	char		chunk[4096];
	size_t		n;
	int			status;
	bool		too_large = false;
	const char *problem;

	pipe = OpenPipeStream(command, PG_BINARY_R);
	if (pipe == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not run the credential_process of AWS profile \"%s\": %m",
						profile)));

	initStringInfo(&buf);
	while ((n = fread(chunk, 1, sizeof(chunk), pipe)) > 0)
	{
		if (buf.len + n > DYNAMO_CRED_MAX_READ)
		{
			too_large = true;
			continue;			/* drain, so the command can finish */
		}
		appendBinaryStringInfo(&buf, chunk, (int) n);
	}
	status = ClosePipeStream(pipe);

	if (status != 0)
	{
		explicit_bzero(buf.data, buf.len);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("credential_process of AWS profile \"%s\" failed", profile),
				 errdetail_internal("The command failed: %s.",
									wait_result_to_str(status))));
	}
	if (too_large)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("credential_process of AWS profile \"%s\" printed more than %d bytes",
						profile, DYNAMO_CRED_MAX_READ)));

	if (!dynamo_cred_from_json(buf.data, true, out, &problem))
	{
		explicit_bzero(buf.data, buf.len);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("credential_process of AWS profile \"%s\" printed no usable credentials",
						profile),
				 errdetail("Its output was read as JSON, and %s.", problem),
				 errhint("The command must print {\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ..., \"SessionToken\": ..., \"Expiration\": ...}.")));
	}
	explicit_bzero(buf.data, buf.len);
}
