/* generation.c: generations, the writer lock and the atomic switch (see
 * generation.h for the layout).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "generation.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "xapian-shim.h"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

evs_status evs_gen__lock(const char *dir, int wait_seconds, int *fd, char *err)
{
	char *path = evs_util__join(dir, "lock");
	*fd = -1;
	if (!path) {
		snprintf(err, XS_ERRLEN, "out of memory");
		return EVS_E_NOMEM;
	}
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (f < 0) {
		snprintf(err, XS_ERRLEN, "%s: cannot open: %s", path, strerror(errno));
		free(path);
		return EVS_E_IO;
	}
	long waited_ms = 0;
	for (;;) {
		if (flock(f, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, XS_ERRLEN, "%s: cannot lock: %s", path,
			         strerror(errno));
			close(f);
			free(path);
			return EVS_E_IO;
		}
		if (wait_seconds == 0 ||
		    (wait_seconds > 0 && waited_ms >= wait_seconds * 1000L)) {
			char pid[32] = "";
			ssize_t n = pread(f, pid, sizeof pid - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			snprintf(err, XS_ERRLEN,
			         "%s: index is being written by PID %s; try again "
			         "when it has finished",
			         dir, *pid ? pid : "(unknown)");
			close(f);
			free(path);
			return EVS_E_LOCKED;
		}
		sleep_ms(100);
		waited_ms += 100;
	}
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(f, 0) == 0 && pwrite(f, pid, (size_t)n, 0) < 0) {
		/* The PID is only for messages; the lock is what counts. */
	}
	free(path);
	*fd = f;
	return EVS_OK;
}

evs_status evs_gen__read_link(const char *dir, const char *name, char **target,
                              char *err)
{
	char *link = evs_util__join(dir, name);
	char buf[256];
	*target = NULL;
	if (!link) {
		snprintf(err, XS_ERRLEN, "out of memory");
		return EVS_E_NOMEM;
	}
	ssize_t n = readlink(link, buf, sizeof buf - 1);
	int e = errno;
	if (n < 0) {
		evs_status st = EVS_OK;
		if (e != ENOENT) {
			snprintf(err, XS_ERRLEN, "%s: not a symbolic link (%s)", link,
			         strerror(e));
			st = EVS_E_CORRUPT;
		}
		free(link);
		return st;
	}
	buf[n] = '\0';
	if (strchr(buf, '/') || strncmp(buf, "gen-", 4) != 0) {
		snprintf(err, XS_ERRLEN, "%s: points to \"%s\", not to a generation",
		         link, buf);
		free(link);
		return EVS_E_CORRUPT;
	}
	free(link);
	*target = strdup(buf);
	if (!*target) {
		snprintf(err, XS_ERRLEN, "out of memory");
		return EVS_E_NOMEM;
	}
	return EVS_OK;
}

static evs_status sync_dir(const char *dir, char *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		snprintf(err, XS_ERRLEN, "%s: cannot sync: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EVS_E_IO;
	}
	close(fd);
	return EVS_OK;
}

evs_status evs_gen__set_link(const char *dir, const char *name,
                             const char *target, char *err)
{
	char *link = evs_util__join(dir, name), *tmp = NULL;
	evs_status st = EVS_OK;
	if (!link || asprintf(&tmp, "%s.tmp", link) < 0) {
		free(link);
		snprintf(err, XS_ERRLEN, "out of memory");
		return EVS_E_NOMEM;
	}
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
		snprintf(err, XS_ERRLEN, "%s: cannot point to %s: %s", link, target,
		         strerror(errno));
		unlink(tmp);
		st = EVS_E_IO;
	} else {
		st = sync_dir(dir, err);
	}
	free(link);
	free(tmp);
	return st;
}

void evs_gen__unlink(const char *dir, const char *name)
{
	char *link = evs_util__join(dir, name);
	struct stat sb;
	if (link && lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode))
		unlink(link);
	free(link);
}

char *evs_gen__next_name(const char *dir)
{
	unsigned long max = 0;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			char *end;
			if (strncmp(e->d_name, "gen-", 4) != 0)
				continue;
			unsigned long n = strtoul(e->d_name + 4, &end, 10);
			if (*end == '\0' && n > max)
				max = n;
		}
		closedir(d);
	}
	char *name;
	if (asprintf(&name, "gen-%lu", max + 1) < 0)
		return NULL;
	return name;
}

/* The number of a generation name ("gen-7" -> 7), 0 for other names. */
static unsigned long gen_number(const char *name)
{
	char *end;
	if (strncmp(name, "gen-", 4) != 0)
		return 0;
	unsigned long n = strtoul(name + 4, &end, 10);
	return *end ? 0 : n;
}

