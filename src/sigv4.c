/*-------------------------------------------------------------------------
 *
 * sigv4.c
 *		  AWS Signature Version 4, in stages.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/sigv4.c
 *
 * Canonical request, string to sign, signing key, signature and the
 * Authorization header, as AWS documents them for services other than S3
 * (paths normalised and URI-encoded once more).  Hashing and HMAC come from
 * OpenSSL.  No PostgreSQL headers: results are malloc'd, and the unit tests
 * link this file alone.
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sigv4.h"

/* A growable malloc'd string; on allocation failure it turns NULL. */
typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	int			failed;
} Buf;

static void
buf_append_len(Buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 256;
		char	   *grown;

		while (b->len + n + 1 > cap)
			cap *= 2;
		grown = realloc(b->data, cap);
		if (grown == NULL)
		{
			free(b->data);
			b->data = NULL;
			b->failed = 1;
			return;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_append(Buf *b, const char *s)
{
	buf_append_len(b, s, strlen(s));
}

static char *
buf_finish(Buf *b)
{
	if (b->failed)
		return NULL;
	if (b->data == NULL)
		buf_append_len(b, "", 0);
	return b->data;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t		i;

	for (i = 0; i < n; i++)
	{
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	EVP_Digest(data, len, digest, &dlen, EVP_sha256(), NULL);
	hex_encode(digest, dlen, out);
}

static void
hmac_sha256(const unsigned char *key, size_t keylen, const char *msg,
			unsigned char out[32])
{
	unsigned int outlen = 32;

	HMAC(EVP_sha256(), key, (int) keylen, (const unsigned char *) msg,
		 strlen(msg), out, &outlen);
}

/* RFC 3986 encoding; '/' kept when KEEP_SLASH. */
static void
uri_encode(Buf *b, const char *s, size_t n, int keep_slash)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t		i;

	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
			(keep_slash && c == '/'))
			buf_append_len(b, (const char *) &s[i], 1);
		else
		{
			char		enc[3];

			enc[0] = '%';
			enc[1] = digits[c >> 4];
			enc[2] = digits[c & 0xf];
			buf_append_len(b, enc, 3);
		}
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode N bytes of S ('+' stays '+'); malloc'd. */
static char *
uri_decode(const char *s, size_t n)
{
	char	   *out = malloc(n + 1);
	size_t		i,
				j = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++)
	{
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0)
		{
			out[j++] = (char) (hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		}
		else
			out[j++] = s[i];
	}
	out[j] = '\0';
	return out;
}

/*
 * Normalise PATH as RFC 3986 removes dot segments, and collapse empty
 * segments, keeping a trailing slash.  malloc'd.
 */
static char *
normalize_path(const char *path)
{
	size_t		n = strlen(path);
	char	  **segs = malloc(sizeof(char *) * (n + 2));
	size_t	   *lens = malloc(sizeof(size_t) * (n + 2));
	size_t		nsegs = 0;
	const char *p = path;
	int			trailing = n > 0 && path[n - 1] == '/';
	Buf			b = {0};
	size_t		i;

	if (segs == NULL || lens == NULL)
	{
		free(segs);
		free(lens);
		return NULL;
	}
	while (*p)
	{
		const char *start;
		size_t		len;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p && *p != '/')
			p++;
		len = p - start;
		if (len == 1 && start[0] == '.')
		{
			if (*p == '\0')
				trailing = 1;
			continue;
		}
		if (len == 2 && start[0] == '.' && start[1] == '.')
		{
			if (nsegs > 0)
				nsegs--;
			if (*p == '\0')
				trailing = 1;
			continue;
		}
		segs[nsegs] = (char *) start;
		lens[nsegs++] = len;
	}
	buf_append(&b, "/");
	for (i = 0; i < nsegs; i++)
	{
		buf_append_len(&b, segs[i], lens[i]);
		if (i + 1 < nsegs || trailing)
			buf_append(&b, "/");
	}
	free(segs);
	free(lens);
	return buf_finish(&b);
}

typedef struct Pair
{
	char	   *key;			/* encoded */
	char	   *value;			/* encoded */
} Pair;

static int
pair_cmp(const void *a, const void *b)
{
	const Pair *pa = a,
			   *pb = b;
	int			c = strcmp(pa->key, pb->key);

	return c != 0 ? c : strcmp(pa->value, pb->value);
}

