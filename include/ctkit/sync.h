/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit sync wire format: the messages conntrackd nodes exchange to
 * replicate their tables, byte-compatible with conntrack-tools 1.4.7.
 *
 * A transport payload is a sequence of messages packed back to back. Each
 * message starts with an 8-byte header (16 bytes for ACK, NACK and RESYNC
 * control messages, which carry a sequence range); data messages carry
 * attributes (TLV, 4-byte aligned) describing one entry or expectation.
 * Every multi-byte header field is big-endian on the wire; the quirks of
 * the reference are kept on purpose so mixed clusters work: the NAT ports
 * and the ICMP id are sent as the host-order value of an already
 * network-order number (byte-swapped on little-endian hosts), an entry
 * carries the synproxy attribute whenever the kernel reported one (all
 * zero), and the reply tuple is not sent (the receiver rebuilds it from
 * the original tuple and the NAT attributes).
 *
 * All functions are pure: they read and write caller buffers only, never
 * allocate, and may be called from any thread.
 */
#ifndef CTKIT_SYNC_H
#define CTKIT_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>
#include <ctkit/expect.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CTK_SYNC_PROTO_VERSION 1
#define CTK_SYNC_HDR_LEN 8	/* data messages and ALIVE/HELLO control */
#define CTK_SYNC_HDR_ACK_LEN 16	/* ACK, NACK, RESYNC: + from, to */
#define CTK_SYNC_MSG_MAX 4096	/* the largest message a sender builds */

/* Message types (the low nibble of byte 0). */
enum ctk_sync_type {
	CTK_SYNC_CT_NEW = 0,
	CTK_SYNC_CT_UPD = 1,
	CTK_SYNC_CT_DEL = 2,
	CTK_SYNC_EXP_NEW = 3,
	CTK_SYNC_EXP_UPD = 4,
	CTK_SYNC_EXP_DEL = 5,
	CTK_SYNC_CTL = 10,
};

/* Header flags (byte 1). */
#define CTK_SYNC_F_UNUSED 0x01
#define CTK_SYNC_F_RESYNC 0x02
#define CTK_SYNC_F_NACK 0x04
#define CTK_SYNC_F_ACK 0x08
#define CTK_SYNC_F_ALIVE 0x10
#define CTK_SYNC_F_HELLO 0x20
#define CTK_SYNC_F_HELLO_BACK 0x40

/*
 * struct ctk_sync_hdr - a decoded header, numbers in host order.
 * @from/@to are valid only for the 16-byte form (ACK, NACK, RESYNC).
 */
struct ctk_sync_hdr {
	uint8_t version;
	uint8_t type;		/* enum ctk_sync_type */
	uint8_t flags;		/* CTK_SYNC_F_* */
	uint16_t len;		/* whole message, header included */
	uint32_t seq;
	uint32_t from;
	uint32_t to;
};

/*
 * Why a message was refused: the reference's receive error counters
 * (conntrackd -s network). The codec never returns BAD_HEADER: it is the
 * protocol's verdict (a flag combination the sync mode does not take, an
 * ACK range that runs backwards), listed so one array can count them all.
 */
enum ctk_sync_error {
	CTK_SYNC_OK = 0,
	CTK_SYNC_ERR_TRUNCATED,		/* shorter than its header */
	CTK_SYNC_ERR_VERSION,		/* version is not CTK_SYNC_PROTO_VERSION */
	CTK_SYNC_ERR_BAD_SIZE,		/* len 0, shorter than its header, or past the payload */
	CTK_SYNC_ERR_BAD_TYPE,		/* unknown type */
	CTK_SYNC_ERR_MALFORMED,		/* bad attribute: unknown, wrong size, overrun */
	CTK_SYNC_ERR_BAD_HEADER,	/* protocol-level: see above */
	CTK_SYNC_ERR_MAX
};

/* ctk_sync_hdr_has_range - does a header with @flags use the 16-byte form. */
static inline int ctk_sync_hdr_has_range(uint8_t flags)
{
	return (flags & (CTK_SYNC_F_ACK | CTK_SYNC_F_NACK | CTK_SYNC_F_RESYNC)) != 0;
}

