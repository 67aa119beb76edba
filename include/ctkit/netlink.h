/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctnetlink: the kernel's conntrack table over netlink (libmnl underneath).
 *
 * Two layers:
 *  - the codec turns a struct ctk_entry into ctnetlink attributes and back;
 *    it never reads outside the message and rejects malformed input;
 *  - the session (struct ctk_nl, opaque) sends requests, waits for acks and
 *    streams dumps entry by entry into a callback, decoding every message
 *    into one reused entry: no allocation per entry, no whole-table buffer.
 *
 * Errors: functions return 0 or a negative errno. A kernel NLMSG_ERROR is
 * returned as its (negative) errno; an interrupted dump (NLM_F_DUMP_INTR)
 * as -EINTR; a malformed message as -EBADMSG; a callback asking to stop
 * with an error as -ECANCELED. Constructors return NULL with errno set.
 */
#ifndef CTKIT_NETLINK_H
#define CTKIT_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>
#include <ctkit/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nlmsghdr;
struct ctk_filter;

/* ---- codec -------------------------------------------------------------- */

/*
 * ctk_entry_parse - decode an IPCTNL_MSG_CT_* message into @e (mask cleared
 * first). Unknown attributes are skipped. Sets *@ev from the message type
 * and flags (NEW with NLM_F_CREATE, UPDATE, DESTROY); @ev may be NULL.
 * Returns 0, or -EBADMSG when the message is malformed or truncated.
 */
int ctk_entry_parse(const struct nlmsghdr *nlh, struct ctk_entry *e, enum ctk_event *ev);

/*
 * ctk_entry_put - append the attributes of every present part of @e to
 * @nlh in the reference's order. Returns 0, or -EMSGSIZE when @buflen (the
 * size of the buffer that starts at @nlh) is too small (the message is
 * then incomplete). As the reference: CTA_STATUS carries IPS_CONFIRMED
 * too; a NAT binding sends its minimum address (its maximum only with
 * has_max_ip, and no address for a port-only binding, i.e. address 0
 * with has_port) and PORT_MIN/PORT_MAX (max = min without has_max_port).
 * Kernel-only parts (counters, use, id, timestamps, secctx) are not sent.
 */
int ctk_entry_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e);

/*
 * ctk_entry_nlmsg - start a ctnetlink message in @buf: netlink header with
 * type (IPCTNL_MSG_CT_* in the CTNETLINK subsystem), NLM_F_REQUEST | @flags
 * and @seq, and the nfgenmsg header (version 0) carrying @family.
 */
struct nlmsghdr *ctk_entry_nlmsg(char *buf, uint16_t msg_type, uint16_t flags,
			      uint32_t seq, uint8_t family);

/* Decode IPCTNL_MSG_CT_GET_STATS_CPU (one CPU) / CT_GET_STATS (global count). */
int ctk_cpu_stats_parse(const struct nlmsghdr *nlh, struct ctk_cpu_stats *s);
int ctk_entry_count_parse(const struct nlmsghdr *nlh, uint32_t *count);

/* ---- session ------------------------------------------------------------ */

struct ctk_nl;

/*
 * ctk_nl_open - a NETLINK_NETFILTER socket, bound, with a large receive
 * buffer. A dump that ends early (callback stop or error, ENOBUFS, ...)
 * leaves the kernel mid-dump; the next request then renews the socket
 * under the same descriptor (the port id changes).
 */
struct ctk_nl *ctk_nl_open(void);
/*
 * ctk_nl_open_netns - the same, in the network namespace @netns_fd refers
 * to (an open /run/netns/NAME or /proc/PID/ns/net; -1: the caller's), as
 * if opened under "ip netns exec". The session keeps its own copy of the
 * descriptor (the caller may close theirs) so that a renewed socket is
 * created there too. Entering a namespace needs CAP_SYS_ADMIN; only the
 * calling thread enters it, for the socket() call. NULL with errno set
 * (EPERM, EINVAL for a descriptor that is not a network namespace, ...).
 */
struct ctk_nl *ctk_nl_open_netns(int netns_fd);
/* ctk_nl_close - close the socket and free @nl; NULL is a no-op. */
void ctk_nl_close(struct ctk_nl *nl);
/* ctk_nl_fd - the socket's descriptor (stable across renewals), for poll(). */
int ctk_nl_fd(const struct ctk_nl *nl);
/* ctk_nl_portid - the netlink port id the kernel gave the current socket. */
uint32_t ctk_nl_portid(const struct ctk_nl *nl);
/* ctk_nl_set_rcvbuf - SO_RCVBUFFORCE (root) or SO_RCVBUF; returns the size the kernel granted or -errno. */
int ctk_nl_set_rcvbuf(struct ctk_nl *nl, size_t bytes);

enum ctk_table {
	CTK_TABLE_CONNTRACK,
	CTK_TABLE_DYING,
	CTK_TABLE_UNCONFIRMED,
};

