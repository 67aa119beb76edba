/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to lib/netlink: a policy-driven walk over netlink attributes.
 *
 * Every level of a ctnetlink message is a run of attributes. A policy
 * table gives, per attribute type, the libmnl data type (and for binary
 * blobs the exact length); the walker validates each attribute against it
 * before the handler sees it, skips types the table does not know (a newer
 * kernel may send more), and rejects a run that does not end exactly at
 * its bound: a truncated attribute is a malformed message, not an end.
 */
#ifndef CTK_NETLINK_ATTR_H
#define CTK_NETLINK_ATTR_H

#include <stdint.h>
#include <string.h>
#include <libmnl/libmnl.h>

/* Newer than some /usr/include copies: the event time stamp (Linux 6.9). */
#ifndef CTA_TIMESTAMP_EVENT
#define CTA_TIMESTAMP_EVENT 27
#endif
#define CTKNL_CTA_MAX 27

struct attr_policy {
	uint8_t type; /* enum mnl_attr_data_type; MNL_TYPE_UNSPEC: unknown, skipped */
	uint8_t len;  /* exact payload length for MNL_TYPE_BINARY; 0: any */
};

/* Called for each known, validated attribute; returns 0 or -errno. */
typedef int (*attr_handler)(const struct nlattr *attr, uint16_t type, void *data);

int ctknl_walk(const void *payload, int len, const struct attr_policy *policy, uint16_t max,
	       attr_handler fn, void *data);
int ctknl_walk_nested(const struct nlattr *nest, const struct attr_policy *policy, uint16_t max,
		      attr_handler fn, void *data);

/*
 * Inline payload readers: the attribute was validated by the walk. A u64
 * is only 4-byte aligned on the wire, hence memcpy.
 */
static inline const void *attr_payload(const struct nlattr *attr)
{
	return (const char *)attr + MNL_ATTR_HDRLEN;
}

static inline uint8_t attr_u8(const struct nlattr *attr)
{
	return *(const uint8_t *)attr_payload(attr);
}

static inline uint16_t attr_u16(const struct nlattr *attr)
{
	return *(const uint16_t *)attr_payload(attr);
}

static inline uint32_t attr_u32(const struct nlattr *attr)
{
	return *(const uint32_t *)attr_payload(attr);
}

static inline uint64_t attr_u64(const struct nlattr *attr)
{
	uint64_t v;

	memcpy(&v, attr_payload(attr), sizeof(v));
	return v;
}

/* Copy a string attribute into @dst (always NUL-terminated, truncated). */
void ctknl_get_string(const struct nlattr *attr, char *dst, size_t size);

#endif
