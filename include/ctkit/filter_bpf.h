/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A filter as a classic BPF socket filter for the conntrack event socket
 * (SO_ATTACH_FILTER), so that the kernel drops events the filter rejects
 * before they are queued. The program runs on each event as the kernel
 * sends it: one ctnetlink message per skb, starting at its nlmsghdr.
 *
 * The program is conservative: it keeps every message ctk_filter_match()
 * (and the nfgen family check of conntrack -E -f) would keep on the
 * decoded entry, and may keep more; a caller still filters in userspace.
 * Messages other than ctnetlink NEW/DELETE, and messages too short to
 * carry an nfgenmsg, are always kept.
 */
#ifndef CTKIT_FILTER_BPF_H
#define CTKIT_FILTER_BPF_H

#include <stdint.h>
#include <linux/filter.h>
#include <ctkit/filter.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's limit for a classic program (BPF_MAXINSNS). */
#define CTK_BPF_MAX_INSNS 4096

/*
 * The fields that never change during an entry's life (tuples, zones,
 * id): the program gives every event of one entry the same verdict on
 * them. A caller that tracks entries across events (the -E --resync seen
 * set) lets the program apply only these, so that an entry's NEW and
 * DESTROY are both kept or both dropped.
 */
#define CTK_F_STABLE_FIELDS                                                                        \
	((UINT64_C(1) << CTK_F_FAMILY) | (UINT64_C(1) << CTK_F_ORIG_SRC) |                         \
	 (UINT64_C(1) << CTK_F_ORIG_DST) | (UINT64_C(1) << CTK_F_REPLY_SRC) |                      \
	 (UINT64_C(1) << CTK_F_REPLY_DST) | (UINT64_C(1) << CTK_F_L4PROTO) |                       \
	 (UINT64_C(1) << CTK_F_ORIG_SPORT) | (UINT64_C(1) << CTK_F_ORIG_DPORT) |                   \
	 (UINT64_C(1) << CTK_F_REPLY_SPORT) | (UINT64_C(1) << CTK_F_REPLY_DPORT) |                 \
	 (UINT64_C(1) << CTK_F_ICMP_TYPE) | (UINT64_C(1) << CTK_F_ICMP_CODE) |                     \
	 (UINT64_C(1) << CTK_F_ICMP_ID) | (UINT64_C(1) << CTK_F_ZONE) |                            \
	 (UINT64_C(1) << CTK_F_ORIG_ZONE) | (UINT64_C(1) << CTK_F_REPLY_ZONE) |                    \
	 (UINT64_C(1) << CTK_F_ID))

struct ctk_bpf_prog {
	struct sock_filter insns[CTK_BPF_MAX_INSNS];
	unsigned int len;   /* instructions used */
	unsigned int limit; /* 0: CTK_BPF_MAX_INSNS; a smaller cap (tests) */
	uint64_t fields;    /* CTK_F_* bits the program applies */
	bool family;	    /* it checks nfgen_family against @family */
};

/*
 * ctk_filter_bpf - compile the parts of @f within @allowed (CTK_F_* bits)
 * that a socket filter can apply, plus nfgen_family == @family unless
 * @family is AF_UNSPEC, into @p (p->limit read, the rest written).
 * p->fields says what the program applies; other fields of @f are left
 * to userspace. Returns 0, or -E2BIG when the program would not fit in
 * p->limit instructions (then p->len is 0 and nothing should be attached).
 */
int ctk_filter_bpf(const struct ctk_filter *f, uint8_t family, uint64_t allowed,
		   struct ctk_bpf_prog *p);

#ifdef __cplusplus
}
#endif
#endif
