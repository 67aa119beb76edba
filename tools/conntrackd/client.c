// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control client: one request, its reply copied to stdout. Against a
 * ctkit daemon the reply ends with a status trailer (request.h), so a
 * failover script learns whether a commit worked; against the reference
 * there is none and the client can only report that it was answered.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "request.h"

#define TRAILER_LEN (1 + 2 * sizeof(uint32_t))

static int connect_to(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_request(int fd, int request)
{
	uint32_t msg[2] = {(uint32_t)request, CTD_STATUS_MAGIC};

	return send(fd, msg, sizeof(msg), MSG_NOSIGNAL) == (ssize_t)sizeof(msg) ? 0 : -1;
}

/*
 * Text goes to stdout as it comes; everything from a NUL byte on is the
 * trailer. Returns the daemon's status (0 when none came), or -EIO.
 */
static int copy_reply(int fd)
{
	unsigned char buf[65536], trailer[TRAILER_LEN];
	size_t have = 0;
	int in_trailer = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		unsigned char *nul;
		size_t text;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -EIO;
		}
		nul = in_trailer ? buf : memchr(buf, '\0', (size_t)n);
		text = nul ? (size_t)(nul - buf) : (size_t)n;
		if (text && fwrite(buf, 1, text, stdout) != text)
			return -EIO;
		for (size_t i = text; i < (size_t)n && have < sizeof(trailer); i++)
			trailer[have++] = buf[i];
		in_trailer |= nul != NULL;
	}
	if (fflush(stdout) != 0)
		return -EIO;
	if (have == sizeof(trailer)) {
		uint32_t magic;
		int32_t status;

		memcpy(&magic, trailer + 1, sizeof(magic));
		memcpy(&status, trailer + 1 + sizeof(magic), sizeof(status));
		if (magic == CTD_STATUS_MAGIC)
			return status;
	}
	return 0;
}

int ctd_client_request(const char *path, int request)
{
	int fd = connect_to(path);
	int status;

	if (fd < 0 || send_request(fd, request) < 0) {
		ctd_log(LOG_ERR, "can't connect: is conntrackd running? appropriate permissions?");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	status = copy_reply(fd);
	close(fd);
	return status < 0 ? 1 : 0;
}
