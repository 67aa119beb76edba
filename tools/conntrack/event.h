/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack -E helpers: the program behind a netlink port id (for the
 * [USERSPACE] suffix) and the set of live entries that a resynchronisation
 * compares with the kernel's table.
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
void ct_event_catch_signals(sigset_t *saved);
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
 * The seen set: one slot per live entry, keyed by its orig tuple and zone,
 * holding what a synthetic DESTROY needs to print (tuples, zone, id).
 * Memory grows with the number of live entries (about 100 bytes each).
 */
struct ct_seen;

struct ct_seen *ct_seen_new(void);
void ct_seen_free(struct ct_seen *s);
size_t ct_seen_count(const struct ct_seen *s);
/* ct_seen_add - remember @e (or refresh it) as present in generation @gen; returns true if new. */
bool ct_seen_add(struct ct_seen *s, const struct ctk_entry *e, uint32_t gen);
/* ct_seen_del - forget @e; returns true if it was there. */
bool ct_seen_del(struct ct_seen *s, const struct ctk_entry *e);
/*
 * ct_seen_sweep - for every entry not refreshed in generation @gen: build
 * a minimal entry into @scratch, pass it to @fn, then forget it.
 */
void ct_seen_sweep(struct ct_seen *s, uint32_t gen, struct ctk_entry *scratch,
		   void (*fn)(const struct ctk_entry *e, void *data), void *data);

#endif
