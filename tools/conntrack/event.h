/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack -E helpers: the program behind a netlink port id (for the
 * [USERSPACE] suffix), the event printer and the stop signals. The set of
 * live entries a resync compares with the table is the library's event
 * mirror (ctkit/mirror.h).
 */
#ifndef CT_EVENT_H
#define CT_EVENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

struct ct_run;

/*
 * ct_run_event - the -E runner (run_event.c); returns 0 after SIGINT or
 * SIGTERM (the summary already printed), else a negative errno or
 * CT_ERR_REPORTED. The lead wires it into runners[] in run.c.
 */
int ct_run_event(struct ct_run *run);
/* ct_run_expect_events - -E expect (run_event_expect.c), same contract. */
int ct_run_expect_events(struct ct_run *run);

/*
 * The loops' stop signals: SIGINT and SIGTERM are caught and kept blocked
 * (old mask in @saved) except while ct_event_wait() sleeps, so a signal
 * can never arrive between the check and the sleep.
 */
int ct_event_catch_signals(sigset_t *saved); /* 0 or -errno */
bool ct_event_stopped(void);
/* ct_event_wait - sleep until @fd is readable or a stop signal came; 0 or -errno. */
int ct_event_wait(int fd, const sigset_t *saved);

/* Longest program name kept: /proc/PID/stat comm is at most 15 bytes. */
#define CT_PROGNAME_MAX 64

/*
 * ct_portid_progname - the name of the process holding netlink (netfilter)
 * port @portid, as the reference finds it: /proc/net/netlink gives the
 * socket inode, /proc/PID/fd (PID = @portid first, then every process)
 * the owner, /proc/PID/stat its name. The last answer is cached per port
 * id and inode. Returns NULL when not found (racy: the sender may be gone).
 */
const char *ct_portid_progname(uint32_t portid);

/*
 * Printing events (event_print.c): one line buffer, grown for long
 * entries, reused for every event.
 */
struct ct_event_printer {
	struct ct_run *run;
	char *line;
	size_t line_size;
};

/* ct_event_printer_init - 0 or -ENOMEM. */
int ct_event_printer_init(struct ct_event_printer *p, struct ct_run *run);
void ct_event_printer_free(struct ct_event_printer *p);
/*
 * ct_event_print - write one event in the run's format and flush it;
 * @synthetic marks a repaired one. Counts it in run->counter once
 * written. Returns 0, -ENOMEM (the line could not grow) or the output's
 * -errno (a write error; sticky).
 */
int ct_event_print(struct ct_event_printer *p, const struct ctk_entry *e, enum ctk_event type,
		   uint32_t portid, bool synthetic);

#endif
