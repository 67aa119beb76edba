// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Timeout policies in `nfct timeout` syntax turned into the engine's
 * knobs (ctkit/engine_policy.h). The model parses each policy
 * (ctk_timeout_parse_args); this file knows which knob holds which
 * state's timeout, as one table, and splits a policy file's line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <ctkit/engine_policy.h>
#include <ctkit/timeout.h>

#define MAX_WORDS (4 + 2 * CTK_TIMEOUT_STATES + 1)

/* Which engine knob a state's timeout goes to; knob NULL: none, see @why. */
static const struct state_knob {
	uint8_t l4proto;
	const char *state; /* as ctk_timeout_state_name() spells it */
	const char *knob;
	const char *why;
} state_knobs[] = {
	{IPPROTO_TCP, "SYN_SENT", "nf_conntrack_tcp_timeout_syn_sent", NULL},
	{IPPROTO_TCP, "SYN_RECV", "nf_conntrack_tcp_timeout_syn_recv", NULL},
	{IPPROTO_TCP, "ESTABLISHED", "nf_conntrack_tcp_timeout_established", NULL},
	{IPPROTO_TCP, "FIN_WAIT", "nf_conntrack_tcp_timeout_fin_wait", NULL},
	{IPPROTO_TCP, "CLOSE_WAIT", "nf_conntrack_tcp_timeout_close_wait", NULL},
	{IPPROTO_TCP, "LAST_ACK", "nf_conntrack_tcp_timeout_last_ack", NULL},
	{IPPROTO_TCP, "TIME_WAIT", "nf_conntrack_tcp_timeout_time_wait", NULL},
	{IPPROTO_TCP, "CLOSE", "nf_conntrack_tcp_timeout_close", NULL},
	{IPPROTO_TCP, "SYN_SENT2", NULL,
	 "the engine times SYN_SENT2 with syn_sent (the kernel has no knob for it)"},
	{IPPROTO_TCP, "RETRANS", "nf_conntrack_tcp_timeout_max_retrans", NULL},
	{IPPROTO_TCP, "UNACKNOWLEDGED", "nf_conntrack_tcp_timeout_unacknowledged", NULL},
	/* UDP-Lite shares UDP's timeouts in the kernel, and so in the engine. */
	{IPPROTO_UDP, "UNREPLIED", "nf_conntrack_udp_timeout", NULL},
	{IPPROTO_UDP, "REPLIED", "nf_conntrack_udp_timeout_stream", NULL},
	{IPPROTO_UDPLITE, "UNREPLIED", "nf_conntrack_udp_timeout", NULL},
	{IPPROTO_UDPLITE, "REPLIED", "nf_conntrack_udp_timeout_stream", NULL},
	{IPPROTO_ICMP, "TIMEOUT", "nf_conntrack_icmp_timeout", NULL},
	{IPPROTO_ICMPV6, "TIMEOUT", "nf_conntrack_icmpv6_timeout", NULL},
	{IPPROTO_GRE, "UNREPLIED", "nf_conntrack_gre_timeout", NULL},
	{IPPROTO_GRE, "REPLIED", "nf_conntrack_gre_timeout_stream", NULL},
	{CTK_TIMEOUT_GENERIC, "TIMEOUT", "nf_conntrack_generic_timeout", NULL},
	{IPPROTO_SCTP, "CLOSED", "nf_conntrack_sctp_timeout_closed", NULL},
	{IPPROTO_SCTP, "COOKIE_WAIT", "nf_conntrack_sctp_timeout_cookie_wait", NULL},
	{IPPROTO_SCTP, "COOKIE_ECHOED", "nf_conntrack_sctp_timeout_cookie_echoed", NULL},
	{IPPROTO_SCTP, "ESTABLISHED", "nf_conntrack_sctp_timeout_established", NULL},
	{IPPROTO_SCTP, "SHUTDOWN_SENT", "nf_conntrack_sctp_timeout_shutdown_sent", NULL},
	{IPPROTO_SCTP, "SHUTDOWN_RECD", "nf_conntrack_sctp_timeout_shutdown_recd", NULL},
	{IPPROTO_SCTP, "SHUTDOWN_ACK_SENT", "nf_conntrack_sctp_timeout_shutdown_ack_sent", NULL},
	{IPPROTO_SCTP, "HEARTBEAT_SENT", "nf_conntrack_sctp_timeout_heartbeat_sent", NULL},
};

#define N_STATE_KNOBS (sizeof(state_knobs) / sizeof(state_knobs[0]))

const char *ctk_engine_policy_knob(uint8_t l4proto, unsigned int state, const char **why)
{
	const char *name = ctk_timeout_state_name(l4proto, state);

	if (why)
		*why = "the engine has no such state";
	if (!name)
		return NULL;
	for (size_t i = 0; i < N_STATE_KNOBS; i++) {
		const struct state_knob *k = &state_knobs[i];

		if (k->l4proto != l4proto || strcmp(k->state, name) != 0)
			continue;
		if (why && k->why)
			*why = k->why;
		return k->knob;
	}
	if (why && l4proto == IPPROTO_DCCP)
		*why = "dccp is not supported by the engine";
	return NULL;
}

