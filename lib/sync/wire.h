/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to lib/sync: the attribute (TLV) layer of conntrackd's sync
 * messages, shared by the entry and the expectation codecs. Numbers are
 * those of conntrack-tools 1.4.7 (include/network.h); they are wire
 * format, never renumber them.
 */
#ifndef CTK_SYNC_WIRE_H
#define CTK_SYNC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#define SYNC_ATTR_HDR 4 /* u16 nta_len, u16 nta_attr */

/* Attributes of CT_* messages (enum nta_attr). */
enum sync_ct_attr {
	NTA_IPV4 = 0,
	NTA_IPV6,
	NTA_L4PROTO,
	NTA_PORT,
	NTA_TCP_STATE,
	NTA_STATUS,
	NTA_TIMEOUT,
	NTA_MARK,
	NTA_MASTER_IPV4,
	NTA_MASTER_IPV6,
	NTA_MASTER_L4PROTO,
	NTA_MASTER_PORT,
	NTA_SNAT_IPV4,
	NTA_DNAT_IPV4,
	NTA_SPAT_PORT,
	NTA_DPAT_PORT,
	NTA_NAT_SEQ_ADJ,
	NTA_SCTP_STATE,
	NTA_SCTP_VTAG_ORIG,
	NTA_SCTP_VTAG_REPL,
	NTA_DCCP_STATE,
	NTA_DCCP_ROLE,
	NTA_ICMP_TYPE,
	NTA_ICMP_CODE,
	NTA_ICMP_ID,
	NTA_TCP_WSCALE_ORIG,
	NTA_TCP_WSCALE_REPL,
	NTA_HELPER_NAME,
	NTA_LABELS,
	NTA_SNAT_IPV6,
	NTA_DNAT_IPV6,
	NTA_SYNPROXY,
	NTA_ZONE,
	NTA_MAX
};

/* Attributes of EXP_* messages (enum nta_exp_attr). */
enum sync_exp_attr {
	NTA_EXP_MASTER_IPV4 = 0,
	NTA_EXP_MASTER_IPV6,
	NTA_EXP_MASTER_L4PROTO,
	NTA_EXP_MASTER_PORT,
	NTA_EXP_EXPECT_IPV4,
	NTA_EXP_EXPECT_IPV6,
	NTA_EXP_EXPECT_L4PROTO,
	NTA_EXP_EXPECT_PORT,
	NTA_EXP_MASK_IPV4,
	NTA_EXP_MASK_IPV6,
	NTA_EXP_MASK_L4PROTO,
	NTA_EXP_MASK_PORT,
	NTA_EXP_TIMEOUT,
	NTA_EXP_FLAGS,
	NTA_EXP_CLASS,
	NTA_EXP_NAT_IPV4,
	NTA_EXP_NAT_PORT,
	NTA_EXP_NAT_L4PROTO,
	NTA_EXP_NAT_DIR,
	NTA_EXP_HELPER_NAME,
	NTA_EXP_FN,
	NTA_EXP_MAX
};

/*
 * The receiver's limits, nta_len counted with its 4-byte header as the
 * reference counts it: @size is the only length a fixed attribute may
 * have, @max the longest a variable one may have (0: no limit of that
 * kind). The reference's helper-name limit is 16 including the header,
 * so names longer than 11 characters do not get through it.
 */
struct sync_attr_rule {
	uint16_t size;
	uint16_t max;
};

#define SYNC_HELPER_MAX 16   /* NFCT_HELPER_NAME_MAX */
#define SYNC_LABELS_MAX 1028 /* NTA_SIZE(NTA_LABELS_MAX_SIZE): 4 + 4096 / 4 */
#define SYNC_FN_MAX	32

/* A message being built: attributes are appended while they fit. */
struct sync_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool full;
};

void sync_writer_init(struct sync_writer *w, void *buf, size_t cap, uint8_t type);
int sync_writer_end(struct sync_writer *w);
void sync_put(struct sync_writer *w, uint16_t type, const void *data, size_t len);
void sync_put_u8(struct sync_writer *w, uint16_t type, uint8_t v);
void sync_put_be16(struct sync_writer *w, uint16_t type, uint16_t v);
void sync_put_be32(struct sync_writer *w, uint16_t type, uint32_t v);
void sync_put_host16(struct sync_writer *w, uint16_t type, uint16_t v);
void sync_put_str(struct sync_writer *w, uint16_t type, const char *s, size_t max);
void sync_put_addrs(struct sync_writer *w, const struct ctk_tuple *t, uint16_t v4, uint16_t v6);
void sync_put_ports(struct sync_writer *w, uint16_t type, const struct ctk_tuple *t);

/* One attribute of a received message; @len is the payload's length. */
struct sync_attr {
	uint16_t type;
	uint16_t len;
	const uint8_t *data;
};

struct sync_reader {
	const uint8_t *pos;
	long left;
	const struct sync_attr_rule *rules;
	unsigned int nrules;
};

int sync_reader_init(struct sync_reader *r, const void *msg, size_t len,
		     const struct sync_attr_rule *rules, unsigned int nrules);
int sync_reader_next(struct sync_reader *r, struct sync_attr *a);

uint16_t sync_get_be16(const uint8_t *p);
uint32_t sync_get_be32(const uint8_t *p);
uint16_t sync_get_host16(const uint8_t *p);
void sync_get_addrs(struct ctk_tuple *t, const struct sync_attr *a, uint8_t family);
void sync_get_ports(struct ctk_tuple *t, const struct sync_attr *a);
void sync_get_str(char *dst, size_t cap, const struct sync_attr *a);

#endif
