/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Commit: the external cache into the kernel's table, through libctkit's
 * commit pipeline (batched creates), a step per loop round so the daemon
 * keeps answering. The clients that asked (-c) get their reply, and their
 * exit status, when the last entry is in.
 */
#ifndef CTD_COMMIT_H
#define CTD_COMMIT_H

#include <stdbool.h>

#include <ctkit/entry.h>

struct ctd;

/*
 * ctd_commit_start - begin a commit of the connections (@ct) and then the
 * expectations (@exp), or join the running one; @client_fd is answered at
 * the end (-1: none). Returns 0 or -errno.
 */
int ctd_commit_start(struct ctd *d, int client_fd, bool ct, bool exp);
bool ctd_commit_running(const struct ctd *d);
/* ctd_commit_step - the next batch of a running commit (the loop's idle work). */
void ctd_commit_step(struct ctd *d);
void ctd_commit_close(struct ctd *d);

/* ctd_commit_request - the create request for a cached external entry (also inject.c). */
void ctd_commit_request(const struct ctd *d, struct ctk_entry *req, const struct ctk_entry *e,
			long timeout);

/* DisableExternalCache: a peer's message straight into the kernel (inject.c). */
void ctd_inject_ct(struct ctd *d, int type, const struct ctk_entry *e);
void ctd_inject_close(struct ctd *d);

/* ALARM: drop external entries no peer refreshed for CacheTimeout seconds. */
void ctd_external_expire(struct ctd *d);

#endif
