// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which helpers exist and when they run: at confirm time, on every
 * packet of an entry that has one (nf_confirm(): the helper, then the
 * sequence adjustment of entries a NAT helper changed).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/fwext.h"
#include "engine/expect.h"
#include "engine/helper.h"

static const struct {
	const char *name;
	uint8_t l4proto;
} helpers[] = {
	[ENG_HELPER_FTP] = { "ftp", IPPROTO_TCP },
	[ENG_HELPER_TFTP] = { "tftp", IPPROTO_UDP },
};

enum eng_helper_kind eng_helper_kind(const char *type, uint8_t l4proto)
{
	for (unsigned int k = ENG_HELPER_FTP; k <= ENG_HELPER_TFTP; k++)
		if (!strcmp(type, helpers[k].name) && l4proto == helpers[k].l4proto)
			return (enum eng_helper_kind)k;
	return ENG_HELPER_NONE;
}

const char *eng_helper_name(enum eng_helper_kind kind)
{
	return kind >= ENG_HELPER_FTP && kind <= ENG_HELPER_TFTP ? helpers[kind].name : "";
}

void eng_helper_confirm(struct ctk_engine *eng, struct ctk_conn *c, struct eng_help *h,
			struct eng_help_pkt *p, struct eng_help_out *out)
{
	out->drop = false;
	out->note[0] = '\0';
	if (h->kind == ENG_HELPER_FTP)
		eng_ftp_help(eng, c, h, p, out);
	else if (h->kind == ENG_HELPER_TFTP)
		eng_tftp_help(eng, c, p, out);
	if (!out->drop && (c->status & IPS_SEQ_ADJUST) && c->l4 == IPPROTO_TCP)
		eng_seqadj_packet(h, p);
}

struct eng_help *eng_conn_help(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	const struct eng_fwext *x = (c->flags & CONN_FW) ? eng_fwext(eng, c) : NULL;

	return x ? x->help : NULL;
}

int ctk_engine_conn_set_helper(struct ctk_engine *eng, struct ctk_conn *c, const char *type)
{
	enum eng_helper_kind kind = eng_helper_kind(type, c->l4);
	struct eng_fwext *x;

	if (kind == ENG_HELPER_NONE)
		return -ENOENT;
	if (c->flags & CONN_LINKED)
		return -EINVAL;
	if (eng_conn_help(eng, c))
		return -EEXIST;
	x = eng_fwext_get(eng, c);
	if (!x)
		return -ENOMEM;
	x->help = calloc(1, sizeof(*x->help));
	if (!x->help)
		return -ENOMEM;
	x->help->kind = (uint8_t)kind;
	c->status |= IPS_HELPER;
	return 0;
}

const char *ctk_engine_conn_helper(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	const struct eng_help *h = eng_conn_help(eng, c);

	return h ? eng_helper_name((enum eng_helper_kind)h->kind) : "";
}

uint32_t eng_helper_refs(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	const struct eng_help *h = eng_conn_help(eng, c);

	if (!h)
		return 0;
	return h->children + eng_expect_count_of(eng, ctk_engine_conn_handle(c));
}

/* An expected entry holds its master: counted while it lives (eng_helper_unlink). */
void eng_helper_link(struct ctk_engine *eng, struct ctk_conn *child, struct ctk_conn_handle master,
		     uint64_t now)
{
	struct eng_fwext *x;
	struct eng_help *h;
	struct ctk_conn *m;

	if (ctk_engine_resolve(eng, master, now, &m) != 0 || !(h = eng_conn_help(eng, m)))
		return;
	x = eng_fwext_get(eng, child);
	if (!x)
		return;
	x->master = master;
	h->children++;
}

void eng_helper_unlink(struct ctk_engine *eng, struct eng_fwext *x)
{
	struct ctk_conn *m;
	struct eng_help *h;

	if (!x->master.generation)
		return;
	if (ctk_engine_resolve(eng, x->master, 0, &m) == 0 && (h = eng_conn_help(eng, m)) &&
	    h->children)
		h->children--;
	x->master = (struct ctk_conn_handle){ 0, 0 };
}