/* A tracker the engine has: one with at least one knob in the table. */
static bool engine_tracks(uint8_t l4proto)
{
	for (size_t i = 0; i < N_STATE_KNOBS; i++)
		if (state_knobs[i].l4proto == l4proto && state_knobs[i].knob)
			return true;
	return false;
}

static const char *proto_name(uint8_t l4proto)
{
	const struct ctk_timeout_proto *p = ctk_timeout_proto(l4proto);

	return p ? p->name : "this protocol";
}

static int apply_state(struct ctk_engine_config *cfg, const struct ctk_timeout *t,
		       unsigned int state, char *msg, char *warn)
{
	const char *why, *knob = ctk_engine_policy_knob(t->l4proto, state, &why);
	const char *name = ctk_timeout_state_name(t->l4proto, state);
	uint32_t secs = 0;
	char value[16];

	ctk_timeout_get_secs(t, state, &secs);
	if (!knob) {
		snprintf(warn, CTK_ENGINE_POLICY_MSG_MAX, "%s %s ignored: %s",
			 proto_name(t->l4proto), name ? name : "?", why);
		return 0;
	}
	snprintf(value, sizeof(value), "%u", secs);
	/* Only the value can be wrong: every knob of the table is the engine's. */
	if (ctk_engine_config_set(cfg, knob, value) < 0) {
		snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX,
			 "%s %s: timeout %u out of range (at most %d)", proto_name(t->l4proto),
			 name, secs, INT32_MAX);
		return -ERANGE;
	}
	return 0;
}

int ctk_engine_policy_apply(struct ctk_engine_config *cfg, const struct ctk_timeout *t, char *msg,
			    char *warn)
{
	int ret;

	warn[0] = '\0';
	if (!engine_tracks(t->l4proto)) {
		if (t->l4proto == IPPROTO_DCCP)
			snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX,
				 "dccp: not supported by the engine");
		else
			snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX,
				 "protocol %u: the engine takes no timeout policy for it",
				 t->l4proto);
		return -EPROTONOSUPPORT;
	}
	for (unsigned int s = 0; s < CTK_TIMEOUT_STATES; s++)
		if ((t->states & (1u << s)) && (ret = apply_state(cfg, t, s, msg, warn)) < 0)
			return ret;
	return 0;
}

/* Split @line at blanks, up to '#'; returns the number of words or -1 (too many). */
static int split_words(char *line, char *words[], int max)
{
	int n = 0;
	char *save = NULL;

	for (char *w = strtok_r(line, " \t\r\n\v\f", &save); w;
	     w = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (w[0] == '#')
			break;
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

static int args_error(enum ctk_timeout_args_err e, char *const argv[], int argc, int bad,
		      const struct ctk_timeout *t, char *msg)
{
	const char *word = bad >= 0 && bad < argc ? argv[bad] : "";

	switch (e) {
	case CTK_TIMEOUT_ARGS_L3:
		if (!argc)
			snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "missing family (inet or inet6)");
		else
			snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX,
				 "unknown family `%s' (inet or inet6)", word);
		break;
	case CTK_TIMEOUT_ARGS_L4:
		if (argc < 2)
			snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "missing protocol");
		else
			snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "unknown protocol `%s'", word);
		break;
	case CTK_TIMEOUT_ARGS_STATE:
		snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "unknown state `%s' for %s", word,
			 proto_name(t->l4proto));
		break;
	case CTK_TIMEOUT_ARGS_MISSING:
		snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "state `%s' without a timeout", word);
		break;
	default:
		snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "invalid timeout `%s' (seconds expected)",
			 word);
		break;
	}
	return -EINVAL;
}

int ctk_engine_policy_parse(char *line, struct ctk_timeout *t, char *msg)
{
	char *words[MAX_WORDS];
	enum ctk_timeout_args_err e;
	int n = split_words(line, words, MAX_WORDS), first, bad = -1;

	memset(t, 0, sizeof(*t));
	if (n < 0) {
		snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "too many words");
		return -EINVAL;
	}
	if (n == 0)
		return 0;
	first = 0;
	if (strcmp(words[0], "nfct") == 0) {
		if (n < 2 || strcmp(words[1], "timeout") != 0) {
			snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "expected `nfct timeout add ...'");
			return -EINVAL;
		}
		first = 2;
	}
	if (first < n && strcmp(words[first], "add") == 0) {
		if (first + 1 >= n) {
			snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX, "missing policy name");
			return -EINVAL;
		}
		ctk_timeout_set_name(t, words[first + 1]);
		first += 2;
	} else if (first < n && strcmp(words[first], "default-set") == 0) {
		first += 1;
	} else {
		snprintf(msg, CTK_ENGINE_POLICY_MSG_MAX,
			 "expected `add NAME FAMILY PROTO STATE SECS...', got `%s'",
			 first < n ? words[first] : "");
		return -EINVAL;
	}
	e = ctk_timeout_parse_args(t, n - first, words + first, CTK_TIMEOUT_ARGS_STRICT, &bad);
	if (e != CTK_TIMEOUT_ARGS_OK)
		return args_error(e, words + first, n - first, bad, t, msg);
	return 1;
}
