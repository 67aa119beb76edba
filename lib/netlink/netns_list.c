// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every network namespace of the machine (ctkit/netns.h): the named ones
 * of "ip netns", then each other namespace some process runs in. A
 * namespace is known by the identity of its nsfs inode (device, inode),
 * so a namespace both named and used by processes is listed once, by its
 * name, and a thousand processes of one container are one namespace.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <ctkit/netns.h>

struct found {
	struct ctk_netns_ref *refs;
	size_t n, cap;
	dev_t nsfs; /* the device of every namespace file */
};

static int push(struct found *f, const struct ctk_netns_ref *r)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		struct ctk_netns_ref *refs = realloc(f->refs, cap * sizeof(*refs));

		if (!refs)
			return -ENOMEM;
		f->refs = refs;
		f->cap = cap;
	}
	f->refs[f->n++] = *r;
	return 0;
}

/*
 * The identity of the namespace file at @path, if it is one: a name left
 * in /run/netns after its namespace was unmounted is a plain file.
 */
static bool ns_identity(const struct found *f, const char *path, struct ctk_netns_ref *r)
{
	struct stat st;

	if (stat(path, &st) < 0 || st.st_dev != f->nsfs)
		return false;
	r->dev = (uint64_t)st.st_dev;
	r->ino = (uint64_t)st.st_ino;
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct ctk_netns_ref *)a)->name,
		      ((const struct ctk_netns_ref *)b)->name);
}

static int list_named(struct found *f)
{
	DIR *d = opendir(CTK_NETNS_RUN_DIR);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (ret == 0 && (de = readdir(d))) {
		struct ctk_netns_ref r = {0};
		char path[sizeof(CTK_NETNS_RUN_DIR) + sizeof(de->d_name) + 1];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", CTK_NETNS_RUN_DIR, de->d_name);
		if (!ns_identity(f, path, &r))
			continue;
		snprintf(r.name, sizeof(r.name), "%s", de->d_name);
		ret = push(f, &r);
	}
	closedir(d);
	qsort(f->refs, f->n, sizeof(*f->refs), cmp_name);
	return ret;
}

static bool known(const struct found *f, size_t upto, const struct ctk_netns_ref *r)
{
	for (size_t i = 0; i < upto; i++)
		if (f->refs[i].ino == r->ino && f->refs[i].dev == r->dev)
			return true;
	return false;
}

static int cmp_identity_pid(const void *a, const void *b)
{
	const struct ctk_netns_ref *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_pid(const void *a, const void *b)
{
	const struct ctk_netns_ref *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static long pid_of(const char *s)
{
	char *end;
	long pid;

	if (*s < '1' || *s > '9')
		return -1;
	errno = 0;
	pid = strtol(s, &end, 10);
	return errno || *end || pid > INT_MAX ? -1 : pid;
}

/*
 * Each process's namespace, then one per identity (its lowest PID), minus
 * the named ones. A process that exits meanwhile, or whose namespace we
 * may not see (another user's, without privilege), is passed over.
 */
static int list_processes(struct found *f)
{
	size_t named = f->n, w;
	DIR *d = opendir("/proc");
	struct dirent *de;
	int ret = 0;

	if (!d)
		return -errno;
	while (ret == 0 && (de = readdir(d))) {
		struct ctk_netns_ref r = {0};
		char path[sizeof(de->d_name) + 16];
		long pid = pid_of(de->d_name);

		if (pid < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (!ns_identity(f, path, &r))
			continue;
		r.pid = (int)pid;
		snprintf(r.name, sizeof(r.name), "%ld", pid);
		ret = push(f, &r);
	}
	closedir(d);
	if (ret < 0)
		return ret;
	qsort(f->refs + named, f->n - named, sizeof(*f->refs), cmp_identity_pid);
	w = named;
	for (size_t i = named; i < f->n; i++) {
		if (known(f, named, &f->refs[i]))
			continue;
		if (w > named && f->refs[w - 1].ino == f->refs[i].ino &&
		    f->refs[w - 1].dev == f->refs[i].dev)
			continue;
		f->refs[w++] = f->refs[i];
	}
	f->n = w;
	qsort(f->refs + named, f->n - named, sizeof(*f->refs), cmp_pid);
	return 0;
}

int ctk_netns_list(struct ctk_netns_ref **refs)
{
	struct found f = {0};
	struct stat self;
	int ret;

	*refs = NULL;
	if (stat("/proc/self/ns/net", &self) < 0)
		return -errno;
	f.nsfs = self.st_dev;
	ret = list_named(&f);
	if (ret == 0)
		ret = list_processes(&f);
	if (ret < 0 || f.n > INT_MAX) {
		free(f.refs);
		return ret < 0 ? ret : -EOVERFLOW;
	}
	*refs = f.refs;
	return (int)f.n;
}

int ctk_netns_ref_open(const struct ctk_netns_ref *ref)
{
	char path[sizeof(CTK_NETNS_RUN_DIR) + sizeof(ref->name) + 1];
	struct stat st;
	int fd;

	/* By path: a name of digits is still a name, not a process id. */
	if (ref->pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/net", ref->pid);
	else
		snprintf(path, sizeof(path), "%s/%s", CTK_NETNS_RUN_DIR, ref->name);
	fd = ctk_netns_open(path);

	if (fd < 0)
		return fd;
	/* A PID can be reused by a process in another namespace: check the identity. */
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != ref->ino ||
	    (uint64_t)st.st_dev != ref->dev) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}
