// SPDX-License-Identifier: LGPL-2.1-or-later
/* The running library's version (ctkit/version.h). */
#include <ctkit/version.h>

const char *ctk_version(void)
{
	return CTK_VERSION_STRING;
}

unsigned int ctk_version_number(void)
{
	return CTK_VERSION_NUMBER;
}
