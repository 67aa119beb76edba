// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The UNIX control socket. A client connects, sends its request code
 * (and, from a ctkit client, the status magic) and reads until the daemon
 * closes. A request that finishes later (a commit) keeps its connection
 * open until then.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctd.h"
#include "ctl.h"
#include "log.h"
#include "request.h"

#define BACKLOG	       100
#define MAX_TRACKED_FD 4096

struct ctd_ctl {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	/* which client descriptors asked for a status trailer */
	uint8_t wants_status[MAX_TRACKED_FD];
};

void ctd_ctl_finish(struct ctd *d, int fd, int status)
{
	struct ctd_ctl *ctl = d->ctl;

	if (fd < 0)
		return;
	if (ctl && fd < MAX_TRACKED_FD && ctl->wants_status[fd]) {
		unsigned char t[1 + 2 * sizeof(uint32_t)] = {0};
		uint32_t magic = CTD_STATUS_MAGIC;
		int32_t st = status;

		memcpy(t + 1, &magic, sizeof(magic));
		memcpy(t + 1 + sizeof(magic), &st, sizeof(st));
		if (send(fd, t, sizeof(t), MSG_NOSIGNAL) < 0)
			ctd_log(LOG_WARNING, "control client went away: %s", strerror(errno));
		ctl->wants_status[fd] = 0;
	}
	close(fd);
}

/* The request code, and whether the status magic follows it. */
static int read_request(int fd, int *request, bool *wants_status)
{
	uint32_t msg[2];
	struct timeval tv = {.tv_sec = 1};
	ssize_t n;

	/* a client that connects and says nothing must not stall the daemon */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* one send() on a stream socket arrives whole: 4 bytes (reference) or 8 (ctkit) */
	n = recv(fd, msg, sizeof(msg), 0);
	if (n < (ssize_t)sizeof(uint32_t))
		return -1;
	*request = (int)msg[0];
	*wants_status = n == (ssize_t)sizeof(msg) && msg[1] == CTD_STATUS_MAGIC;
	return 0;
}

static void on_client(int lfd, uint32_t events, void *data)
{
	struct ctd *d = data;
	bool wants_status = false;
	int fd, request, ret;

	(void)events;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (read_request(fd, &request, &wants_status) < 0) {
		d->st.ctl_unknown++;
		close(fd);
		return;
	}
	if (fd < MAX_TRACKED_FD)
		d->ctl->wants_status[fd] = wants_status;
	d->st.ctl_requests++;
	ret = ctd_handle_request(d, fd, request);
	if (ret > 0)
		return; /* answered when it finishes */
	ctd_ctl_finish(d, fd, ret);
}

int ctd_ctl_open(struct ctd *d)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct ctd_ctl *ctl;
	int one = 1;

	if (strlen(d->cfg->unix_path) >= sizeof(sun.sun_path)) {
		ctd_log(LOG_ERR, "unix socket path too long: %s", d->cfg->unix_path);
		return -ENAMETOOLONG;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	strcpy(sun.sun_path, d->cfg->unix_path);
	strcpy(ctl->path, sun.sun_path);
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ctl->fd < 0)
		goto fail;
	setsockopt(ctl->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	unlink(sun.sun_path);
	if (bind(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(ctl->fd, BACKLOG) < 0)
		goto fail;
	if (ctd_loop_add(d->loop, ctl->fd, 0, on_client, d) < 0)
		goto fail;
	d->ctl = ctl;
	return 0;
fail:
	ctd_log(LOG_ERR, "can't open unix socket %s: %s", sun.sun_path, strerror(errno));
	if (ctl->fd >= 0)
		close(ctl->fd);
	free(ctl);
	return -errno;
}

void ctd_ctl_close(struct ctd *d)
{
	struct ctd_ctl *ctl = d->ctl;

	if (!ctl)
		return;
	ctd_loop_del(d->loop, ctl->fd);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
	d->ctl = NULL;
}
