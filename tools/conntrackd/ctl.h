/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket: one request per connection, answered with text;
 * a ctkit client also gets a status trailer (request.h).
 */
#ifndef CTD_CTL_H
#define CTD_CTL_H

struct ctd;

int ctd_ctl_open(struct ctd *d);
void ctd_ctl_close(struct ctd *d);
/* ctd_ctl_finish - end the reply on @fd with @status (0 or -errno) and close it. */
void ctd_ctl_finish(struct ctd *d, int fd, int status);

/* The requests a mode answers: 0, -EBUSY (refused now), -ENOTSUP (not in this mode), or > 0 (the
 * reply comes later). */
int ctd_handle_request(struct ctd *d, int fd, int request);

#endif
