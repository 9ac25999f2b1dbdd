/*-------------------------------------------------------------------------
 *
 * http.c
 *		  HTTP transport over libcurl.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/http.c
 *
 * The only file that includes <curl/curl.h>.  A few easy handles live for
 * the backend's lifetime, so their connection caches keep connections alive
 * and TLS sessions resumed between requests to the same endpoint; several
 * of them carry a parallel Scan's segments at once.  Transfers run through a
 * multi handle polled in short slices, so that a query cancel or
 * statement_timeout stops a request that the remote end never answers.
 * Callbacks only record (into malloc'd buffers) and never ereport; errors are
 * reported after curl returns.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <curl/curl.h>

#include "miscadmin.h"

#include "http.h"
#include "server_options.h"

/* Largest response we accept; DynamoDB's biggest (BatchGetItem) is 16 MB. */
#define MAX_RESPONSE_BYTES	(64 * 1024 * 1024)
/* How long one poll waits before looking at interrupts again. */
#define POLL_SLICE_MS		100

typedef struct Collected
{
	char	   *data;			/* malloc'd, never palloc'd inside callbacks */
	size_t		len;
	size_t		cap;
	bool		too_large;
	char		crc32[16];
	char		request_id[128];
} Collected;

/* A cancel, a statement_timeout or a shutdown request is waiting. */
#define CANCEL_PENDING()	(QueryCancelPending || ProcDiePending)

/* Easy handles kept for the backend's life: their connections stay open. */
static CURL *easy[DYNAMO_HTTP_MAX_PARALLEL];
static CURLM *multi = NULL;

void
dynamo_http_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		elog(ERROR, "could not initialize libcurl");
}

/*
 * Response buffers are malloc'd (callbacks must not palloc) and handed over
 * to the caller's memory context without a copy.  A page of a scan is a
 * megabyte or more: one spare buffer is kept when a response is done with
 * and reused for the next, so that a scan does not fault in fresh pages for
 * every response.
 */
#define SPARE_MAX_BYTES		(16 * 1024 * 1024)
static char *spare_buf = NULL;
static size_t spare_cap = 0;

static size_t
collect_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	Collected  *c = (Collected *) userdata;
	size_t		n = size * nmemb;

	if (c->len + n > MAX_RESPONSE_BYTES)
	{
		c->too_large = true;
		return 0;				/* makes curl abort the transfer */
	}
	if (c->data == NULL && spare_buf != NULL)
	{
		c->data = spare_buf;
		c->cap = spare_cap;
		spare_buf = NULL;
		spare_cap = 0;
	}
	if (c->len + n + 1 > c->cap)
	{
		size_t		cap = Max(Max(c->cap * 2, c->len + n + 1), 16384);
		char	   *grown = realloc(c->data, cap);

		if (grown == NULL)
			return 0;
		c->data = grown;
		c->cap = cap;
	}
	memcpy(c->data + c->len, ptr, n);
	c->len += n;
	return n;
}

/* Done with a response buffer: keep it as the spare, or free it. */
static void
release_buffer(char *data, size_t cap)
{
	if (data == NULL)
		return;
	if (cap <= SPARE_MAX_BYTES && cap > spare_cap)
	{
		free(spare_buf);
		spare_buf = data;
		spare_cap = cap;
	}
	else
		free(data);
}

typedef struct OwnedBuffer
{
	MemoryContextCallback cb;
	char	   *data;
	size_t		cap;
} OwnedBuffer;

static void
owned_buffer_release(void *arg)
{
	OwnedBuffer *ob = (OwnedBuffer *) arg;

	release_buffer(ob->data, ob->cap);
}

/* Copy the value of header NAME (case-insensitive) when LINE is that header. */
static void
capture_header(const char *line, size_t len, const char *name, char *dst,
			   size_t dstsize)
{
	size_t		nlen = strlen(name);
	size_t		i;

	if (len <= nlen || pg_strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
		return;
	line += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
					   line[len - 1] == ' '))
		len--;
	i = Min(len, dstsize - 1);
	memcpy(dst, line, i);
	dst[i] = '\0';
}

static size_t
collect_header(char *buffer, size_t size, size_t nitems, void *userdata)
{
	Collected  *c = (Collected *) userdata;
	size_t		n = size * nitems;

	capture_header(buffer, n, "x-amz-crc32", c->crc32, sizeof(c->crc32));
	capture_header(buffer, n, "x-amzn-RequestId", c->request_id,
				   sizeof(c->request_id));
	return n;
}

