/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTD_CLIENT_H
#define CTD_CLIENT_H

/*
 * ctd_client_request - send @request to the daemon listening on @path and
 * copy its reply to stdout. Returns the exit code: 0, or 1 when the daemon
 * cannot be reached (after logging "can't connect: ...") or a ctkit daemon
 * reported that the request failed.
 */
int ctd_client_request(const char *path, int request);

#endif
