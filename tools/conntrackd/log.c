// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's log lines. The format is machine-read by people's log
 * scrapers, so it is conntrackd's: ctime() without its newline, the pid
 * and the level word in brackets.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

static FILE *logfile;
static FILE *statsfile;
static int console;
static FILE *console_stream; /* stderr for a client, stdout for a daemon in the foreground */
static int use_syslog;
static int stats_syslog;

static const char *level_word(int prio)
{
	switch (prio) {
	case LOG_INFO:
		return "info";
	case LOG_NOTICE:
		return "notice";
	case LOG_WARNING:
		return "warning";
	case LOG_ERR:
		return "ERROR";
	default:
		return "?";
	}
}

static FILE *open_append(const char *path)
{
	FILE *f = fopen(path, "a+");

	if (!f) {
		fprintf(stderr, "ERROR: can't open logfile `%s'.Reason: %s\n", path,
			strerror(errno));
		return NULL;
	}
	setlinebuf(f);
	return f;
}

int ctd_log_open(const struct ctd_config *c, int on_console)
{
	console = on_console;
	console_stream = stdout;
	if (c->logfile[0]) {
		logfile = open_append(c->logfile);
		if (!logfile)
			return -1;
	}
	if (c->syslog_facility != -1) {
		openlog("conntrackd", LOG_PID, c->syslog_facility);
		use_syslog = 1;
	}
	return 0;
}

void ctd_log_console(int on)
{
	console = on;
}

void ctd_log_close(void)
{
	if (logfile)
		fclose(logfile);
	if (statsfile)
		fclose(statsfile);
	logfile = statsfile = NULL;
	if (use_syslog || stats_syslog)
		closelog();
}

static void write_line(FILE *f, const char *stamp, int prio, const char *msg)
{
	fprintf(f, "[%s] (pid=%d) [%s] %s\n", stamp, (int)getpid(), level_word(prio), msg);
	fflush(f);
}

void ctd_log(int prio, const char *fmt, ...)
{
	char msg[1024], stamp[32];
	time_t t = time(NULL);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctime_r(&t, stamp);
	stamp[strcspn(stamp, "\n")] = '\0';
	if (logfile)
		write_line(logfile, stamp, prio, msg);
	if (console)
		write_line(console_stream ? console_stream : stderr, stamp, prio, msg);
	if (use_syslog)
		syslog(prio, "%s", msg);
}

int ctd_log_stats_open(const char *path, int facility)
{
	if (path && path[0]) {
		statsfile = open_append(path);
		if (!statsfile)
			return -1;
	}
	if (facility != -1) {
		if (!use_syslog)
			openlog("conntrackd", LOG_PID, facility);
		stats_syslog = 1;
	}
	return 0;
}

void ctd_log_flow(const char *line)
{
	if (statsfile)
		fputs(line, statsfile);
	if (stats_syslog)
		syslog(LOG_INFO, "%s", line);
}
