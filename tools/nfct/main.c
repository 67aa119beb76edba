// SPDX-License-Identifier: LGPL-2.1-or-later
#include "nfct.h"

int main(int argc, char *argv[])
{
	return nfct_main(argc, argv);
}
