// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The process around the loop. The lock file is conntrackd's (created
 * exclusively), plus an flock on it: a lock file left by a daemon that
 * died is taken over instead of blocking every later start.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "ctd.h"
#include "daemon.h"
#include "log.h"

static int lock_fd = -1;
static int ready_fd = -1;
static struct ctd_timer watchdog;
static uint64_t watchdog_ms;

int ctd_lock_take(const char *path)
{
	int fd = open(path, O_CREAT | O_EXCL | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0 && errno == EEXIST) {
		/* held by a live daemon, or left behind by a dead one */
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0 || (lock_fd < 0 && flock(fd, LOCK_EX | LOCK_NB) < 0)) {
		fprintf(stderr, "lockfile `%s' exists, perhaps conntrackd already running?\n",
			path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	lock_fd = fd;
	return 0;
}

void ctd_lock_release(const char *path)
{
	if (lock_fd < 0)
		return;
	unlink(path);
	close(lock_fd);
	lock_fd = -1;
}

int ctd_daemonize(void)
{
	int p[2];
	pid_t pid;
	int status = 1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		char c;

		close(p[1]);
		/* EOF without a byte: the child died before it was ready */
		if (read(p[0], &c, 1) == 1)
			_exit(c);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			_exit(WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
		_exit(1);
	}
	close(p[0]);
	ready_fd = p[1];
	setsid();
	return 0;
}

void ctd_daemon_ready(int status)
{
	char c = (char)status;
	int null;

	if (ready_fd < 0)
		return;
	if (write(ready_fd, &c, 1) != 1)
		ctd_log(LOG_WARNING, "can't tell the parent process it started");
	close(ready_fd);
	ready_fd = -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
	ctd_log_console(0);
}

int ctd_set_scheduler(const struct ctd *d)
{
	struct sched_param sp = {0};
	int type = d->cfg->sched_type;

	if (d->cfg->nice && nice(d->cfg->nice) == -1 && errno)
		fprintf(stderr, "Cannot set nice level %d: %s\n", d->cfg->nice, strerror(errno));
	if (type < 0)
		type = SCHED_RR;
	if (type == SCHED_OTHER)
		return 0;
	sp.sched_priority =
		d->cfg->sched_prio > 0 ? d->cfg->sched_prio : sched_get_priority_max(type);
	if (sched_setscheduler(0, type, &sp) < 0) {
		/* a container without CAP_SYS_NICE: keep going unscheduled */
		ctd_log(LOG_WARNING, "can't set the scheduler: %s", strerror(errno));
	}
	return 0;
}

static bool systemd_wanted(const struct ctd *d)
{
	return d->cfg->systemd != 0 && getenv("NOTIFY_SOCKET");
}

static void on_watchdog(void *data)
{
	struct ctd *d = data;

	sd_notify(0, "WATCHDOG=1");
	ctd_timer_arm(d->loop, &watchdog, watchdog_ms);
}

void ctd_systemd_start(struct ctd *d)
{
	uint64_t usec = 0;

	if (!systemd_wanted(d))
		return;
	sd_notify(0, "READY=1");
	if (sd_watchdog_enabled(0, &usec) > 0 && usec) {
		watchdog_ms = usec / 2000;
		ctd_timer_init(&watchdog, on_watchdog, d);
		ctd_timer_arm(d->loop, &watchdog, watchdog_ms ? watchdog_ms : 1);
	}
}

void ctd_systemd_stop(struct ctd *d)
{
	if (systemd_wanted(d))
		sd_notify(0, "STOPPING=1");
}

static void on_signal(int fd, uint32_t events, void *data)
{
	struct ctd *d = data;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM) {
			ctd_log(LOG_NOTICE, "---- shutdown received ----");
			ctd_loop_stop(d->loop);
		}
	}
}

int ctd_signals_open(struct ctd *d)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* blocked before any thread starts, so only the loop sees them */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	return ctd_loop_add(d->loop, fd, 0, on_signal, d);
}
