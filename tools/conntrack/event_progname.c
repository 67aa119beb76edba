// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The program behind a netlink port id, for the [USERSPACE] suffix of
 * conntrack -E (see event.h). Same search as the reference, so the same
 * answers: the suffix is compared byte for byte.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "event.h"

struct progname_cache {
	uint32_t portid;
	unsigned long inode;
	bool valid;
	bool found;
	char name[CT_PROGNAME_MAX];
};

static struct progname_cache cache;

/*
 * One /proc/net/netlink line: "sk Eth Pid Groups Rmem Wmem Dump Locks
 * Drops Inode". Returns true with the inode for a netfilter socket of
 * @portid.
 */
static bool netlink_line_inode(const char *line, uint32_t portid, unsigned long *inode)
{
	unsigned long field[10];
	char *end;
	int i;

	for (i = 0; i < 10; i++) {
		/* sk, Groups and Dump are hexadecimal; the others decimal. */
		int base = (i == 0 || i == 3 || i == 6) ? 16 : 10;

		field[i] = strtoul(line, &end, base);
		if (end == line)
			return false;
		line = end;
	}
	if (field[1] != NETLINK_NETFILTER || field[2] != portid)
		return false;
	*inode = field[9];
	return true;
}

static bool find_inode(uint32_t portid, unsigned long *inode)
{
	FILE *fp = fopen("/proc/net/netlink", "re");
	char line[256];
	bool found = false;

	if (!fp)
		return false;
	while (!found && fgets(line, sizeof(line), fp))
		found = netlink_line_inode(line, portid, inode);
	fclose(fp);
	return found;
}

/* The comm field of /proc/PID/stat: after "PID (", up to the first ')'. */
static bool pid_name(unsigned long pid, char *name, size_t size)
{
	char path[64], buf[128];
	char *open_paren, *close_paren;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%lu/stat", pid);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	open_paren = strchr(buf, '(');
	if (!open_paren)
		return false;
	close_paren = strchr(open_paren + 1, ')');
	if (!close_paren || close_paren == open_paren + 1)
		return false;
	*close_paren = '\0';
	snprintf(name, size, "%s", open_paren + 1);
	return true;
}

/* Does process @pid hold the socket with @inode? */
static bool pid_has_socket(unsigned long pid, unsigned long inode)
{
	char path[64], link[128], want[48];
	const struct dirent *ent;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%lu/fd", pid);
	dir = opendir(path);
	if (!dir)
		return false;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (!found && (ent = readdir(dir))) {
		ssize_t n;

		if (ent->d_type != DT_LNK)
			continue;
		n = readlinkat(dirfd(dir), ent->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = !strcmp(link, want);
	}
	closedir(dir);
	return found;
}

static bool owner_name(uint32_t portid, unsigned long inode, char *name, size_t size)
{
	const struct dirent *ent;
	bool found = false;
	DIR *dir;

	/* Most programs let the kernel pick the port id, and it picks their pid first. */
	if (pid_has_socket(portid, inode))
		return pid_name(portid, name, size);
	dir = opendir("/proc");
	if (!dir)
		return false;
	while (!found && (ent = readdir(dir))) {
		unsigned long pid;
		char *end;

		if (ent->d_type != DT_DIR)
			continue;
		pid = strtoul(ent->d_name, &end, 10);
		if (pid <= 1 || *end || pid == portid)
			continue;
		if (pid_has_socket(pid, inode))
			found = pid_name(pid, name, size);
	}
	closedir(dir);
	return found;
}

const char *ct_portid_progname(uint32_t portid)
{
	unsigned long inode;

	if (!find_inode(portid, &inode))
		return NULL;
	if (!cache.valid || cache.portid != portid || cache.inode != inode) {
		cache.valid = true;
		cache.portid = portid;
		cache.inode = inode;
		cache.found = owner_name(portid, inode, cache.name, sizeof(cache.name));
	}
	return cache.found ? cache.name : NULL;
}
