/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack --pcap with a firewall: what --packets adds to a verdict line
 * (the rule that decided, NAT before -> after, notes) and the lines of
 * --trace N, in text and JSON (docs/pcap.md, "The packet tracer").
 */
#ifndef CT_PCAP_VERDICT_H
#define CT_PCAP_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <ctkit/fw.h>
#include <ctkit/output.h>

/* JSON members after "reason": ,"verdict":..[,"rule":..][,"nat":[..]][,"notes":[..]] */
void ct_verdict_json(struct ctk_out *out, const struct ctk_fw_verdict *v, bool with_rule);

/* Text after the entry: [rule] nat=... note="..." */
void ct_verdict_text(struct ctk_out *out, const struct ctk_fw_verdict *v, bool with_rule);

/* One --trace step of packet @packet, text or JSON (one line each). */
void ct_trace_line(struct ctk_out *out, uint64_t packet, const struct ctk_fw_trace *t, bool json);

/* A JSON string with the escapes JSON needs. */
void ct_json_string(struct ctk_out *out, const char *s);

#endif
