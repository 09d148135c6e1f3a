/* http.c: evsearchd's HTTP layer over libmicrohttpd.
 *
 * Each request is read from its raw target (the URI log callback hands it
 * over before libmicrohttpd decodes anything), so that a bad percent
 * escape or bad UTF-8 is a 400 instead of being passed on silently.
 * Every search runs on the worker thread's own evs_index handle, reopened
 * before each request: a rebuild's switch is picked up at the next
 * request, and each request answers from one whole generation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "server.h"

typedef struct server {
	const evsd_config *cfg;
	pthread_key_t key; /* the worker thread's evs_index */
	pthread_mutex_t log_lock;
} server;

/* One request: its raw target and what was answered, for the log. */
typedef struct request {
	char *uri;
	int too_long;
	time_t when;
	int status;
	size_t bytes;
	int called; /* the handler has seen the headers */
} request;

static void close_worker_index(void *p)
{
	evs_index_close(p);
}

/* ------------------------------------------------------------------ */
/* The access log: Common Log Format, one line per request.            */

/* The target as the log shows it: bytes that are not printable ASCII,
 * '"' and '\\' as \xHH, so that a request cannot forge log lines. */
static void log_escaped(FILE *f, const char *s)
{
	for (size_t i = 0; s[i] && i < 2000; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\')
			fprintf(f, "\\x%02X", c);
		else
			fputc(c, f);
	}
}

static void access_log(server *s, struct MHD_Connection *c, request *rq,
                       const char *method, const char *version)
{
	FILE *f = s->cfg->access_log;
	if (!f)
		return;
	char host[INET6_ADDRSTRLEN] = "-";
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			          host, sizeof host);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			          host, sizeof host);
	}
	char when[40];
	struct tm tm;
	localtime_r(&rq->when, &tm);
	strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S %z", &tm);
	pthread_mutex_lock(&s->log_lock);
	fprintf(f, "%s - - [%s] \"", host, when);
	log_escaped(f, method);
	fputc(' ', f);
	log_escaped(f, rq->uri ? rq->uri : "-");
	fputc(' ', f);
	log_escaped(f, version ? version : "-");
	fprintf(f, "\" %d %zu\n", rq->status,
	        strcmp(method, "HEAD") ? rq->bytes : 0);
	fflush(f);
	pthread_mutex_unlock(&s->log_lock);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	request *rq = calloc(1, sizeof *rq);
	if (!rq)
		return NULL;
	rq->when = time(NULL);
	size_t n = strnlen(uri, EVSD_MAX_URI + 1);
	rq->too_long = n > EVSD_MAX_URI;
	rq->uri = strndup(uri, n > EVSD_MAX_URI ? 200 : n);
	return rq;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	(void)c;
	request *rq = *con_cls;
	if (!rq)
		return;
	free(rq->uri);
	free(rq);
	*con_cls = NULL;
	(void)cls;
}

/* ------------------------------------------------------------------ */
/* Responses                                                           */

/* Whether the client takes gzip: a "gzip" token in Accept-Encoding that
 * is not given q=0. */
static int accepts_gzip(const char *ae)
{
	while (ae && *ae) {
		ae += strspn(ae, " \t,");
		size_t n = strcspn(ae, ",");
		if (n >= 4 && strncasecmp(ae, "gzip", 4) == 0 &&
		    (n == 4 || ae[4] == ';' || ae[4] == ' ')) {
			const char *q = memchr(ae, '=', n);
			if (!q)
				return 1;
			return strtod(q + 1, NULL) > 0;
		}
		ae += n;
	}
	return 0;
}

/* The gzip form of body[0..len); NULL when it fails (send it plain). */
static char *gzip_body(const char *body, size_t len, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	uLong cap = deflateBound(&z, (uLong)len);
	char *out = malloc(cap);
	if (out) {
		z.next_in = (Bytef *)body;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)out;
		z.avail_out = (uInt)cap;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
			free(out);
			out = NULL;
		} else {
			*out_len = z.total_out;
		}
	}
	deflateEnd(&z);
	return out;
}

static void add_common_headers(struct MHD_Response *resp, const char *type)
{
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        "default-src 'none'; style-src 'self'; "
	                        "script-src 'self'; connect-src 'self'; "
	                        "img-src 'self'; form-action 'self'; "
	                        "base-uri 'none'; frame-ancestors 'none'");
}

