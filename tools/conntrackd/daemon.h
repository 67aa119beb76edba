/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Process set-up of the daemon: lock file, background, scheduler, systemd, signals. */
#ifndef CTD_DAEMON_H
#define CTD_DAEMON_H

struct ctd;

/* ctd_lock_take - the lock file; -1 after printing why (already running). */
int ctd_lock_take(const char *path);
void ctd_lock_release(const char *path);

/*
 * ctd_daemonize - fork into the background. The parent waits until the
 * child calls ctd_daemon_ready() (exit 0) or exits (its status), so a
 * failed start is seen by whoever ran `conntrackd -d`. Returns in the
 * child only; -1 if fork failed.
 */
int ctd_daemonize(void);
void ctd_daemon_ready(int status);

int ctd_set_scheduler(const struct ctd *d);

/* systemd: READY=1, STOPPING=1, and the watchdog when the unit has one. */
void ctd_systemd_start(struct ctd *d);
void ctd_systemd_stop(struct ctd *d);

/* SIGINT/SIGTERM stop the loop; SIGPIPE and SIGHUP are ignored. */
int ctd_signals_open(struct ctd *d);

#endif
