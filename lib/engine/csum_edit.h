/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checksums of rewritten packets (csum_edit.c). */
#ifndef CTK_ENGINE_CSUM_EDIT_H
#define CTK_ENGINE_CSUM_EDIT_H

#include <stddef.h>
#include <stdint.h>

/* @n bytes (even) at some place changed from @from to @to: update the checksum at @check. */
void eng_csum_replace(uint8_t *check, const uint8_t *from, const uint8_t *to, size_t n);

/*
 * The transport checksum of the segment at @l4off (@l4len bytes, protocol
 * @proto) computed afresh over the pseudo-header; it sits @check_at bytes
 * into the transport header.
 */
void eng_l4_csum_fill(uint8_t *l3, uint32_t l4off, uint32_t l4len, uint8_t proto,
		      uint32_t check_at);

/* A datagram's new total length: IPv4 total length (header checksum updated) or IPv6 payload length. */
void eng_ip_len_set(uint8_t *l3, uint32_t total);

#endif
