/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol's request codes: a client sends one host-endian int
 * over the UNIX socket and reads text until the daemon closes. The numbers
 * are conntrackd 1.4.7's, so either client talks to either daemon.
 */
#ifndef CTD_REQUEST_H
#define CTD_REQUEST_H

enum ctd_request {
	CTD_REQ_CT_FLUSH_MASTER = 0,
	CTD_REQ_CT_RESYNC_MASTER = 1,
	CTD_REQ_CT_DUMP_INTERNAL = 16,
	CTD_REQ_CT_DUMP_EXTERNAL = 17,
	CTD_REQ_CT_COMMIT = 18,
	CTD_REQ_CT_FLUSH_CACHE = 19,
	CTD_REQ_KILL = 20,
	CTD_REQ_STATS = 21,
	CTD_REQ_SEND_BULK = 22,
	CTD_REQ_REQUEST_DUMP = 23,
	CTD_REQ_CT_DUMP_INT_XML = 24,
	CTD_REQ_CT_DUMP_EXT_XML = 25,
	CTD_REQ_RESET_TIMERS = 26,
	CTD_REQ_DEBUG_INFO = 27,
	CTD_REQ_STATS_NETWORK = 28,
	CTD_REQ_STATS_CACHE = 29,
	CTD_REQ_STATS_RUNTIME = 30,
	CTD_REQ_STATS_LINK = 31,
	CTD_REQ_STATS_RSQUEUE = 32,
	CTD_REQ_CT_FLUSH_INT_CACHE = 33,
	CTD_REQ_CT_FLUSH_EXT_CACHE = 34,
	CTD_REQ_STATS_PROCESS = 35,
	CTD_REQ_STATS_QUEUE = 36,
	CTD_REQ_EXP_STATS = 37,
	CTD_REQ_EXP_FLUSH_MASTER = 38,
	CTD_REQ_EXP_RESYNC_MASTER = 39,
	CTD_REQ_EXP_DUMP_INTERNAL = 40,
	CTD_REQ_EXP_DUMP_EXTERNAL = 41,
	CTD_REQ_EXP_COMMIT = 42,
	CTD_REQ_ALL_FLUSH_MASTER = 43,
	CTD_REQ_ALL_RESYNC_MASTER = 44,
	CTD_REQ_ALL_FLUSH_CACHE = 45,
	CTD_REQ_ALL_COMMIT = 46,
	CTD_REQ_EXP_DUMP_INT_XML = 47,
	CTD_REQ_EXP_DUMP_EXT_XML = 48,
	/* ctkit only: OpenMetrics text of the daemon's health and counters */
	CTD_REQ_STATS_METRICS = 200,
};

/*
 * ctkit's status trailer. A ctkit client sends CTD_STATUS_MAGIC right
 * after the request code; a ctkit daemon that sees it ends its reply with
 * a NUL byte, the magic and the request's status (host-endian int: 0 or a
 * negative errno), so the client can exit non-zero when the daemon
 * refused or failed. The reference daemon reads only the code and never
 * sends a trailer; the reference client never sends the magic.
 */
#define CTD_STATUS_MAGIC 0x4354b5a7u

#endif
