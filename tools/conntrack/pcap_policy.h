/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack --pcap F --timeout-policy FILE: a file of timeout policies in
 * `nfct timeout` syntax applied to the engine's configuration through
 * the engine's policy calls (ctkit/engine_policy.h, docs/pcap.md).
 */
#ifndef CT_PCAP_POLICY_H
#define CT_PCAP_POLICY_H

#include <stdio.h>
#include <ctkit/engine.h>

/*
 * ct_policy_load - read every line of @f (called @name in messages) and
 * apply it to @cfg, later lines over earlier ones. Errors and warnings go
 * to stderr as "NAME:LINE: ...". Returns 0 or -1.
 */
int ct_policy_load(FILE *f, const char *name, struct ctk_engine_config *cfg);

#endif
