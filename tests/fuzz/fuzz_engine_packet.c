// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the engine's packet path. The input is a short
 * trace: records of [2-byte length][8-bit time step][packet bytes], fed
 * to one engine so that state built by earlier packets is exercised by
 * later ones (replies, ICMP errors quoting them, expiry, early drop in a
 * tiny table). Whatever comes in, the engine must not crash, and every
 * verdict must be consistent with the table. The engine is reset, not
 * rebuilt, between inputs (engine_for()).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/engine.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_entry(const struct ctk_entry *e, enum ctk_event ev, void *arg)
{
	(void)arg;
	(void)ev;
	if (!ctk_entry_has(e, CTK_ATTR_ORIG) || !ctk_entry_has(e, CTK_ATTR_REPLY))
		abort();
	return CTK_CB_OK;
}

static void check_verdict(const struct ctk_verdict *v)
{
	if ((v->state == CTK_CT_INVALID || v->state == CTK_CT_UNTRACKED) && v->conn)
		abort();
	if ((v->state == CTK_CT_NEW || v->state == CTK_CT_ESTABLISHED ||
	     v->state == CTK_CT_RELATED) &&
	    !v->conn)
		abort();
	if (memchr(v->reason, 0, sizeof(v->reason)) == NULL)
		abort();
	/* A reason text and its enum come together, the text as the table has it. */
	if ((v->why == CTK_INVALID_NONE) != (v->reason[0] == '\0'))
		abort();
	if (!ctk_invalid_reason_name(v->why))
		abort();
}

/*
 * One engine per configuration the first byte picks, made once and reset
 * between inputs: making one (its table and timer wheel) cost more than
 * most traces, and a reset engine answers exactly as a new one.
 */
static struct ctk_engine *engine_for(uint8_t flags)
{
	static struct ctk_engine *engines[4];
	struct ctk_engine_config cfg;
	struct ctk_engine **eng = &engines[flags & 3];

	if (*eng) {
		ctk_engine_reset(*eng);
		return *eng;
	}
	ctk_engine_config_init(&cfg);
	cfg.max = 16;
	cfg.buckets = 4;
	if (flags & 1)
		cfg.tcp_be_liberal = 1;
	if (flags & 2)
		cfg.checksum = 0;
	*eng = ctk_engine_new(&cfg);
	if (*eng)
		ctk_engine_set_event_cb(*eng, check_entry, NULL);
	return *eng;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctk_engine *eng = engine_for(size ? data[0] : 0);
	struct ctk_verdict v;
	struct ctk_entry e;
	uint64_t now = 0;

	if (!eng)
		return 0;
	while (size >= 3) {
		size_t len = (size_t)(data[0] << 8 | data[1]) % 2048;

		now += (uint64_t)data[2] * 250000000ull;
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		ctk_engine_expire(eng, now);
		ctk_engine_packet(eng, data, len, now, &v);
		check_verdict(&v);
		if (v.conn)
			ctk_engine_conn_entry(eng, v.conn, now, &e);
		data += len;
		size -= len;
	}
	ctk_engine_foreach(eng, now, check_entry, NULL);
	return 0;
}
