/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The optional authenticated sync channel (ctkit only, `Authenticate {
 * Key FILE }` in Sync): every message is followed by a 16-byte tag, an
 * HMAC-SHA-512/256 (libsodium) of the message under the shared key. A
 * node with a key accepts only messages with a valid tag and a sequence
 * number newer than the last it accepted (a HELLO, a restarted peer,
 * starts over), so forged and replayed messages are counted and dropped.
 * Without a key nothing changes on the wire.
 */
#ifndef CTD_AUTH_H
#define CTD_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define CTD_AUTH_TAG_MAX 16

struct ctd;

struct ctd_auth_stats {
	uint64_t verified, forged, replayed;
};

int ctd_auth_open(struct ctd *d);
void ctd_auth_close(struct ctd *d);
/* ctd_auth_sign - append the tag to the message in @buf; returns the new length, or -errno. */
int ctd_auth_sign(struct ctd *d, uint8_t *buf, size_t len, size_t cap);
/*
 * ctd_auth_verify - check the tag after the @msglen-byte message at @buf
 * (@remain bytes left in the payload). Returns the tag's length (0
 * without a key), or -1 if the message must be dropped (counted).
 */
int ctd_auth_verify(struct ctd *d, const uint8_t *buf, size_t msglen, size_t remain);
void ctd_auth_stats(const struct ctd *d, struct ctd_auth_stats *st);
int ctd_auth_enabled(const struct ctd *d);

#endif
