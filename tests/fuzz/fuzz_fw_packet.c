// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the firewall path: packets through a ruleset with
 * the FTP and TFTP helpers and SNAT (tests/data/rulesets/helpers.json,
 * read from the source tree as scripts/fuzz.sh runs it), so that header
 * reading for keys, NAT rewriting, the helpers' text parsing, their
 * rewrites and the sequence adjustment all see hostile bytes. The input
 * is a trace of records [2-byte length][time step][1 byte: bit 0 from a
 * local address side][packet]; the first byte of each packet may be
 * anything. Nothing may crash, and what leaves must be a well-formed
 * length.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/engine.h>
#include <ctkit/engine_hook.h>
#include <ctkit/fw.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RULESET "tests/data/rulesets/helpers.json"

static struct ctk_fw *firewall(struct ctk_engine **engp)
{
	static struct ctk_engine *eng;
	static struct ctk_ruleset *rs;
	static struct ctk_fw *fw;
	char err[CTK_RULESET_ERR_MAX];

	if (fw) {
		ctk_engine_reset(eng);
		*engp = eng;
		return fw;
	}
	eng = ctk_engine_new(NULL);
	rs = ctk_ruleset_load(RULESET, err);
	if (!eng || !rs) {
		fprintf(stderr, "fuzz_fw_packet: %s (run from the source tree)\n", err);
		abort();
	}
	fw = ctk_fw_new(eng, rs);
	if (!fw || ctk_fw_add_local_address(fw, "10.81.2.1") < 0)
		abort();
	*engp = eng;
	return fw;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctk_engine *eng;
	struct ctk_fw *fw = firewall(&eng);
	struct ctk_fw_verdict v;
	uint64_t now = 1;

	while (size >= 4) {
		size_t len = (size_t)(data[0] << 8 | data[1]) % 2048, out_len = 0;
		struct ctk_fw_packet p = { .iifname = (data[3] & 1) ? "wan0" : "lan0" };
		const uint8_t *out;

		now += (uint64_t)data[2] * 100000000ull;
		data += 4;
		size -= 4;
		if (len > size)
			len = size;
		p.l3 = data;
		p.len = (uint32_t)len;
		p.now_ns = now;
		ctk_engine_expire(eng, now);
		if (ctk_fw_packet(fw, &p, &v) < 0)
			abort();	/* the ruleset names no interface the packet lacks */
		out = ctk_fw_out_packet(fw, &out_len);
		if (out && (out_len == 0 || out_len > len + CTK_ENGINE_MANGLE_ROOM + 65535))
			abort();
		data += len;
		size -= len;
	}
	return 0;
}