int evs_gen__remove(const char *path)
{
	/* Renamed away first, so that no reader opens a generation whose
	 * files are going one by one. */
	char *gone = NULL;
	if (asprintf(&gone, "%s.del-%ld", path, (long)getpid()) < 0)
		return -1;
	const char *dir = rename(path, gone) == 0 ? gone : path;
	DIR *d = opendir(dir);
	if (!d) {
		free(gone);
		return errno == ENOENT ? 0 : -1;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = evs_util__join(dir, e->d_name);
		/* A generation of shards holds a directory per shard. */
		if (p && unlink(p) < 0 && errno == EISDIR)
			evs_gen__remove(p);
		free(p);
	}
	closedir(d);
	int rc = rmdir(dir);
	free(gone);
	return rc;
}

void evs_gen__clean(const char *dir, const char *keep1, const char *keep2)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	/* Besides the two named, the generations a process killed between
	 * two link updates may still need are kept: the newest one below
	 * the live one (the one a switch just replaced), and the newest of
	 * all (the one a rollback just left). */
	unsigned long live = keep1 ? gen_number(keep1) : 0, below = 0, top = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		unsigned long n = gen_number(e->d_name);
		if (n > top)
			top = n;
		if (n < live && n > below)
			below = n;
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		size_t len = strlen(n);
		unsigned long num = gen_number(n);
		char *p = NULL;
		if (len > 4 && strcmp(n + len - 4, ".tmp") == 0) {
			p = evs_util__join(dir, n);
			if (p)
				unlink(p);
		} else if (strncmp(n, "gen-", 4) == 0 &&
		           !(keep1 && strcmp(n, keep1) == 0) &&
		           !(keep2 && strcmp(n, keep2) == 0) &&
		           !(num && (num == below || num == top))) {
			p = evs_util__join(dir, n);
			if (p)
				evs_gen__remove(p);
		}
		free(p);
	}
	closedir(d);
}

evs_status evs_gen__copy(const char *src, const char *dst, char *err)
{
	evs_status st = EVS_OK;
	DIR *d = opendir(src);
	if (!d || mkdir(dst, 0777) < 0) {
		snprintf(err, XS_ERRLEN, "%s: cannot copy to %s: %s", src, dst,
		         strerror(errno));
		if (d)
			closedir(d);
		return EVS_E_IO;
	}
	enum { BUFSZ = 1 << 16 };
	char *buf = malloc(BUFSZ);
	if (!buf) {
		closedir(d);
		snprintf(err, XS_ERRLEN, "out of memory");
		return EVS_E_NOMEM;
	}
	struct dirent *e;
	while (st == EVS_OK && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *from = evs_util__join(src, e->d_name), *to = evs_util__join(dst, e->d_name);
		int in = from ? open(from, O_RDONLY | O_CLOEXEC) : -1;
		int out =
		    to ? open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666) : -1;
		ssize_t n = 0;
		if (in < 0 || out < 0)
			n = -1;
		while (n >= 0 && (n = read(in, buf, BUFSZ)) > 0) {
			ssize_t off = 0;
			while (off < n) {
				ssize_t w = write(out, buf + off, (size_t)(n - off));
				if (w < 0) {
					n = -1;
					break;
				}
				off += w;
			}
		}
		if (n < 0) {
			snprintf(err, XS_ERRLEN, "%s: cannot copy to %s: %s",
			         from ? from : src, dst, strerror(errno));
			st = EVS_E_IO;
		}
		if (in >= 0)
			close(in);
		if (out >= 0 && close(out) < 0 && st == EVS_OK) {
			snprintf(err, XS_ERRLEN, "%s: %s", to, strerror(errno));
			st = EVS_E_IO;
		}
		free(from);
		free(to);
	}
	free(buf);
	closedir(d);
	return st;
}

evs_status evs_gen__sync(const char *path, char *err)
{
	DIR *d = opendir(path);
	if (!d) {
		snprintf(err, XS_ERRLEN, "%s: %s", path, strerror(errno));
		return EVS_E_IO;
	}
	evs_status st = EVS_OK;
	struct dirent *e;
	while (st == EVS_OK && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = evs_util__join(path, e->d_name);
		int fd = p ? open(p, O_RDONLY | O_CLOEXEC) : -1;
		if (fd < 0 || fsync(fd) < 0) {
			snprintf(err, XS_ERRLEN, "%s: cannot sync: %s", p ? p : path,
			         strerror(errno));
			st = EVS_E_IO;
		}
		if (fd >= 0)
			close(fd);
		free(p);
	}
	closedir(d);
	return st == EVS_OK ? sync_dir(path, err) : st;
}

uint64_t evs_gen__bytes(const char *path)
{
	uint64_t total = 0;
	DIR *d = opendir(path);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = evs_util__join(path, e->d_name);
		struct stat sb;
		if (p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
			total += (uint64_t)sb.st_size;
		else if (p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			total += evs_gen__bytes(p); /* a shard */
		free(p);
	}
	closedir(d);
	return total;
}
