// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the -R/--load-file parser: the input is the file.
 * Every line goes through the splitter and ct_parse_args(); the batch
 * must be freed cleanly whatever the result.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "loadfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ct_error err;
	struct ct_batch batch;

	if (ct_load_buffer((const char *)data, size, &batch, &err) < 0) {
		if (!err.exit_code || !err.msg[0] || batch.count)
			abort();
		return 0;
	}
	ct_batch_free(&batch);
	return 0;
}