/* Queues body (taking it when own is set) with the headers it needs. */
static enum MHD_Result send_body(struct MHD_Connection *c, request *rq,
                                 int status, const char *type, char *body,
                                 size_t len, int own, const char *etag,
                                 const char *cache)
{
	const char *ae =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	int gz = 0;
	if (len > 512 && accepts_gzip(ae)) {
		size_t zlen;
		char *z = gzip_body(body, len, &zlen);
		if (z) {
			if (own)
				free(body);
			body = z, len = zlen, own = 1, gz = 1;
		}
	}
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, body,
	                                    own ? MHD_RESPMEM_MUST_FREE
	                                        : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (own)
			free(body);
		return MHD_NO;
	}
	add_common_headers(resp, type);
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (etag)
		MHD_add_response_header(resp, "ETag", etag);
	MHD_add_response_header(resp, "Cache-Control", cache);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	if (rq) {
		rq->status = status;
		rq->bytes = len;
	}
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, request *rq,
                                  reply *r, const char *etag)
{
	size_t len;
	char *body = sbuf_take(&r->body, &len);
	if (!body) {
		static char oom[] = "{\"error\": \"out of memory\", \"status\": 503}\n";
		return send_body(c, rq, 503, "application/json", oom, sizeof oom - 1, 0,
		                 NULL, "no-store");
	}
	return send_body(c, rq, r->status, r->type, body, len, 1,
	                 r->cacheable ? etag : NULL,
	                 r->cacheable ? "no-cache" : "no-store");
}

/* An error for a request that reached no handler: JSON for the API,
 * plain text elsewhere, one line saying what was wrong. */
static enum MHD_Result send_error(struct MHD_Connection *c, request *rq,
                                  const char *path, int status,
                                  const char *param, const char *message)
{
	reply r;
	memset(&r, 0, sizeof r);
	if (path && strncmp(path, "/api/", 5) == 0) {
		reply_json_error(&r, status, param, message);
	} else {
		r.status = status;
		r.type = "text/plain; charset=utf-8";
		sbuf_printf(&r.body, "%d: %s\n", status, message);
	}
	return send_reply(c, rq, &r, NULL);
}

/* ------------------------------------------------------------------ */
/* The worker's index handle                                           */

/* The calling thread's handle, opened or brought to the live generation.
 * NULL when the index cannot be opened; msg says why. */
static evs_index *worker_index(server *s, int fresh, char *msg, size_t n)
{
	evs_index *idx = pthread_getspecific(s->key);
	if (idx && fresh) {
		evs_index_close(idx);
		pthread_setspecific(s->key, NULL);
		idx = NULL;
	}
	if (idx) {
		if (evs_index_reopen(idx) == EVS_OK)
			return idx;
		snprintf(msg, n, "%s", evs_errmsg(idx));
		evs_index_close(idx);
		pthread_setspecific(s->key, NULL);
	}
	char *err = NULL;
	evs_status st = evs_index_open(&idx, s->cfg->index, NULL, &err);
	if (st != EVS_OK) {
		snprintf(msg, n, "%s", err ? err : evs_status_str(st));
		evs_free(err);
		return NULL;
	}
	pthread_setspecific(s->key, idx);
	return idx;
}

/* The validator of everything computed from the index: its generation,
 * its size (writes in place change it) and today (upcoming events). */
static int make_etag(evs_index *idx, char *out, size_t n)
{
	evs_index_info info;
	memset(&info, 0, sizeof info);
	info.version = EVS_INDEX_INFO_VERSION;
	if (evs_index_info_get(idx, &info) != EVS_OK)
		return -1;
	char today[11];
	today_iso(today);
	snprintf(out, n, "W/\"%s-%llu-%llu-%s\"", info.generation,
	         (unsigned long long)info.events, (unsigned long long)info.bytes,
	         today);
	return 0;
}

static int etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	/* Weak comparison: W/ prefixes do not count. */
	const char *tag = etag + 2;
	return strstr(inm, tag) != NULL;
}

typedef evs_status (*handler)(reply *r, evs_index *idx, const params *p);

/* Runs a handler on the worker's handle. A failure that is not the
 * request's fault (a generation removed under an old handle, say) is
 * retried on a freshly opened handle, so that a rebuild costs no
 * request. */
static enum MHD_Result run_search(server *s, struct MHD_Connection *c,
                                  request *rq, const char *path, handler fn,
                                  const params *p)
{
	char msg[512] = "";
	reply r;
	memset(&r, 0, sizeof r);
	for (int attempt = 0; attempt < 4; attempt++) {
		if (attempt)
			usleep(20000 * (unsigned)attempt);
		evs_index *idx = worker_index(s, attempt > 0, msg, sizeof msg);
		if (!idx)
			continue;
		char etag[256];
		if (make_etag(idx, etag, sizeof etag) < 0) {
			snprintf(msg, sizeof msg, "%s", evs_errmsg(idx));
			continue;
		}
		const char *inm =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
		if (etag_matches(inm, etag))
			return send_body(c, rq, MHD_HTTP_NOT_MODIFIED, "text/plain", "", 0,
			                 0, etag, "no-cache");
		evs_status st = fn(&r, idx, p);
		if (st == EVS_OK || st == EVS_E_INVALID || st == EVS_E_QUERY_SYNTAX)
			return send_reply(c, rq, &r, etag);
		snprintf(msg, sizeof msg, "%s", evs_errmsg(idx));
		sbuf_free(&r.body);
	}
	return send_error(c, rq, path, 503, NULL, msg);
}