/* The canonical query string: decoded, re-encoded, sorted. malloc'd. */
static char *
canonical_query(const char *query)
{
	Buf			out = {0};
	Pair	   *pairs;
	size_t		npairs = 0,
				cap = 1,
				i;
	const char *p;

	if (query == NULL || query[0] == '\0')
		return buf_finish(&out);
	for (p = query; *p; p++)
		if (*p == '&')
			cap++;
	pairs = calloc(cap, sizeof(Pair));
	if (pairs == NULL)
		return NULL;

	p = query;
	while (*p)
	{
		const char *end = strchr(p, '&');
		const char *eq;
		size_t		len = end ? (size_t) (end - p) : strlen(p);
		char	   *k,
				   *v;
		Buf			kb = {0},
					vb = {0};

		if (len > 0)
		{
			eq = memchr(p, '=', len);
			k = uri_decode(p, eq ? (size_t) (eq - p) : len);
			v = eq ? uri_decode(eq + 1, len - (eq - p) - 1) : uri_decode("", 0);
			if (k && v)
			{
				uri_encode(&kb, k, strlen(k), 0);
				uri_encode(&vb, v, strlen(v), 0);
				pairs[npairs].key = buf_finish(&kb);
				pairs[npairs].value = buf_finish(&vb);
				if (pairs[npairs].key && pairs[npairs].value)
					npairs++;
			}
			free(k);
			free(v);
		}
		p += len;
		if (*p == '&')
			p++;
	}
	qsort(pairs, npairs, sizeof(Pair), pair_cmp);
	for (i = 0; i < npairs; i++)
	{
		if (i > 0)
			buf_append(&out, "&");
		buf_append(&out, pairs[i].key);
		buf_append(&out, "=");
		buf_append(&out, pairs[i].value);
		free(pairs[i].key);
		free(pairs[i].value);
	}
	free(pairs);
	return buf_finish(&out);
}

typedef struct Hdr
{
	char	   *name;			/* lower case */
	const char *value;
	size_t		order;			/* to keep duplicates in request order */
} Hdr;

static int
hdr_cmp(const void *a, const void *b)
{
	const Hdr  *ha = a,
			   *hb = b;
	int			c = strcmp(ha->name, hb->name);

	return c != 0 ? c : (ha->order > hb->order) - (ha->order < hb->order);
}

