/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack --pcap F --timeout-policy FILE: timeout policies written in
 * `nfct timeout` syntax, applied to the userspace engine's configuration
 * (pcap_policy.c, docs/pcap.md).
 *
 * The engine has no rule set that attaches a policy to chosen flows, so a
 * policy sets the engine's knobs: it applies to all traffic of its
 * protocol. The engine's knobs are those of the kernel's sysctls, which
 * do not depend on the family, so inet and inet6 policies are the same.
 */
#ifndef CT_PCAP_POLICY_H
#define CT_PCAP_POLICY_H

#include <stdint.h>
#include <stdio.h>
#include <ctkit/engine.h>
#include <ctkit/timeout.h>

#define CT_POLICY_MSG_MAX 256

/*
 * ct_policy_knob - the engine knob (sysctl name without its "net.netfilter."
 * prefix, e.g. "nf_conntrack_udp_timeout") of state @state of @l4proto's
 * tracker. NULL when the engine has none; then *@why (if not NULL) says why.
 */
const char *ct_policy_knob(uint8_t l4proto, unsigned int state, const char **why);

/*
 * ct_policy_apply - set the knob of every state @t has. Returns 0, or -1
 * with @msg saying what failed. States without a knob the engine can
 * honour otherwise (SYN_SENT2) are skipped with a warning in @warn
 * (empty when none).
 */
int ct_policy_apply(struct ctk_engine_config *cfg, const struct ctk_timeout *t,
		    char *msg, char *warn);

/*
 * ct_policy_line - one line of a policy file into @t (cleared first):
 * "add NAME FAMILY PROTO STATE SECS...", optionally after "nfct timeout",
 * or "default-set FAMILY PROTO STATE SECS...". @line is split in place.
 * Returns 1 for a policy, 0 for a blank or comment line, -1 with @msg.
 */
int ct_policy_line(char *line, struct ctk_timeout *t, char *msg);

/*
 * ct_policy_load - read every line of @f (called @name in messages) and
 * apply it to @cfg, later lines over earlier ones. Errors and warnings go
 * to stderr as "NAME:LINE: ...". Returns 0 or -1.
 */
int ct_policy_load(FILE *f, const char *name, struct ctk_engine_config *cfg);

#endif
