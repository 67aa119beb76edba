// SPDX-License-Identifier: LGPL-2.1-or-later
/* The packet tracer's words: see pcap_verdict.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "pcap_verdict.h"

void ct_json_string(struct ctk_out *out, const char *s)
{
	ctk_out_puts(out, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == '"' || c == '\\')
			ctk_out_printf(out, "\\u%04x", c);
		else
			ctk_out_write(out, s, 1);
	}
	ctk_out_puts(out, "\"");
}

static bool has_ports(const struct ctk_tuple *t)
{
	return t->l4num == IPPROTO_TCP || t->l4num == IPPROTO_UDP ||
	       t->l4num == IPPROTO_UDPLITE || t->l4num == IPPROTO_SCTP ||
	       t->l4num == IPPROTO_DCCP;
}

static bool is_icmp(const struct ctk_tuple *t)
{
	return t->l4num == IPPROTO_ICMP || t->l4num == IPPROTO_ICMPV6;
}

static void addr_text(const struct ctk_tuple *t, const union ctk_addr *a, char *buf)
{
	inet_ntop(t->l3num == AF_INET6 ? AF_INET6 : AF_INET, a, buf, INET6_ADDRSTRLEN);
}

static void tuple_json(struct ctk_out *out, const struct ctk_tuple *t)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	addr_text(t, &t->src, s);
	addr_text(t, &t->dst, d);
	ctk_out_printf(out, "{\"src\":\"%s\",\"dst\":\"%s\"", s, d);
	if (has_ports(t))
		ctk_out_printf(out, ",\"sport\":%u,\"dport\":%u", t->sport, t->dport);
	else if (is_icmp(t))
		ctk_out_printf(out, ",\"id\":%u", t->icmp_id);
	ctk_out_puts(out, "}");
}

/* "192.0.2.2:40000->198.51.100.2:80", brackets around IPv6 addresses with a port. */
static void tuple_text(struct ctk_out *out, const struct ctk_tuple *t)
{
	const char *open = t->l3num == AF_INET6 ? "[" : "", *close = t->l3num == AF_INET6 ? "]" : "";
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	addr_text(t, &t->src, s);
	addr_text(t, &t->dst, d);
	if (has_ports(t))
		ctk_out_printf(out, "%s%s%s:%u->%s%s%s:%u", open, s, close, t->sport, open, d, close,
			       t->dport);
	else if (is_icmp(t))
		ctk_out_printf(out, "%s->%s(id=%u)", s, d, t->icmp_id);
	else
		ctk_out_printf(out, "%s->%s", s, d);
}

static void rule_json(struct ctk_out *out, const struct ctk_fw_verdict *v)
{
	const struct ctk_fw_rule_ref *r = &v->rule;

	if (!v->has_rule) {
		ctk_out_puts(out, ",\"rule\":null");
		return;
	}
	ctk_out_printf(out, ",\"rule\":{\"family\":\"%s\",\"table\":", r->family);
	ct_json_string(out, r->table);
	ctk_out_puts(out, ",\"chain\":");
	ct_json_string(out, r->chain);
	ctk_out_printf(out, ",\"handle\":%llu,\"text\":", (unsigned long long)r->handle);
	ct_json_string(out, r->text);
	ctk_out_puts(out, "}");
}

void ct_verdict_json(struct ctk_out *out, const struct ctk_fw_verdict *v, bool with_rule)
{
	ctk_out_printf(out, ",\"verdict\":\"%s\"", ctk_fw_verdict_name(v->verdict));
	if (with_rule)
		rule_json(out, v);
	if (v->nnat) {
		ctk_out_puts(out, ",\"nat\":[");
		for (unsigned int i = 0; i < v->nnat; i++) {
			ctk_out_printf(out, "%s{\"hook\":\"%s\",\"before\":", i ? "," : "",
				       v->nat[i].hook);
			tuple_json(out, &v->nat[i].before);
			ctk_out_puts(out, ",\"after\":");
			tuple_json(out, &v->nat[i].after);
			ctk_out_puts(out, "}");
		}
		ctk_out_puts(out, "]");
	}
	if (v->nnotes) {
		ctk_out_puts(out, ",\"notes\":[");
		for (unsigned int i = 0; i < v->nnotes; i++) {
			ctk_out_puts(out, i ? "," : "");
			ct_json_string(out, v->notes[i]);
		}
		ctk_out_puts(out, "]");
	}
}

void ct_verdict_text(struct ctk_out *out, const struct ctk_fw_verdict *v, bool with_rule)
{
	const struct ctk_fw_rule_ref *r = &v->rule;

	if (with_rule && v->has_rule) {
		if (r->handle)
			ctk_out_printf(out, " [%s %s %s handle %llu: %s]", r->family, r->table,
				       r->chain, (unsigned long long)r->handle, r->text);
		else
			ctk_out_printf(out, " [%s %s %s %s]", r->family, r->table, r->chain,
				       r->text);
	}
	for (unsigned int i = 0; i < v->nnat; i++) {
		ctk_out_printf(out, " nat@%s=", v->nat[i].hook);
		tuple_text(out, &v->nat[i].before);
		ctk_out_puts(out, "=>");
		tuple_text(out, &v->nat[i].after);
	}
	for (unsigned int i = 0; i < v->nnotes; i++)
		ctk_out_printf(out, " note=\"%s\"", v->notes[i]);
}

void ct_trace_line(struct ctk_out *out, uint64_t packet, const struct ctk_fw_trace *t, bool json)
{
	if (json) {
		ctk_out_printf(out, "{\"trace\":%llu,\"hook\":\"%s\",\"family\":\"%s\",\"table\":",
			       (unsigned long long)packet, t->hook, t->family);
		ct_json_string(out, t->table);
		ctk_out_puts(out, ",\"chain\":");
		ct_json_string(out, t->chain);
		ctk_out_printf(out, ",\"handle\":%llu,\"rule\":", (unsigned long long)t->handle);
		ct_json_string(out, t->text);
		ctk_out_printf(out, ",\"verdict\":\"%s\"}\n", t->verdict);
		return;
	}
	/* As `nft monitor trace` words it. */
	if (t->handle)
		ctk_out_printf(out, "trace packet %llu: %s %s %s rule %s (verdict %s)\n",
			       (unsigned long long)packet, t->family, t->table, t->chain, t->text,
			       t->verdict);
	else
		ctk_out_printf(out, "trace packet %llu: %s %s %s %s\n", (unsigned long long)packet,
			       t->family, t->table, t->chain, t->text);
}