static enum MHD_Result healthz(server *s, struct MHD_Connection *c, request *rq)
{
	char msg[512];
	evs_index *idx = worker_index(s, 0, msg, sizeof msg);
	evs_index_info info;
	memset(&info, 0, sizeof info);
	info.version = EVS_INDEX_INFO_VERSION;
	if (!idx || evs_index_info_get(idx, &info) != EVS_OK)
		return send_error(c, rq, "/api/", 503, NULL,
		                  idx ? evs_errmsg(idx) : msg);
	reply r;
	memset(&r, 0, sizeof r);
	r.status = 200;
	r.type = "application/json";
	sbuf_puts(&r.body, "{\"status\": \"ok\", \"generation\": \"");
	sbuf_puts(&r.body, info.generation); /* "gen-..." names: no escapes */
	sbuf_printf(&r.body, "\", \"events\": %llu, \"version\": \"%s\"}\n",
	            (unsigned long long)info.events, evs_version());
	return send_reply(c, rq, &r, NULL);
}

/* ------------------------------------------------------------------ */
/* Routing                                                             */

/* Answers one request whose headers (and any body) have been read. */
static enum MHD_Result route(server *s, struct MHD_Connection *c, request *rq,
                             const char *url)
{
	if (rq->too_long)
		return send_error(c, rq, rq->uri, MHD_HTTP_URI_TOO_LONG, NULL,
		                  "the request target is over 8192 bytes");
	const char *raw = rq->uri ? rq->uri : url;
	size_t plen = strcspn(raw, "?#");
	char path[256];
	if (plen >= sizeof path)
		return send_error(c, rq, NULL, 404, NULL, "no such page");
	memcpy(path, raw, plen);
	path[plen] = '\0';
	/* Only fixed paths are served and none has an escape or a dot
	 * segment: such a path is refused before routing, whatever it names. */
	if (path[0] != '/' || strchr(path, '%') || strstr(path, "/..") ||
	    strstr(path, "//") || strchr(path, '\\'))
		return send_error(c, rq, path, 400, NULL,
		                  "bad path: no escapes, \"..\", \"//\" or "
		                  "backslashes");
	const char *query = raw[plen] == '?' ? raw + plen + 1 : "";
	char perr[200];
	params p;
	enum MHD_Result ret;
	if (params_parse(&p, query, perr, sizeof perr) < 0) {
		/* The message begins with the parameter's name. */
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)strcspn(perr, ":"), perr);
		ret = send_error(c, rq, path, 400,
		                 strcmp(name, "parameter name") ? name : NULL, perr);
	} else if (strcmp(path, "/api/search") == 0) {
		ret = run_search(s, c, rq, path, api_search, &p);
	} else if (strcmp(path, "/") == 0) {
		ret = run_search(s, c, rq, path, page_listing, &p);
	} else if (strcmp(path, "/healthz") == 0) {
		ret = p.n ? send_error(c, rq, "/api/", 400, p.name[0],
		                       "/healthz takes no parameters")
		          : healthz(s, c, rq);
	} else if (strncmp(path, "/static/", 8) == 0) {
		const char *body, *type, *etag;
		size_t len;
		if (!asset_find(path + 8, &body, &len, &type, &etag))
			ret = send_error(c, rq, path, 404, NULL, "no such file");
		else if (etag_matches(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                                  "If-None-Match"),
		                      etag))
			ret = send_body(c, rq, MHD_HTTP_NOT_MODIFIED, type, "", 0, 0, etag,
			                "max-age=86400");
		else
			ret = send_body(c, rq, 200, type, (char *)body, len, 0, etag,
			                "max-age=86400");
	} else {
		ret = send_error(c, rq, path, 404, NULL, "no such page");
	}
	params_free(&p);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	server *s = cls;
	request *rq = *con_cls;
	enum MHD_Result ret;
	(void)upload;
	if (!rq)
		return MHD_NO; /* out of memory: drop the connection */
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		ret = send_error(c, rq, rq->uri, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
		                 "only GET and HEAD are served");
	} else if (!rq->called || *upload_size) {
		/* Answering on the first call, before libmicrohttpd has read the
		 * request to its end, would close the connection; on the last a
		 * keep-alive connection stays open. A body sent with GET is read
		 * and ignored. */
		rq->called = 1;
		*upload_size = 0;
		return MHD_YES;
	} else {
		ret = route(s, c, rq, url);
	}
	if (s->cfg->access_log && rq->status)
		access_log(s, c, rq, method, version);
	return ret;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	fprintf(stderr, "evsearchd: %s\n", line);
}

