/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit engine: timeout policies (`nfct timeout` syntax) applied to an
 * engine's configuration (lib/engine/policy.c, docs/ENGINE.md).
 *
 * The engine has no rule set that attaches a policy to chosen flows, so
 * a policy sets the engine's knobs: it applies to all traffic of its
 * protocol. The knobs are those of the kernel's sysctls, which do not
 * depend on the family, so inet and inet6 policies are the same.
 * Apply policies before ctk_engine_new(); a running engine keeps the
 * configuration it was made with.
 *
 * Choices: the kernel's DCCP tracker is not in the engine, so a dccp
 * policy is an error (silently ignoring it would track under timeouts
 * the caller did not ask for); TCP's SYN_SENT2 has no sysctl in the
 * kernel and the engine times it with syn_sent, so it is skipped with a
 * warning rather than changing SYN_SENT behind the caller's back.
 *
 * Messages (@msg, @warn) are English sentences without a trailing
 * newline, at most CTK_ENGINE_POLICY_MSG_MAX bytes with the NUL; the
 * caller adds where they come from ("FILE:LINE: ").
 */
#ifndef CTKIT_ENGINE_POLICY_H
#define CTKIT_ENGINE_POLICY_H

#include <stdint.h>
#include <ctkit/engine.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ctk_timeout;

#define CTK_ENGINE_POLICY_MSG_MAX 256

/*
 * ctk_engine_policy_knob - the engine knob (sysctl name without its
 * "net.netfilter." prefix, e.g. "nf_conntrack_udp_timeout") that holds
 * the timeout of state @state (ctk_timeout_state() numbering) of
 * @l4proto's tracker. NULL when the engine has none; then *@why (if not
 * NULL) says why. Static strings.
 */
const char *ctk_engine_policy_knob(uint8_t l4proto, unsigned int state, const char **why);

/*
 * ctk_engine_policy_apply - set in @cfg the knob of every state @t has.
 * Returns 0; -EPROTONOSUPPORT when the engine takes no policy for the
 * protocol (dccp, or one without a tracker), -ERANGE for a timeout the
 * knob cannot hold; @msg says which. States without a knob (SYN_SENT2)
 * are skipped and named in @warn ("" when none). @cfg is left partly
 * changed on error.
 */
int ctk_engine_policy_apply(struct ctk_engine_config *cfg, const struct ctk_timeout *t, char *msg,
			    char *warn);

/*
 * ctk_engine_policy_parse - one line of a policy file into @t (cleared
 * first): "add NAME FAMILY PROTO STATE SECS...", optionally after "nfct
 * timeout", or "default-set FAMILY PROTO STATE SECS..."; '#' starts a
 * comment. @line is split in place. Returns 1 for a policy, 0 for a
 * blank or comment line, -EINVAL with @msg saying what is wrong.
 */
int ctk_engine_policy_parse(char *line, struct ctk_timeout *t, char *msg);

#ifdef __cplusplus
}
#endif
#endif