/*
 * ctk_sync_hdr_parse - decode the header of the message at @buf (@len bytes
 * left in the payload). Returns the message's length (> 0; the next message
 * starts there), or the negative enum ctk_sync_error why it cannot be used:
 *  -CTK_SYNC_ERR_VERSION, -CTK_SYNC_ERR_BAD_TYPE: @h is filled and framing
 *	goes on at @h->len (the reference skips such a message the same way);
 *  -CTK_SYNC_ERR_TRUNCATED, -CTK_SYNC_ERR_BAD_SIZE: the rest of a datagram
 *	cannot be framed. A stream transport waits for more bytes after
 *	TRUNCATED, and after BAD_SIZE when @h->len > @len (a partial message).
 * As in the reference, the length need not be a multiple of 4.
 */
int ctk_sync_hdr_parse(const void *buf, size_t len, struct ctk_sync_hdr *h);

/*
 * ctk_sync_ctl_build - write a control message (type CTL; the 16-byte form
 * when @h->flags asks for a range) into @buf. @h->version and @h->len are
 * ignored. Returns the bytes written, or -ENOSPC if @cap is too small.
 */
int ctk_sync_ctl_build(void *buf, size_t cap, const struct ctk_sync_hdr *h);

/* ctk_sync_hdr_set_seq - stamp @seq into a built message (seq is given at send time). */
void ctk_sync_hdr_set_seq(void *msg, uint32_t seq);

/* Options for building entry messages. */
#define CTK_SYNC_NO_TIMEOUT 0x1u	/* CommitTimeout is set: do not send TIMEOUT */
#define CTK_SYNC_TCP_WSCALE 0x2u	/* TCPWindowTracking on: send the window scales */

/*
 * ctk_sync_ct_build - write a CT_NEW/CT_UPD/CT_DEL message for @e with
 * sequence 0 and no flags (ctk_sync_hdr_set_seq later), in the reference's
 * attribute order. @e needs its original tuple. STATUS and L4PROTO are
 * always sent; MARK, TIMEOUT, HELPER_NAME, SYNPROXY, ZONE, the master
 * tuple and the sequence adjustments when @e has them; LABELS when a bit
 * is set. NAT attributes are derived from the reply tuple (when present)
 * and the NAT_DONE status bits, as libnetfilter_conntrack 1.0.9 decides;
 * an ICMP entry with NAT done gets the reference's SPAT/DPAT of 0. As in
 * the reference, udplite, gre and unknown protocols carry no ports, nor
 * tcp/sctp/dccp without their state. Returns the bytes written, -ENOSPC if
 * @cap is too small, or -EINVAL for a bad @type or an entry without its
 * original tuple.
 */
int ctk_sync_ct_build(void *buf, size_t cap, enum ctk_sync_type type,
		      const struct ctk_entry *e, unsigned int flags);

/*
 * ctk_sync_ct_parse - decode a CT_* message (header included, @len bytes
 * as returned by ctk_sync_hdr_parse) into @e: the original tuple, the reply
 * tuple rebuilt from it and the NAT attributes (CTK_ATTR_REPLY set), and
 * every other attribute carried, each with its presence bit. Messages the
 * reference's receiver refuses are refused, and so is one without an
 * address attribute (no original tuple to key the entry on). Returns 0, or
 * -CTK_SYNC_ERR_MALFORMED (@e is then unspecified).
 */
int ctk_sync_ct_parse(const void *msg, size_t len, struct ctk_entry *e);

/*
 * ctk_sync_expect_build / ctk_sync_expect_parse - the same for EXP_*
 * messages and expectations: the master, expected and mask tuples (ports
 * only when the master is tcp, udp, sctp or dccp), TIMEOUT unless
 * CTK_SYNC_NO_TIMEOUT, FLAGS always, CLASS, the NAT tuple and direction,
 * HELPER_NAME and FN when present. The master, expected and mask tuples
 * are required both ways (the kernel needs them): build gives -EINVAL,
 * parse -CTK_SYNC_ERR_MALFORMED without them. Same return conventions.
 */
int ctk_sync_expect_build(void *buf, size_t cap, enum ctk_sync_type type,
			  const struct ctk_expect *x, unsigned int flags);
int ctk_sync_expect_parse(const void *msg, size_t len, struct ctk_expect *x);

/*
 * ctk_sync_error_name - the reference's counter name in conntrackd -s
 * network, e.g. "Malformed payload" for CTK_SYNC_ERR_MALFORMED; NULL for
 * CTK_SYNC_OK and values out of range.
 */
const char *ctk_sync_error_name(enum ctk_sync_error err);

#ifdef __cplusplus
}
#endif
#endif
