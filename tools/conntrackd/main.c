// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd: the daemon that replicates the connection-tracking table
 * between firewalls (Sync mode) or logs finished flows (Stats mode), and
 * its control client. Command line and configuration are conntrackd
 * 1.4.7's; see conntrackd(8) and conntrackd.conf(5).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ctkit/version.h>

#include "client.h"
#include "commit.h"
#include "ctd.h"
#include "ctl.h"
#include "daemon.h"
#include "expect.h"
#include "log.h"
#include "options.h"
#include "sync.h"

static void usage(void)
{
	printf("Connection tracking userspace daemon v%s (ctkit %s)\n"
	       "Usage: conntrackd [-d] [-C FILE]        run the daemon (-d: in the background)\n"
	       "       conntrackd [-C FILE] COMMAND     send one command to the running daemon\n\n"
	       "Commands:\n"
	       "  -c [ct|expect]      commit the external cache into the kernel table (waits until "
	       "done)\n"
	       "  -f [internal|external]  flush the caches\n"
	       "  -F [ct|expect]      flush the kernel table (only what the Filter lets through)\n"
	       "  -i [ct|expect]      show the internal cache (with -x: as XML)\n"
	       "  -e [ct|expect]      show the external cache (with -x: as XML)\n"
	       "  -k                  stop the daemon\n"
	       "  -s [network|cache|runtime|link|rsqueue|queue|process|ct|expect|metrics]\n"
	       "                      statistics (metrics: OpenMetrics text)\n"
	       "  -R [ct|expect]      resynchronise the internal cache with the kernel table\n"
	       "  -n                  ask the peer to send its whole table (FTFW, NOTRACK)\n"
	       "  -B                  send the whole internal cache to the peer\n"
	       "  -t                  flush the kernel table after PurgeTimeout seconds\n"
	       "  -v                  version    -h  this help\n\n"
	       "The default configuration file is %s.\n",
	       CTK_COMPAT_VERSION, CTK_VERSION_STRING, CTD_DEFAULT_CONFIG);
}

static int bad_options(const struct ctd_opt_result *res)
{
	if (res->error == CTD_OPT_UNKNOWN || res->error == CTD_OPT_CONFLICT)
		usage();
	ctd_log(LOG_ERR, "%s", res->msg);
	return EXIT_FAILURE;
}

static void config_warnings(const struct ctd_config *c)
{
	for (unsigned int i = 0; i < c->n_warnings; i++)
		ctd_log(LOG_WARNING, "%s", c->warnings[i].msg);
}

static int config_error(const struct ctd_config_error *err)
{
	if (err->plain)
		fputs(err->msg, stderr);
	else
		ctd_log(LOG_ERR, "%s", err->msg);
	return err->exit_code ? err->exit_code : EXIT_FAILURE;
}

static void on_idle(void *data)
{
	struct ctd *d = data;

	ctd_commit_step(d);
	ctd_sync_xmit(d);
}

static int start(struct ctd *d)
{
	int ret;

	d->loop = ctd_loop_new();
	if (!d->loop)
		return -ENOMEM;
	d->started = time(NULL);
	ctd_loop_set_idle(d->loop, on_idle, d);
	ret = ctd_signals_open(d);
	if (ret == 0)
		ret = ctd_internal_open(d);
	if (ret == 0 && d->cfg->mode == CTD_MODE_SYNC)
		ret = ctd_external_open(d);
	if (ret == 0 && d->cfg->mode == CTD_MODE_SYNC)
		ret = ctd_sync_open(d);
	if (ret == 0)
		ret = ctd_kernel_open(d);
	if (ret == 0)
		ret = ctd_expect_open(d);
	if (ret == 0)
		ret = ctd_ctl_open(d);
	return ret;
}

static void stop(struct ctd *d)
{
	ctd_systemd_stop(d);
	ctd_ctl_close(d);
	ctd_commit_close(d);
	ctd_inject_close(d);
	ctd_expect_close(d);
	ctd_kernel_close(d);
	ctd_sync_close(d);
	ctd_external_close(d);
	ctd_internal_close(d);
	ctd_loop_free(d->loop);
}

static int refuse_mode(const struct ctd_config *c)
{
	if (c->helper_mode) {
		ctd_log(LOG_ERR, "Helper mode needs userspace conntrack helpers (the kernel's "
				 "nfnetlink_cthelper), which ctkit's conntrackd does not provide: "
				 "remove the Helper section");
		return -1;
	}
	if (c->mode == CTD_MODE_NONE) {
		ctd_log(LOG_ERR, "no Sync or Stats section in the configuration: nothing to do");
		return -1;
	}
	return 0;
}

static int run_daemon(struct ctd *d, bool background)
{
	int ret;

	if (refuse_mode(d->cfg) < 0 || ctd_log_open(d->cfg, 1) < 0)
		return EXIT_FAILURE;
	if (d->cfg->mode == CTD_MODE_STATS &&
	    ctd_log_stats_open(d->cfg->stats_logfile, d->cfg->stats_syslog_facility) < 0)
		return EXIT_FAILURE;
	if (ctd_lock_take(d->cfg->lockfile) < 0)
		return EXIT_FAILURE;
	/* before any thread starts: threads do not survive fork() */
	if (background && ctd_daemonize() < 0) {
		perror("fork has failed: ");
		ctd_lock_release(d->cfg->lockfile);
		return EXIT_FAILURE;
	}
	ctd_set_scheduler(d);
	ret = start(d);
	if (ret < 0) {
		fprintf(stderr,
			"ERROR: conntrackd cannot start, please check the logfile for more info\n");
		stop(d);
		ctd_lock_release(d->cfg->lockfile);
		ctd_daemon_ready(EXIT_FAILURE);
		return EXIT_FAILURE;
	}
	if (chdir("/") < 0)
		ctd_log(LOG_WARNING, "Cannot change current directory to /: %s", strerror(errno));
	ctd_log(LOG_NOTICE, "initialization completed");
	ctd_log(LOG_NOTICE,
		background ? "-- starting in daemon mode --" : "-- starting in console mode --");
	ctd_daemon_ready(EXIT_SUCCESS);
	ctd_systemd_start(d);
	ret = ctd_loop_run(d->loop);
	stop(d);
	ctd_lock_release(d->cfg->lockfile);
	ctd_log_close();
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	static struct ctd_config cfg;
	struct ctd_config_error err;
	struct ctd_opt_result res;
	struct ctd_options opts;
	struct ctd d = {.cfg = &cfg};

	ctd_log_console(1);
	if (ctd_options_parse(&opts, argc, argv, &res) < 0)
		return bad_options(&res);
	if (opts.run == CTD_RUN_VERSION) {
		printf("Connection tracking userspace daemon v%s (ctkit %s).\n", CTK_COMPAT_VERSION,
		       CTK_VERSION_STRING);
		return EXIT_SUCCESS;
	}
	if (opts.run == CTD_RUN_HELP) {
		usage();
		return EXIT_SUCCESS;
	}
	if (opts.warning)
		fprintf(stderr, "%s\n", opts.warning);
	umask(0177);
	ctd_config_defaults(&cfg);
	if (ctd_config_load(&cfg, opts.config, &err) < 0)
		return config_error(&err);
	config_warnings(&cfg);
	if (opts.run == CTD_RUN_REQUEST)
		return ctd_client_request(cfg.unix_path, opts.request);
	d.console = opts.run == CTD_RUN_CONSOLE;
	return run_daemon(&d, opts.run == CTD_RUN_DAEMON);
}
