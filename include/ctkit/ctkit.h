/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libctkit, every public header at once. Programs that want to say which
 * layer they use include the headers one by one instead:
 *
 *   model     types.h entry.h expect.h timeout.h helper.h l4proto.h names.h labels.h
 *   netlink   netlink.h events.h commit.h expect_nl.h timeout_nl.h helper_nl.h
 *   cache     cache.h mirror.h census.h
 *   filter    filter.h filter_bpf.h
 *   formats   format.h output.h
 *   engine    engine.h engine_policy.h
 *   sync      sync.h (conntrackd's wire format)
 *
 * docs/API.md says who owns what and which calls may run on which thread.
 */
#ifndef CTKIT_CTKIT_H
#define CTKIT_CTKIT_H

#include <ctkit/version.h>
#include <ctkit/types.h>
#include <ctkit/entry.h>
#include <ctkit/expect.h>
#include <ctkit/timeout.h>
#include <ctkit/helper.h>
#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include <ctkit/labels.h>
#include <ctkit/group.h>
#include <ctkit/netlink.h>
#include <ctkit/netns.h>
#include <ctkit/events.h>
#include <ctkit/commit.h>
#include <ctkit/cache.h>
#include <ctkit/mirror.h>
#include <ctkit/census.h>
#include <ctkit/expect_nl.h>
#include <ctkit/timeout_nl.h>
#include <ctkit/helper_nl.h>
#include <ctkit/filter.h>
#include <ctkit/filter_bpf.h>
#include <ctkit/format.h>
#include <ctkit/output.h>
#include <ctkit/engine.h>
#include <ctkit/engine_policy.h>
#include <ctkit/engine_hook.h>
#include <ctkit/sync.h>
#include <ctkit/ruleset.h>
#include <ctkit/fw.h>

#endif