/* ------------------------------------------------------------------ */
/* Start-up                                                            */

/* Opens the listening socket for "HOST:PORT", "[HOST]:PORT" or "PORT".
 * Returns the socket, or after printing why -1 for a bad spec and -2 when
 * the system refuses (address in use, permission). */
static int listen_on(const char *spec, char *shown, size_t n)
{
	char host[128] = "127.0.0.1", port[16];
	const char *p;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (!end || end[1] != ':' || (size_t)(end - spec) > sizeof host)
			goto bad;
		snprintf(host, sizeof host, "%.*s", (int)(end - spec - 1), spec + 1);
		p = end + 2;
	} else if ((p = strrchr(spec, ':'))) {
		if ((size_t)(p - spec) >= sizeof host)
			goto bad;
		snprintf(host, sizeof host, "%.*s", (int)(p - spec), spec);
		p++;
	} else {
		p = spec;
	}
	if (!*p || strlen(p) >= sizeof port || strspn(p, "0123456789") != strlen(p))
		goto bad;
	snprintf(port, sizeof port, "%s", p);
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		cli_error("evsearchd", "--listen \"%s\": %s (give a numeric address)",
		          spec, gai_strerror(rc));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, 128) < 0) {
		cli_error("evsearchd", "--listen %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -2;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	char addr[INET6_ADDRSTRLEN];
	unsigned bound;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &a6->sin6_addr, addr, sizeof addr);
		bound = ntohs(a6->sin6_port);
		snprintf(shown, n, "[%s]:%u", addr, bound);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a4->sin_addr, addr, sizeof addr);
		bound = ntohs(a4->sin_port);
		snprintf(shown, n, "%s:%u", addr, bound);
	}
	freeaddrinfo(ai);
	return fd;
bad:
	cli_error("evsearchd",
	          "--listen \"%s\": expected ADDRESS:PORT, [IPV6]:PORT or PORT",
	          spec);
	return -1;
}

int evsd_run(const evsd_config *cfg)
{
	server s;
	memset(&s, 0, sizeof s);
	s.cfg = cfg;
	char shown[200];
	/* The index is opened once here, so that a wrong path is an error at
	 * start-up rather than a 503 on every request. */
	char *err = NULL;
	evs_index *probe = NULL;
	evs_status st = evs_index_open(&probe, cfg->index, NULL, &err);
	if (st != EVS_OK) {
		cli_error("evsearchd", "%s", err ? err : evs_status_str(st));
		evs_free(err);
		return cli_exit_status(st);
	}
	evs_index_close(probe);
	int fd = listen_on(cfg->listen, shown, sizeof shown);
	if (fd < 0)
		return fd == -1 ? CLI_EXIT_USAGE : CLI_EXIT_IO;
	pthread_key_create(&s.key, close_worker_index);
	pthread_mutex_init(&s.log_lock, NULL);
	/* The worker threads inherit this mask: only the main thread takes
	 * the signals that stop the server. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	unsigned flags =
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d =
	    MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s,
	                     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, &s,
	                     MHD_OPTION_LISTEN_SOCKET, fd,
	                     MHD_OPTION_THREAD_POOL_SIZE,
	                     cfg->threads > 1 ? cfg->threads : 0,
	                     MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
	                     MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
	                     MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                     (size_t)EVSD_MEMORY_LIMIT, MHD_OPTION_URI_LOG_CALLBACK,
	                     on_uri, &s, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
	                     &s, MHD_OPTION_END);
	if (!d) {
		cli_error("evsearchd", "cannot start the HTTP server on %s", shown);
		close(fd);
		return CLI_EXIT_INTERNAL;
	}
	fprintf(stderr,
	        "evsearchd: listening on http://%s/ (index %s, %u "
	        "threads)\n",
	        shown, cfg->index, cfg->threads);
	fflush(stderr);
	int sig = 0;
	sigwait(&stop, &sig);
	fprintf(stderr, "evsearchd: %s: stopping\n",
	        sig == SIGINT ? "interrupted" : "terminated");
	MHD_stop_daemon(d);
	close(fd);
	pthread_mutex_destroy(&s.log_lock);
	pthread_key_delete(s.key);
	return CLI_EXIT_OK;
}
