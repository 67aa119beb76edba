/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conntrack events: the kernel's NEW/UPDATE/DESTROY multicast groups on a
 * NETLINK_NETFILTER socket (libmnl underneath).
 *
 * Every message is decoded into one entry owned by the handle and handed
 * to a callback: no allocation per event. A multicast socket that cannot
 * keep up loses events; the kernel says so once with ENOBUFS on the next
 * receive, which ctk_events_read() returns so that the caller can count
 * the overrun, grow the buffer and resynchronise (ctk_nl_dump).
 *
 * Errors: functions return 0 (or a size) or a negative errno;
 * ctk_events_open() returns NULL with errno set.
 */
#ifndef CTKIT_EVENTS_H
#define CTKIT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Multicast groups, as NF_NETLINK_CONNTRACK_* (the bind() group mask). */
enum {
	CTK_EVENTS_NEW = 1u << 0,
	CTK_EVENTS_UPDATE = 1u << 1,
	CTK_EVENTS_DESTROY = 1u << 2,
	CTK_EVENTS_ALL = 7u,
};

/* What the message around an entry says. */
struct ctk_event_info {
	enum ctk_event type; /* from the message type and flags; CTK_EV_NONE if unknown */
	uint32_t portid;     /* nlmsg_pid: the netlink client that caused it, 0 for the kernel */
	uint8_t family;	     /* nfgen_family */
	/* 1: synthesised by a mirror's resync, not sent by the kernel (ctkit/mirror.h) */
	uint8_t repaired;
};

/*
 * A callback returns CTK_CB_OK to go on, CTK_CB_STOP to stop after this
 * message, CTK_CB_ERROR to stop with -ECANCELED (see ctkit/netlink.h).
 */
typedef int (*ctk_event_cb)(const struct ctk_entry *e, const struct ctk_event_info *info,
			    void *data);

struct ctk_events;

/*
 * ctk_events_open - a socket bound to the multicast @groups: CTK_EVENTS_*
 * for conntrack events, or ctk_expect_event_groups() for expectations (the
 * bind() mask, NF_NETLINK_CONNTRACK_*).
 */
struct ctk_events *ctk_events_open(unsigned int groups);
/*
 * ctk_events_open_netns - the same for the network namespace @netns_fd
 * refers to (-1: the caller's), as ctk_nl_open_netns() opens sessions;
 * the descriptor is not kept (an event socket is never renewed).
 */
struct ctk_events *ctk_events_open_netns(unsigned int groups, int netns_fd);
void ctk_events_close(struct ctk_events *ev);
int ctk_events_fd(const struct ctk_events *ev);

/*
 * ctk_events_set_rcvbuf - ask for a receive queue of @bytes. With @force,
 * SO_RCVBUFFORCE first (passes net.core.rmem_max, needs CAP_NET_ADMIN),
 * then SO_RCVBUF. Returns what the kernel granted (getsockopt SO_RCVBUF:
 * twice the request when not capped) or -errno.
 */
int ctk_events_set_rcvbuf(struct ctk_events *ev, size_t bytes, bool force);
/* ctk_events_rcvbuf - the current receive queue size (getsockopt), or -errno. */
int ctk_events_rcvbuf(const struct ctk_events *ev);

/*
 * ctk_events_read - one receive (blocking unless the descriptor was made
 * non-blocking), every message in it decoded and passed to @cb. Returns
 * the number of entries passed, -ENOBUFS when the kernel dropped events
 * since the last read (the socket stays usable), -ECANCELED when @cb
 * returned CTK_CB_ERROR, or another -errno of recvmsg (-EINTR, -EAGAIN).
 */
int ctk_events_read(struct ctk_events *ev, ctk_event_cb cb, void *data);

/*
 * ctk_events_recv - one receive into the handle's buffer, for callers that
 * decode themselves (ctk_expect_events_decode). Returns the length with
 * *@buf set, or -errno as ctk_events_read() (-ENOBUFS, -EAGAIN, ...).
 */
int ctk_events_recv(struct ctk_events *ev, const void **buf);

/*
 * ctk_events_decode - the decoding half of ctk_events_read() on a buffer
 * of netlink messages, decoded one by one into @scratch. Malformed
 * conntrack messages are skipped (as the reference does); a malformed
 * netlink framing stops the walk. Returns the number of entries passed to
 * @cb, or -ECANCELED when @cb returned CTK_CB_ERROR.
 */
int ctk_events_decode(const void *buf, size_t len, struct ctk_entry *scratch, ctk_event_cb cb,
		      void *data);

#ifdef __cplusplus
}
#endif
#endif
