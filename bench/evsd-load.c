/* evsd-load: a small HTTP load generator for evsearchd. N clients, each
 * on its own keep-alive connection, send GET requests for the paths given
 * (one per line in a file, taken in turn) for S seconds and check every
 * answer: status 200 and a whole body. Prints requests, failures,
 * requests per second and the latency percentiles; exits 1 when any
 * request failed, so that a test can require none.
 *
 * Usage: evsd-load HOST:PORT PATHS-FILE CLIENTS SECONDS [UNTIL-FILE]
 * With UNTIL-FILE, the run goes on past SECONDS until that file exists
 * (at most ten times SECONDS), so that a test can keep the load on while
 * something else finishes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PATHS 10000
#define MAX_SAMPLES 4000000

static char *paths[MAX_PATHS];
static size_t npaths;
static struct addrinfo *target;
static double deadline;
static double now(void);
static const char *until_file;
static double hard_deadline;

/* Whether the clients should go on. */
static int running(void)
{
	double t = now();
	if (t < deadline)
		return 1;
	return until_file && t < hard_deadline && access(until_file, F_OK) != 0;
}

typedef struct client {
	pthread_t thread;
	size_t id;
	size_t ok, failed;
	double *lat; /* seconds */
	size_t nlat, cap;
	char first_error[512];
} client;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_to(void)
{
	int fd = socket(target->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct timeval tv = {30, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, target->ai_addr, target->ai_addrlen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends one request on *fd (reconnecting when needed) and reads the whole
 * answer. Returns the status, or -1 with a message in err. */
static int one_request(int *fd, const char *path, char *err, size_t n)
{
	char req[9000], buf[65536];
	int len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: load\r\n\r\n",
	                   path);
	if (*fd < 0 && (*fd = connect_to()) < 0)
		return snprintf(err, n, "connect: %s", strerror(errno)), -1;
	if (send(*fd, req, (size_t)len, MSG_NOSIGNAL) != len)
		return snprintf(err, n, "send: %s", strerror(errno)), -1;
	size_t have = 0, head = 0;
	long body = -1;
	while (1) {
		if (have == sizeof buf)
			return snprintf(err, n, "headers too long"), -1;
		ssize_t r = recv(*fd, buf + have, sizeof buf - have, 0);
		if (r <= 0)
			return snprintf(err, n, "recv: %s",
			                r ? strerror(errno) : "closed early"),
			       -1;
		have += (size_t)r;
		char *end = memmem(buf, have, "\r\n\r\n", 4);
		if (end) {
			head = (size_t)(end - buf) + 4;
			break;
		}
	}
	int status = atoi(buf + 9);
	int close_after = 0;
	for (char *l = buf; l < buf + head; l = strstr(l, "\r\n") + 2) {
		if (!strncasecmp(l, "Content-Length:", 15))
			body = atol(l + 15);
		if (!strncasecmp(l, "Connection: close", 17))
			close_after = 1;
	}
	if (body < 0)
		return snprintf(err, n, "no Content-Length"), -1;
	size_t left = head + (size_t)body > have ? head + (size_t)body - have : 0;
	while (left) {
		ssize_t r = recv(*fd, buf, left < sizeof buf ? left : sizeof buf, 0);
		if (r <= 0)
			return snprintf(err, n, "body cut short"), -1;
		left -= (size_t)r;
	}
	if (close_after) {
		close(*fd);
		*fd = -1;
	}
	return status;
}

static void *run(void *arg)
{
	client *c = arg;
	int fd = -1;
	size_t k = c->id;
	while (running()) {
		char err[200];
		const char *path = paths[k++ % npaths];
		double t0 = now();
		int st = one_request(&fd, path, err, sizeof err);
		double dt = now() - t0;
		if (st != 200) {
			if (st > 0)
				snprintf(err, sizeof err, "status %d", st);
			if (!c->failed)
				snprintf(c->first_error, sizeof c->first_error,
				         "%.200s: %.200s", path, err);
			c->failed++;
			if (fd >= 0)
				close(fd);
			fd = -1;
			continue;
		}
		c->ok++;
		if (c->nlat == c->cap && c->cap < MAX_SAMPLES) {
			size_t cap = c->cap ? c->cap * 2 : 4096;
			double *p = realloc(c->lat, cap * sizeof *p);
			if (p)
				c->lat = p, c->cap = cap;
		}
		if (c->nlat < c->cap)
			c->lat[c->nlat++] = dt;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int load_paths(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[8192];
	if (!f)
		return -1;
	while (npaths < MAX_PATHS && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '/')
			paths[npaths++] = strdup(line);
	}
	fclose(f);
	return npaths ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: evsd-load HOST:PORT PATHS-FILE CLIENTS "
		                "SECONDS [UNTIL-FILE]\n");
		return 2;
	}
	char host[256];
	const char *colon = strrchr(argv[1], ':');
	int nclients = atoi(argv[3]);
	double secs = atof(argv[4]);
	if (!colon || nclients < 1 || nclients > 1024 || secs <= 0) {
		fprintf(stderr, "evsd-load: bad arguments\n");
		return 2;
	}
	snprintf(host, sizeof host, "%.*s", (int)(colon - argv[1]), argv[1]);
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	if (getaddrinfo(host, colon + 1, &hints, &target) != 0 ||
	    load_paths(argv[2]) < 0) {
		fprintf(stderr, "evsd-load: bad address or no paths in %s\n", argv[2]);
		return 2;
	}
	client *cs = calloc((size_t)nclients, sizeof *cs);
	double t0 = now();
	deadline = t0 + secs;
	hard_deadline = t0 + 10 * secs;
	until_file = argc == 6 ? argv[5] : NULL;
	for (int i = 0; i < nclients; i++) {
		cs[i].id = (size_t)i * 7;
		pthread_create(&cs[i].thread, NULL, run, &cs[i]);
	}
	size_t ok = 0, failed = 0, nlat = 0;
	for (int i = 0; i < nclients; i++) {
		pthread_join(cs[i].thread, NULL);
		ok += cs[i].ok, failed += cs[i].failed, nlat += cs[i].nlat;
	}
	double elapsed = now() - t0;
	double *all = malloc((nlat ? nlat : 1) * sizeof *all);
	size_t k = 0;
	for (int i = 0; i < nclients; i++) {
		memcpy(all + k, cs[i].lat, cs[i].nlat * sizeof *all);
		k += cs[i].nlat;
		if (cs[i].failed)
			fprintf(stderr, "evsd-load: client %d: %zu failed, first: %s\n", i,
			        cs[i].failed, cs[i].first_error);
		free(cs[i].lat);
	}
	qsort(all, nlat, sizeof *all, cmp);
	double p50 = nlat ? all[nlat / 2] : 0,
	       p99 = nlat ? all[nlat * 99 / 100] : 0;
	printf("clients %d seconds %.1f requests %zu failed %zu rps %.1f "
	       "p50_ms %.2f p99_ms %.2f\n",
	       nclients, elapsed, ok + failed, failed, ok / elapsed, p50 * 1e3,
	       p99 * 1e3);
	free(all);
	free(cs);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	freeaddrinfo(target);
	return failed ? 1 : 0;
}
