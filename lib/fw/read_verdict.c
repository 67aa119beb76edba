// SPDX-License-Identifier: LGPL-2.1-or-later
/* Verdicts: {"accept": null}, {"jump": {"target": "chain"}}, ... */
#include <errno.h>
#include <string.h>
#include "fw/read.h"

static const struct {
	const char *name;
	enum fw_verdict_code code;
} verdicts[] = {
	{"accept", FW_V_ACCEPT}, {"drop", FW_V_DROP}, {"continue", FW_V_CONTINUE},
	{"return", FW_V_RETURN}, {"jump", FW_V_JUMP}, {"goto", FW_V_GOTO},
};

static int find(const char *name)
{
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (!strcmp(verdicts[i].name, name))
			return (int)i;
	return -1;
}

bool fw_is_verdict(json_t *j)
{
	return json_is_object(j) && json_object_size(j) == 1 &&
	       find(json_object_iter_key(json_object_iter(j))) >= 0;
}

int fw_read_verdict(struct fw_rd *rd, json_t *j, struct fw_verdict_ref *v)
{
	const char *name, *target;
	int i;

	if (!json_is_object(j) || json_object_size(j) != 1)
		return fw_err(rd, "a verdict is expected");
	name = json_object_iter_key(json_object_iter(j));
	i = find(name);
	if (i < 0) {
		if (!strcmp(name, "queue"))
			return fw_unsupported(rd, name);
		return fw_err(rd, "unknown verdict \"%s\"", name);
	}
	v->code = verdicts[i].code;
	v->chain = NULL;
	if (v->code != FW_V_JUMP && v->code != FW_V_GOTO)
		return 0;
	target = json_string_value(
		json_object_get(json_object_iter_value(json_object_iter(j)), "target"));
	if (!target)
		return fw_err(rd, "%s without a target chain", name);
	for (uint32_t c = 0; c < rd->table->nchains; c++)
		if (!strcmp(rd->table->chains[c].name, target)) {
			v->chain = &rd->table->chains[c];
			return 0;
		}
	return fw_err(rd, "%s to chain %s, which table %s does not have", name, target,
		      rd->table->name);
}
