// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DisableExternalCache: the peers' messages go straight into the kernel
 * table instead of a cache that waits for a commit. One request per
 * message on a session of our own, as the reference does; an entry the
 * kernel already has is replaced.
 */
#include <errno.h>
#include <string.h>

#include <linux/netlink.h>

#include <ctkit/netlink.h>
#include <ctkit/sync.h>

#include "commit.h"
#include "ctd.h"
#include "log.h"

static struct ctk_nl *inject_nl;

static struct ctk_nl *session(struct ctd *d)
{
	if (!inject_nl) {
		inject_nl = ctk_nl_open();
		if (inject_nl)
			ctd_kernel_own_portid(d, ctk_nl_portid(inject_nl));
	}
	return inject_nl;
}

void ctd_inject_ct(struct ctd *d, int type, const struct ctk_entry *e)
{
	struct ctd_cache *c = &d->external_ct;
	struct ctk_nl *nl = session(d);
	struct ctk_entry req;
	int ret;

	if (!nl) {
		c->st.add_fail++;
		return;
	}
	ctd_commit_request(d, &req, e, ctk_entry_has(e, CTK_ATTR_TIMEOUT) ? (long)e->timeout : 0);
	if (type == CTK_SYNC_CT_DEL) {
		ret = ctk_nl_delete(nl, req.orig.l3num, &req);
		if (ret == 0 || ret == -ENOENT)
			c->st.del_ok++;
		else
			c->st.del_fail++;
		return;
	}
	ret = ctk_nl_create(nl, req.orig.l3num, &req, NLM_F_CREATE | NLM_F_EXCL);
	if (ret == -EEXIST) {
		ctk_nl_delete(nl, req.orig.l3num, &req);
		ret = ctk_nl_create(nl, req.orig.l3num, &req, NLM_F_CREATE | NLM_F_EXCL);
	}
	if (ret == 0) {
		if (type == CTK_SYNC_CT_NEW)
			c->st.add_ok++;
		else
			c->st.upd_ok++;
	} else {
		if (type == CTK_SYNC_CT_NEW)
			c->st.add_fail++;
		else
			c->st.upd_fail++;
		ctd_log(LOG_ERR, "inject: %s", strerror(-ret));
	}
}

void ctd_inject_close(struct ctd *d)
{
	(void)d;
	if (inject_nl)
		ctk_nl_close(inject_nl);
	inject_nl = NULL;
}