/*
 * What a dump asks the kernel to filter; unset parts are not sent. A
 * kernel too old for a part ignores it and sends more entries, so a caller
 * that needs exact results still checks them (ctk_filter_match).
 */
struct ctk_dump_opts {
	uint8_t family;			/* AF_UNSPEC: both */
	enum ctk_table table;
	bool zero;			/* IPCTNL_MSG_CT_GET_CTRZERO */
	bool has_mark;
	uint32_t mark, mark_mask;
	bool has_status;		/* Linux >= 5.15 */
	uint32_t status, status_mask;
	bool has_zone;			/* CTA_ZONE, any direction: Linux >= 6.8 */
	uint16_t zone;
	/*
	 * Tuple fields compared by the kernel (CTA_FILTER, Linux >= 5.8):
	 * the CTK_F_ORIG_SRC/DST, REPLY_SRC/DST, L4PROTO, ORIG/REPLY_SPORT/
	 * DPORT and ICMP_TYPE/CODE/ID bits of @filter_fields, with values from
	 * @filter (addresses in @family). Not sent when @family is AF_UNSPEC:
	 * the kernel refuses a tuple filter without a family.
	 */
	const struct ctk_filter *filter;
	uint64_t filter_fields;
	/*
	 * Receive on a second thread while @cb runs (a ring of 512 KiB): the
	 * kernel builds the next chunks of the dump meanwhile. For long dumps
	 * on a machine with a core to spare; @cb still runs on the caller's
	 * thread, in order.
	 */
	bool read_ahead;

	/* Later options take this space: zero means "not set", so zero the struct first. */
	uint8_t reserved[32];
};

/* ctk_nl_dump - stream the table into @cb. */
int ctk_nl_dump(struct ctk_nl *nl, const struct ctk_dump_opts *o, ctk_entry_cb cb, void *data);
/*
 * Planned dumps: the kernel filters as much of @f as it can (besides the
 * reference's family/mark/status: tuple fields and the zone, one dump per
 * family when the kernel needs a family, the plain request when the
 * kernel refuses them). @cb sees a superset of what @f selects and must
 * check every entry with ctk_filter_match().
 */
enum ctk_plan_flag {
	CTK_PLAN_BASIC = 1 << 0,	/* send only what conntrack 1.4.7 sends */
	CTK_PLAN_READ_AHEAD = 1 << 1,	/* receive on a second thread when another CPU is usable */
};

/* What a planned dump did, for a program's debug output. */
enum ctk_plan_event {
	CTK_PLAN_USERSPACE,	/* @fields: the whole filter (the caller's part) */
	CTK_PLAN_KERNEL,	/* @fields: CTK_F_* bits sent with one dump request */
	CTK_PLAN_FALLBACK,	/* the kernel refused @fields with @err; retried without */
};
typedef void (*ctk_plan_trace_cb)(enum ctk_plan_event what, uint64_t fields, int err, void *data);

struct ctk_dump_plan {
	unsigned int flags;		/* enum ctk_plan_flag */
	ctk_plan_trace_cb trace;	/* NULL: none */
	void *trace_data;
	uint8_t reserved[16];		/* later options: zero the struct first */
};

/*
 * ctk_nl_dump_planned - a dump of @opts (table, family, mark, status as
 * for ctk_nl_dump; its filter fields are replaced by the plan's) with as
 * much of @f as the kernel applies; @plan NULL: the default plan. @cb as
 * for ctk_nl_dump(), on the calling thread. Returns 0 or a negative
 * errno, as ctk_nl_dump(); a dump split by family stops at the first
 * failure.
 */
int ctk_nl_dump_planned(struct ctk_nl *nl, const struct ctk_dump_opts *opts,
			const struct ctk_filter *f, const struct ctk_dump_plan *plan,
			ctk_entry_cb cb, void *data);

/*
 * Dumps driven from an event loop (poll/epoll on ctk_nl_fd()):
 *
 * ctk_nl_dump_start - send the dump request for @o (NULL: everything;
 * read_ahead is ignored) and return at once. 0 or a negative errno;
 * -EBUSY while another started dump runs on @nl. Until that dump ends,
 * every other request on @nl fails with -EBUSY: use a second session.
 *
 * ctk_nl_dump_continue - read what the kernel has sent, without blocking,
 * and pass each entry to the start's @cb (on the calling thread). Returns
 * 0 when the dump is complete (or @cb asked to stop), -EAGAIN when the
 * socket is drained (wait until ctk_nl_fd() is readable), -EINPROGRESS
 * after CTK_NL_DUMP_BUDGET receives (a few thousand entries) with more
 * already waiting: call again after other work, the descriptor is still
 * readable. Any other negative errno ends the dump as ctk_nl_dump()'s
 * would (-EINVAL: no dump started).
 *
 * ctk_nl_dump_abort - give up a started dump; the socket is renewed
 * before the next request.
 */
