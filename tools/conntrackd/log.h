/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's log: "[ctime] (pid=N) [LEVEL] message" lines to the log
 * file, to stderr while the daemon (or a client) runs in the foreground,
 * and to syslog when configured, as conntrackd 1.4.7 writes them.
 */
#ifndef CTD_LOG_H
#define CTD_LOG_H

#include <stdio.h>
#include <syslog.h>

struct ctd_config;

/*
 * ctd_log_open - open the configured log file and syslog; @console: also
 * write to stdout (a daemon in the foreground, as the reference; before
 * this call console lines go to stderr, a client's diagnostics). Returns 0,
 * or -1 after printing why to stderr.
 */
int ctd_log_open(const struct ctd_config *c, int console);
/* ctd_log_console - write to stderr (1) or not (0), e.g. after daemonising. */
void ctd_log_console(int on);
void ctd_log_close(void);

/* ctd_log - one line at @prio (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO). */
void ctd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ctd_log_stats_open / ctd_log_flow - the Stats mode's flow log (its own file and syslog). */
int ctd_log_stats_open(const char *path, int facility);
void ctd_log_flow(const char *line);

#endif