static void
ensure_handles(int n)
{
	int			i;

	if (multi == NULL)
	{
		multi = curl_multi_init();
		if (multi == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not create an HTTP handle")));
	}
	for (i = 0; i < n; i++)
	{
		if (easy[i] == NULL)
			easy[i] = curl_easy_init();
		if (easy[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not create an HTTP handle")));
	}
}

/*
 * Run the first N easy handles to completion together, looking at
 * interrupts between short polls.  results[i] is each transfer's outcome.
 * Returns false when a cancel is pending (the transfers are abandoned).
 */
static bool
run_transfers(int n, CURLcode *results)
{
	int			running = n;
	int			i;
	bool		cancelled = false;

	for (i = 0; i < n; i++)
	{
		results[i] = CURLE_OK;
		curl_multi_add_handle(multi, easy[i]);
	}
	while (running > 0)
	{
		CURLMcode	mc = curl_multi_perform(multi, &running);
		CURLMsg    *msg;
		int			left;

		if (mc != CURLM_OK)
		{
			for (i = 0; i < n; i++)
				results[i] = CURLE_FAILED_INIT;
			break;
		}
		while ((msg = curl_multi_info_read(multi, &left)) != NULL)
		{
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (i = 0; i < n; i++)
				if (easy[i] == msg->easy_handle)
					results[i] = msg->data.result;
		}
		if (running == 0)
			break;
		if (CANCEL_PENDING())
		{
			cancelled = true;
			break;
		}
		curl_multi_poll(multi, NULL, 0, POLL_SLICE_MS, NULL);
		if (CANCEL_PENDING())
		{
			cancelled = true;
			break;
		}
	}
	for (i = 0; i < n; i++)
		curl_multi_remove_handle(multi, easy[i]);
	return !cancelled;
}

/* Point easy handle H at REQ; the header list is the caller's to free. */
static struct curl_slist *
setup_transfer(CURL *h, const DynamoHttpRequest *req, Collected *c,
			   char *curl_error)
{
	struct curl_slist *headers = NULL;
	int			i;

	for (i = 0; i < req->nheaders; i++)
		headers = curl_slist_append(headers, req->headers[i]);
	/* Headers curl would add on its own and we do not sign. */
	headers = curl_slist_append(headers, "Expect:");
	headers = curl_slist_append(headers, "Accept:");

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
					 req->connect_timeout_ms > 0 ? req->connect_timeout_ms
					 : (long) DYNAMO_DEFAULT_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
					 req->timeout_ms > 0 ? req->timeout_ms
					 : (long) DYNAMO_DEFAULT_REQUEST_TIMEOUT_MS);

	if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else
	{
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
						 (curl_off_t) (req->body ? req->body_len : 0));
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	}
	return headers;
}

/* Turn what one transfer collected into RESP; palloc'd in the caller's context. */
static bool
finish_transfer(CURL *h, CURLcode rc, Collected *c, const char *curl_error,
				DynamoHttpResponse *resp, char **errmsg_out)
{
	initStringInfo(&resp->body);
	resp->status = 0;
	resp->crc32 = c->crc32[0] ? pstrdup(c->crc32) : NULL;
	resp->request_id = c->request_id[0] ? pstrdup(c->request_id) : NULL;

	if (rc != CURLE_OK)
	{
		if (c->too_large)
			*errmsg_out = psprintf("response larger than %d bytes", MAX_RESPONSE_BYTES);
		else
			*errmsg_out = psprintf("%s", curl_error[0] ? curl_error
								   : curl_easy_strerror(rc));
		return false;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	if (c->len > 0)
	{
		/* the body changes hands: the caller's context frees it */
		OwnedBuffer *ob = palloc(sizeof(OwnedBuffer));

		pfree(resp->body.data);
		ob->data = c->data;
		ob->cap = c->cap;
		ob->cb.func = owned_buffer_release;
		ob->cb.arg = ob;
		MemoryContextRegisterResetCallback(CurrentMemoryContext, &ob->cb);
		c->data = NULL;
		resp->body.data = ob->data;
		resp->body.len = (int) c->len;
		resp->body.maxlen = (int) c->cap;
		resp->body.data[c->len] = '\0';
	}
	return true;
}

/*
 * Send N requests at once (at most DYNAMO_HTTP_MAX_PARALLEL), each once.
 * ok[i] tells whether response i arrived; errmsgs[i] says why not.
 */
void
dynamo_http_perform_many(const DynamoHttpRequest *reqs, int n,
						 DynamoHttpResponse *resps, bool *ok, char **errmsgs)
{
	Collected	c[DYNAMO_HTTP_MAX_PARALLEL];
	char		curl_error[DYNAMO_HTTP_MAX_PARALLEL][CURL_ERROR_SIZE];
	struct curl_slist *headers[DYNAMO_HTTP_MAX_PARALLEL];
	CURLcode	rc[DYNAMO_HTTP_MAX_PARALLEL];
	bool		completed;
	int			i;

	Assert(n > 0 && n <= DYNAMO_HTTP_MAX_PARALLEL);
	ensure_handles(n);
	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++)
	{
		curl_error[i][0] = '\0';
		headers[i] = setup_transfer(easy[i], &reqs[i], &c[i], curl_error[i]);
	}

	completed = run_transfers(n, rc);
	for (i = 0; i < n; i++)
		curl_slist_free_all(headers[i]);

	/* From here on nothing of curl's is in flight: safe to ereport. */
	if (!completed)
	{
		for (i = 0; i < n; i++)
			release_buffer(c[i].data, c[i].cap);
		CHECK_FOR_INTERRUPTS();
		/* an interrupt that did not end the query: report the transfers lost */
		for (i = 0; i < n; i++)
			rc[i] = CURLE_ABORTED_BY_CALLBACK;
		memset(c, 0, sizeof(c));
	}

	for (i = 0; i < n; i++)
	{
		errmsgs[i] = NULL;
		ok[i] = finish_transfer(easy[i], rc[i], &c[i], curl_error[i], &resps[i],
								&errmsgs[i]);
		release_buffer(c[i].data, c[i].cap);
	}
}

bool
dynamo_http_perform(const DynamoHttpRequest *req, DynamoHttpResponse *resp,
					char **errmsg_out)
{
	bool		ok;

	dynamo_http_perform_many(req, 1, resp, &ok, errmsg_out);
	return ok;
}

/*
 * Requests sent ahead: a scan asks for its next page before it turns the
 * current one into rows, so that DynamoDB prepares the page meanwhile (a
 * scan of several segments, one for each).  Each has its own handle (and
 * connection), all in one multi handle of their own, so that requests sent
 * in between through dynamo_http_perform_many never wait for them.  Up to
 * AHEAD_SLOTS are outstanding; another one takes the place of the oldest
 * (whose owner sends it again when it wants the answer, see client.c).
 * curl only moves them on while we are in here, so a request goes out when
 * sent and its response waits in the socket.
 */
#define AHEAD_SLOTS	DYNAMO_HTTP_MAX_PARALLEL

typedef struct AheadSlot
{
	CURL	   *easy;
	bool		active;			/* sent, and neither taken nor dropped */
	bool		done;			/* its transfer has ended, with result */
	CURLcode	result;
	Collected	c;
	struct curl_slist *headers;
	char		error[CURL_ERROR_SIZE];
	uint64		seq;			/* which request it is */
} AheadSlot;

static AheadSlot ahead[AHEAD_SLOTS];
static CURLM *ahead_multi = NULL;
static uint64 ahead_seq = 0;	/* the last request sent ahead */

/* The slot of request SEQ, if it is still ahead. */
static AheadSlot *
ahead_slot(uint64 seq)
{
	int			i;

	for (i = 0; i < AHEAD_SLOTS; i++)
		if (ahead[i].active && ahead[i].seq == seq)
			return &ahead[i];
	return NULL;
}

/* Note the transfers that have ended since last asked. */
static void
ahead_collect(void)
{
	CURLMsg    *msg;
	int			left;
	int			i;

	while ((msg = curl_multi_info_read(ahead_multi, &left)) != NULL)
	{
		if (msg->msg != CURLMSG_DONE)
			continue;
		for (i = 0; i < AHEAD_SLOTS; i++)
			if (ahead[i].active && ahead[i].easy == msg->easy_handle)
			{
				ahead[i].done = true;
				ahead[i].result = msg->data.result;
			}
	}
}

/* Free SLOT for another request; an unfinished transfer's connection is closed. */
static void
ahead_release(AheadSlot *slot)
{
	curl_multi_remove_handle(ahead_multi, slot->easy);
	curl_slist_free_all(slot->headers);
	slot->headers = NULL;
	release_buffer(slot->c.data, slot->c.cap);
	memset(&slot->c, 0, sizeof(slot->c));
	slot->active = false;
	slot->done = false;
}

/* Forget request SEQ sent ahead, if it still is. */
void
dynamo_http_drop_ahead(uint64 seq)
{
	AheadSlot  *slot = ahead_slot(seq);

	if (slot)
		ahead_release(slot);
}

/*
 * Forget every request sent ahead: at a transaction's abort, when the
 * scans that sent them are gone (their connections close; the buffers go
 * back).
 */
void
dynamo_http_drop_all_ahead(void)
{
	int			i;

	for (i = 0; i < AHEAD_SLOTS; i++)
		if (ahead[i].active)
			ahead_release(&ahead[i]);
}

/* Is request SEQ still ahead (sent, not dropped nor taken)? */
bool
dynamo_http_is_ahead(uint64 seq)
{
	return ahead_slot(seq) != NULL;
}

/*
 * Send REQ now and return at once; dynamo_http_take_ahead gets its
 * response with the number returned.  The body is copied: REQ need not
 * outlive the call.  With every slot taken, the oldest request is dropped.
 */
uint64
dynamo_http_send_ahead(const DynamoHttpRequest *req)
{
	AheadSlot  *slot = NULL;
	int			running;
	int			i;

	for (i = 0; i < AHEAD_SLOTS; i++)
	{
		if (!ahead[i].active)
		{
			slot = &ahead[i];
			break;
		}
		if (slot == NULL || ahead[i].seq < slot->seq)
			slot = &ahead[i];
	}
	if (slot->active)
		ahead_release(slot);
	if (ahead_multi == NULL)
		ahead_multi = curl_multi_init();
	if (slot->easy == NULL)
		slot->easy = curl_easy_init();
	if (ahead_multi == NULL || slot->easy == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not create an HTTP handle")));
	memset(&slot->c, 0, sizeof(slot->c));
	slot->error[0] = '\0';
	slot->headers = setup_transfer(slot->easy, req, &slot->c, slot->error);
	if (strcmp(req->method, "GET") != 0)
		curl_easy_setopt(slot->easy, CURLOPT_COPYPOSTFIELDS, req->body ? req->body : "");
	curl_multi_add_handle(ahead_multi, slot->easy);
	slot->active = true;
	slot->done = false;
	slot->seq = ++ahead_seq;
	(void) curl_multi_perform(ahead_multi, &running);
	ahead_collect();
	return slot->seq;
}

/*
 * Move the requests sent ahead on without waiting: read what has arrived
 * of their responses.  A scan calls this while it turns rows out, so that
 * the server never stalls on a full socket buffer while a page is written.
 */
void
dynamo_http_pump_ahead(void)
{
	int			running;

	if (ahead_multi == NULL)
		return;
	(void) curl_multi_perform(ahead_multi, &running);
	ahead_collect();
}

/*
 * Wait until SLOT's transfer has ended, a cancel is pending (*cancelled)
 * or curl cannot go on; the transfer's result, or why it has none.
 */
static CURLcode
ahead_wait(AheadSlot *slot, bool *cancelled)
{
	int			running;

	*cancelled = false;
	while (!slot->done)
	{
		if (curl_multi_perform(ahead_multi, &running) != CURLM_OK)
			return CURLE_FAILED_INIT;
		ahead_collect();
		if (slot->done)
			break;
		if (running == 0)
		{
			/* nothing left in flight, yet no end noted: do not wait forever */
			return CURLE_FAILED_INIT;
		}
		if (CANCEL_PENDING())
		{
			*cancelled = true;
			return CURLE_ABORTED_BY_CALLBACK;
		}
		curl_multi_poll(ahead_multi, NULL, 0, POLL_SLICE_MS, NULL);
	}
	return slot->result;
}

/*
 * Has the answer to request SEQ sent ahead arrived whole?  False for a
 * request no longer ahead.  Reads what has come meanwhile.
 */
bool
dynamo_http_ahead_arrived(uint64 seq)
{
	AheadSlot  *slot = ahead_slot(seq);

	if (slot && !slot->done)
		dynamo_http_pump_ahead();
	return slot && slot->done;
}

/*
 * Wait for the answer to request SEQ sent ahead without taking it (so that
 * the caller can tell the wait from the work that follows);
 * dynamo_http_take_ahead takes it, or reports why there is none.
 */
void
dynamo_http_wait_ahead(uint64 seq)
{
	AheadSlot  *slot = ahead_slot(seq);
	bool		cancelled;

	if (slot)
		(void) ahead_wait(slot, &cancelled);
}

/*
 * Wait for the response of request SEQ sent ahead, as dynamo_http_perform
 * does for its own.  False, with *errmsg_out, when the transfer failed or
 * that request is no longer ahead (dropped for another since).
 */
bool
dynamo_http_take_ahead(uint64 seq, DynamoHttpResponse *resp, char **errmsg_out)
{
	AheadSlot  *slot = ahead_slot(seq);
	CURLcode	rc;
	bool		cancelled;
	bool		ok;

	if (slot == NULL)
	{
		initStringInfo(&resp->body);
		resp->status = 0;
		resp->crc32 = NULL;
		resp->request_id = NULL;
		*errmsg_out = pstrdup("no request was sent ahead");
		return false;
	}
	rc = ahead_wait(slot, &cancelled);
	if (cancelled)
	{
		ahead_release(slot);
		CHECK_FOR_INTERRUPTS();
	}
	*errmsg_out = NULL;
	ok = finish_transfer(slot->easy, rc, &slot->c, slot->error, resp, errmsg_out);
	if (slot->active)
		ahead_release(slot);
	return ok;
}