/* A header value trimmed, with runs of spaces folded to one. */
static void
append_trimmed(Buf *b, const char *v)
{
	int			space = 0;

	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	for (; *v; v++)
	{
		if (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		{
			space = 1;
			continue;
		}
		if (space)
			buf_append(b, " ");
		space = 0;
		buf_append_len(b, v, 1);
	}
}

/*
 * The canonical request of REQ with extra signed headers EXTRA (names
 * lower case), and its signed-headers list in *signed_headers.  Both
 * malloc'd; NULL on out of memory.
 */
char *
sigv4_canonical_request(const SigV4Request *req, const SigV4Header *extra,
						int nextra, const char *payload_hash,
						char **signed_headers)
{
	int			n = req->nheaders + nextra;
	Hdr		   *hs = calloc(n > 0 ? n : 1, sizeof(Hdr));
	Buf			out = {0},
				sh = {0};
	char	   *path = NULL,
			   *query = NULL;
	int			i,
				j;

	*signed_headers = NULL;
	if (hs == NULL)
		return NULL;
	for (i = 0; i < n; i++)
	{
		const SigV4Header *h = i < req->nheaders ? &req->headers[i]
			: &extra[i - req->nheaders];
		char	   *name = strdup(h->name);

		if (name == NULL)
			goto oom;
		for (j = 0; name[j]; j++)
			name[j] = (char) tolower((unsigned char) name[j]);
		hs[i].name = name;
		hs[i].value = h->value;
		hs[i].order = i;
	}
	qsort(hs, n, sizeof(Hdr), hdr_cmp);

	path = normalize_path(req->path && req->path[0] ? req->path : "/");
	query = canonical_query(req->query);
	if (path == NULL || query == NULL)
		goto oom;

	buf_append(&out, req->method);
	buf_append(&out, "\n");
	uri_encode(&out, path, strlen(path), 1);
	buf_append(&out, "\n");
	buf_append(&out, query);
	buf_append(&out, "\n");
	for (i = 0; i < n; i++)
	{
		if (i > 0 && strcmp(hs[i].name, hs[i - 1].name) == 0)
		{
			buf_append(&out, ",");
			append_trimmed(&out, hs[i].value);
			continue;
		}
		if (i > 0)
		{
			buf_append(&out, "\n");
			buf_append(&sh, ";");
		}
		buf_append(&out, hs[i].name);
		buf_append(&out, ":");
		append_trimmed(&out, hs[i].value);
		buf_append(&sh, hs[i].name);
	}
	buf_append(&out, "\n\n");
	buf_append(&out, buf_finish(&sh) ? sh.data : "");
	buf_append(&out, "\n");
	buf_append(&out, payload_hash);

	for (i = 0; i < n; i++)
		free(hs[i].name);
	free(hs);
	free(path);
	free(query);
	*signed_headers = buf_finish(&sh);
	if (*signed_headers == NULL)
	{
		free(out.data);
		return NULL;
	}
	return buf_finish(&out);

oom:
	for (i = 0; i < n; i++)
		free(hs[i].name);
	free(hs);
	free(path);
	free(query);
	free(out.data);
	free(sh.data);
	return NULL;
}

/* "YYYYMMDDTHHMMSSZ" of WHEN into out[17]. */
void
sigv4_amz_date(time_t when, char out[17])
{
	struct tm	tm;

	gmtime_r(&when, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* The string to sign for a canonical request. malloc'd. */
char *
sigv4_string_to_sign(const char *canonical_request, const SigV4Scope *scope)
{
	char		amz_date[17];
	char		hash[65];
	Buf			out = {0};

	sigv4_amz_date(scope->when, amz_date);
	sigv4_sha256_hex(canonical_request, strlen(canonical_request), hash);
	buf_append(&out, "AWS4-HMAC-SHA256\n");
	buf_append(&out, amz_date);
	buf_append(&out, "\n");
	buf_append_len(&out, amz_date, 8);
	buf_append(&out, "/");
	buf_append(&out, scope->region);
	buf_append(&out, "/");
	buf_append(&out, scope->service);
	buf_append(&out, "/aws4_request\n");
	buf_append(&out, hash);
	return buf_finish(&out);
}

/* The signing key of SECRET for the scope's day, region and service. */
void
sigv4_signing_key(const char *secret, const SigV4Scope *scope,
				  unsigned char key[32])
{
	char		amz_date[17];
	char		day[9];
	size_t		klen = strlen(secret) + 5;
	char	   *k0 = malloc(klen);
	unsigned char k1[32],
				k2[32],
				k3[32];

	sigv4_amz_date(scope->when, amz_date);
	memcpy(day, amz_date, 8);
	day[8] = '\0';
	if (k0 == NULL)
	{
		memset(key, 0, 32);
		return;
	}
	snprintf(k0, klen, "AWS4%s", secret);
	hmac_sha256((unsigned char *) k0, strlen(k0), day, k1);
	hmac_sha256(k1, 32, scope->region, k2);
	hmac_sha256(k2, 32, scope->service, k3);
	hmac_sha256(k3, 32, "aws4_request", key);
	/* the secret-derived key material is not left lying around */
	memset(k0, 0, klen);
	free(k0);
	memset(k1, 0, 32);
	memset(k2, 0, 32);
	memset(k3, 0, 32);
}

/* The hex signature of STRING_TO_SIGN. */
void
sigv4_signature(const char *secret, const SigV4Scope *scope,
				const char *string_to_sign, char out[65])
{
	unsigned char key[32];
	unsigned char sig[32];

	sigv4_signing_key(secret, scope, key);
	hmac_sha256(key, 32, string_to_sign, sig);
	memset(key, 0, 32);
	hex_encode(sig, 32, out);
}

int
sigv4_sign(const SigV4Request *req, const SigV4Credentials *creds,
		   const SigV4Scope *scope, SigV4Signed *out)
{
	char		amz_date[17];
	char		payload_hash[65];
	char		signature[65];
	SigV4Header extra[2];
	int			nextra = 0;
	char	   *signed_headers = NULL;
	char	   *creq;
	char	   *sts;
	Buf			auth = {0};

	memset(out, 0, sizeof(*out));
	sigv4_amz_date(scope->when, amz_date);
	sigv4_sha256_hex(req->payload ? req->payload : "", req->payload_len, payload_hash);

	extra[nextra].name = "x-amz-date";
	extra[nextra++].value = amz_date;
	if (creds->session_token)
	{
		extra[nextra].name = "x-amz-security-token";
		extra[nextra++].value = creds->session_token;
	}

	creq = sigv4_canonical_request(req, extra, nextra, payload_hash, &signed_headers);
	if (creq == NULL)
		return -1;
	sts = sigv4_string_to_sign(creq, scope);
	free(creq);
	if (sts == NULL)
	{
		free(signed_headers);
		return -1;
	}
	sigv4_signature(creds->secret_access_key, scope, sts, signature);
	free(sts);

	buf_append(&auth, "AWS4-HMAC-SHA256 Credential=");
	buf_append(&auth, creds->access_key_id);
	buf_append(&auth, "/");
	buf_append_len(&auth, amz_date, 8);
	buf_append(&auth, "/");
	buf_append(&auth, scope->region);
	buf_append(&auth, "/");
	buf_append(&auth, scope->service);
	buf_append(&auth, "/aws4_request, SignedHeaders=");
	buf_append(&auth, signed_headers);
	buf_append(&auth, ", Signature=");
	buf_append(&auth, signature);
	free(signed_headers);

	out->authorization = buf_finish(&auth);
	out->amz_date = strdup(amz_date);
	out->security_token = creds->session_token ? strdup(creds->session_token) : NULL;
	if (out->authorization == NULL || out->amz_date == NULL ||
		(creds->session_token && out->security_token == NULL))
	{
		sigv4_signed_free(out);
		return -1;
	}
	return 0;
}

void
sigv4_signed_free(SigV4Signed *s)
{
	free(s->amz_date);
	free(s->security_token);
	free(s->authorization);
	s->amz_date = s->security_token = s->authorization = NULL;
}

/* Query parameter for presigning: name and raw (unencoded) value. */
static void
append_param(Buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_append(b, "&");
	uri_encode(b, name, strlen(name), 0);
	buf_append(b, "=");
	uri_encode(b, value, strlen(value), 0);
}

/*
 * A presigned GET of HOST + PATH with the extra query parameters PARAMS
 * (nparams name/value pairs, unencoded), signing only the host header,
 * valid EXPIRES seconds.  The session token, when there is one, is part of
 * the signed query.  Returns the query string (without '?') with every
 * parameter, X-Amz-Signature included, in sorted order, as the AWS SDKs
 * write it.  malloc'd; NULL on out of memory.
 */
char *
sigv4_presign_query(const char *host, const char *path,
					const SigV4Header *params, int nparams,
					const SigV4Credentials *creds, const SigV4Scope *scope,
					long expires)
{
	char		amz_date[17];
	char		expires_text[24];
	char		payload_hash[65];
	char		signature[65];
	Buf			credential = {0};
	Buf			query = {0};
	SigV4Header host_header;
	SigV4Request req;
	char	   *signed_headers = NULL;
	char	   *creq;
	char	   *sts;
	char	   *canonical;
	char	   *result;
	int			i;

	sigv4_amz_date(scope->when, amz_date);
	snprintf(expires_text, sizeof(expires_text), "%ld", expires);
	buf_append(&credential, creds->access_key_id);
	buf_append(&credential, "/");
	buf_append_len(&credential, amz_date, 8);
	buf_append(&credential, "/");
	buf_append(&credential, scope->region);
	buf_append(&credential, "/");
	buf_append(&credential, scope->service);
	buf_append(&credential, "/aws4_request");
	if (buf_finish(&credential) == NULL)
		return NULL;

	for (i = 0; i < nparams; i++)
		append_param(&query, params[i].name, params[i].value);
	append_param(&query, "X-Amz-Algorithm", "AWS4-HMAC-SHA256");
	append_param(&query, "X-Amz-Credential", credential.data);
	append_param(&query, "X-Amz-Date", amz_date);
	append_param(&query, "X-Amz-Expires", expires_text);
	if (creds->session_token)
		append_param(&query, "X-Amz-Security-Token", creds->session_token);
	append_param(&query, "X-Amz-SignedHeaders", "host");
	free(credential.data);
	if (buf_finish(&query) == NULL)
		return NULL;

	host_header.name = "host";
	host_header.value = host;
	req.method = "GET";
	req.path = path;
	req.query = query.data;
	req.headers = &host_header;
	req.nheaders = 1;
	req.payload = "";
	req.payload_len = 0;
	sigv4_sha256_hex("", 0, payload_hash);

	creq = sigv4_canonical_request(&req, NULL, 0, payload_hash, &signed_headers);
	free(signed_headers);
	if (creq == NULL)
	{
		free(query.data);
		return NULL;
	}
	sts = sigv4_string_to_sign(creq, scope);
	free(creq);
	if (sts == NULL)
	{
		free(query.data);
		return NULL;
	}
	sigv4_signature(creds->secret_access_key, scope, sts, signature);
	free(sts);

	/* every parameter, the signature too, in canonical (sorted) order */
	append_param(&query, "X-Amz-Signature", signature);
	if (buf_finish(&query) == NULL)
		return NULL;
	canonical = canonical_query(query.data);
	free(query.data);
	result = canonical;
	return result;
}