#define CTK_NL_DUMP_BUDGET 16
int ctk_nl_dump_start(struct ctk_nl *nl, const struct ctk_dump_opts *o, ctk_entry_cb cb,
		      void *data);
int ctk_nl_dump_continue(struct ctk_nl *nl);
void ctk_nl_dump_abort(struct ctk_nl *nl);

/* ctk_nl_get - fetch the entry whose tuple (and zone) @tmpl carries. */
int ctk_nl_get(struct ctk_nl *nl, uint8_t family, const struct ctk_entry *tmpl,
	       ctk_entry_cb cb, void *data);
/*
 * ctk_nl_create - IPCTNL_MSG_CT_NEW with @nlm_flags (NLM_F_CREATE|NLM_F_EXCL
 * to create, 0 to update an existing entry); waits for the ack. Like the
 * reference, a present status is sent with IPS_CONFIRMED added (the kernel
 * refuses to clear it: EBUSY).
 */
int ctk_nl_create(struct ctk_nl *nl, uint8_t family, const struct ctk_entry *e,
		  uint16_t nlm_flags);
/*
 * ctk_nl_delete - delete by tuple (orig, else reply) with its tuple zone,
 * CTA_ZONE and CTA_ID when present (the id guards against deleting a newer
 * entry with the same tuple; clear CTK_ATTR_ID to send the tuple only).
 */
int ctk_nl_delete(struct ctk_nl *nl, uint8_t family, const struct ctk_entry *e);
/*
 * ctk_nl_flush - empty the table, exactly as conntrack 1.4.7 asks: @family
 * is sent, but with nfgenmsg version 0 the kernel empties every family
 * (so "conntrack -F -f ipv6" removes IPv4 entries too).
 * ctk_nl_flush_family - empty only @family's entries (AF_UNSPEC: all);
 * needs Linux >= 5.3.
 */
int ctk_nl_flush(struct ctk_nl *nl, uint8_t family);
int ctk_nl_flush_family(struct ctk_nl *nl, uint8_t family);
/* ctk_nl_count - the number of entries (IPCTNL_MSG_CT_GET_STATS). */
int ctk_nl_count(struct ctk_nl *nl, uint32_t *count);
/* ctk_nl_stats_cpu - per-CPU statistics (IPCTNL_MSG_CT_GET_STATS_CPU). */
int ctk_nl_stats_cpu(struct ctk_nl *nl, ctk_stats_cb cb, void *data);

/* ---- batches ------------------------------------------------------------ */

/*
 * Many requests per sendmsg(): the kernel handles a whole batch in one
 * pass and answers only failures plus one ack per batch, so deleting or
 * updating a large part of the table costs a few system calls per
 * hundred entries instead of a round trip each. Requests are numbered
 * from 0 in the order they were queued; a failed one reaches @err_cb with
 * its number and negative errno. A batch goes out when its buffer is full
 * and at ctk_nl_batch_send(). Its session must not be dumping meanwhile
 * (use a second session, as for single requests from a dump callback).
 */
struct ctk_nl_batch;
typedef void (*ctk_batch_err_cb)(unsigned long index, int err, void *data);

/*
 * ctk_nl_batch_new - a batch of requests on @nl (not owned: close it
 * after the batch); a failed request reaches @cb (NULL: failures are
 * not reported, for fire-and-forget batches). NULL with errno (ENOMEM).
 * ctk_nl_batch_free - free @b; what is queued and not sent is dropped.
 */
struct ctk_nl_batch *ctk_nl_batch_new(struct ctk_nl *nl, ctk_batch_err_cb cb, void *data);
void ctk_nl_batch_free(struct ctk_nl_batch *b);
/* Queue a request; returns its number, or a negative errno (then nothing was queued). */
long ctk_nl_batch_delete(struct ctk_nl_batch *b, uint8_t family, const struct ctk_entry *e);
long ctk_nl_batch_create(struct ctk_nl_batch *b, uint8_t family, const struct ctk_entry *e,
			 uint16_t nlm_flags);
/*
 * Gets in a batch: each found entry reaches the callback set with
 * ctk_nl_batch_on_entry() (with the batch's @data) under its request's
 * number, in order, during ctk_nl_batch_send(); one not found reaches the
 * error callback (-ENOENT).
 */
typedef void (*ctk_batch_entry_cb)(unsigned long index, const struct ctk_entry *e, void *data);
void ctk_nl_batch_on_entry(struct ctk_nl_batch *b, ctk_batch_entry_cb cb);
long ctk_nl_batch_get(struct ctk_nl_batch *b, uint8_t family, const struct ctk_entry *e);
/* Send what is queued and wait for its acks; 0 or a negative errno (transport). */
int ctk_nl_batch_send(struct ctk_nl_batch *b);

#ifdef __cplusplus
}
#endif
#endif
