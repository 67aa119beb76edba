// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Network namespaces by name, path or process id (ctkit/netns.h). A
 * descriptor is checked to be a network namespace with the nsfs ioctl, so
 * that a wrong path (a regular file, a mount namespace) is an error here
 * and not a strange failure at the first socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>
#include <ctkit/netns.h>

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The file @spec names (see ctk_netns_open()); -EINVAL if it names none. */
static int spec_path(const char *spec, char *path, size_t size)
{
	int n;

	if (!spec[0] || !strcmp(spec, ".") || !strcmp(spec, ".."))
		return -EINVAL;
	if (all_digits(spec))
		n = snprintf(path, size, "/proc/%s/ns/net", spec);
	else if (strchr(spec, '/'))
		n = snprintf(path, size, "%s", spec);
	else
		n = snprintf(path, size, "%s/%s", CTK_NETNS_RUN_DIR, spec);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int ctk_netns_open(const char *spec)
{
	char path[PATH_MAX];
	int fd, ret = spec ? spec_path(spec, path, sizeof(path)) : -EINVAL;

	if (ret < 0)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int ctk_netns_enter(int netns_fd)
{
	return setns(netns_fd, CLONE_NEWNET) < 0 ? -errno : 0;
}
