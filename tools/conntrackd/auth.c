// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HMAC of sync messages with libsodium. The key file holds at least 32
 * bytes (e.g. `head -c 32 /dev/urandom`); more are hashed down to the key.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include <ctkit/sync.h>

#include "auth.h"
#include "ctd.h"
#include "log.h"

#define KEY_MIN	     32
#define KEY_FILE_MAX 4096

static struct {
	int on;
	uint8_t key[crypto_auth_hmacsha512256_KEYBYTES];
	int seq_set;
	uint32_t last_seq;
	struct ctd_auth_stats st;
} auth;

static int read_key(const char *path)
{
	uint8_t buf[KEY_FILE_MAX];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ctd_log(LOG_ERR, "can't open the authentication key `%s': %s", path,
			strerror(errno));
		return -errno;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < KEY_MIN) {
		ctd_log(LOG_ERR, "authentication key `%s' too short: %d bytes needed", path,
			KEY_MIN);
		sodium_memzero(buf, sizeof(buf));
		return -EINVAL;
	}
	crypto_generichash(auth.key, sizeof(auth.key), buf, (size_t)n, NULL, 0);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

int ctd_auth_open(struct ctd *d)
{
	int ret;

	memset(&auth, 0, sizeof(auth));
	if (!d->cfg->auth_keyfile[0])
		return 0;
	if (sodium_init() < 0) {
		ctd_log(LOG_ERR, "can't initialise libsodium");
		return -EIO;
	}
	ret = read_key(d->cfg->auth_keyfile);
	if (ret == 0) {
		auth.on = 1;
		ctd_log(LOG_NOTICE, "sync messages are authenticated");
	}
	return ret;
}

void ctd_auth_close(struct ctd *d)
{
	(void)d;
	sodium_memzero(auth.key, sizeof(auth.key));
	auth.on = 0;
}

int ctd_auth_enabled(const struct ctd *d)
{
	(void)d;
	return auth.on;
}

int ctd_auth_sign(struct ctd *d, uint8_t *buf, size_t len, size_t cap)
{
	uint8_t tag[crypto_auth_hmacsha512256_BYTES];

	(void)d;
	if (!auth.on)
		return (int)len;
	if (len + CTD_AUTH_TAG_MAX > cap)
		return -ENOSPC;
	crypto_auth_hmacsha512256(tag, buf, len, auth.key);
	memcpy(buf + len, tag, CTD_AUTH_TAG_MAX);
	return (int)(len + CTD_AUTH_TAG_MAX);
}

int ctd_auth_verify(struct ctd *d, const uint8_t *buf, size_t msglen, size_t remain)
{
	uint8_t tag[crypto_auth_hmacsha512256_BYTES];
	struct ctk_sync_hdr h;

	(void)d;
	if (!auth.on)
		return 0;
	if (remain < msglen + CTD_AUTH_TAG_MAX) {
		/* no room for a tag: unauthenticated, as good as forged */
		auth.st.forged++;
		return -1;
	}
	crypto_auth_hmacsha512256(tag, buf, msglen, auth.key);
	if (sodium_memcmp(tag, buf + msglen, CTD_AUTH_TAG_MAX) != 0) {
		auth.st.forged++;
		return -1;
	}
	ctk_sync_hdr_parse(buf, msglen, &h);
	if (auth.seq_set && !(h.flags & CTK_SYNC_F_HELLO) &&
	    (int32_t)(h.seq - auth.last_seq) <= 0) {
		auth.st.replayed++;
		return -1;
	}
	auth.seq_set = 1;
	auth.last_seq = h.seq;
	auth.st.verified++;
	return CTD_AUTH_TAG_MAX;
}

void ctd_auth_stats(const struct ctd *d, struct ctd_auth_stats *st)
{
	(void)d;
	*st = auth.st;
}
