/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libctkit's version. The macros say which headers a program was compiled
 * with; ctk_version() says which library it runs with. The Makefile reads
 * the version from here (one place to change it). The soname changes
 * with CTK_VERSION_MAJOR once the ABI is declared stable (1.0); before
 * that, a minor version that breaks the ABI says so in libctkit.map.
 */
#ifndef CTKIT_VERSION_H
#define CTKIT_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

#define CTK_VERSION_MAJOR 0
#define CTK_VERSION_MINOR 5
#define CTK_VERSION_PATCH 0
#define CTK_VERSION_STRING "0.5.0"

/* For #if CTK_VERSION_NUMBER >= CTK_VERSION_ENCODE(0, 2, 0). */
#define CTK_VERSION_ENCODE(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))
#define CTK_VERSION_NUMBER \
	CTK_VERSION_ENCODE(CTK_VERSION_MAJOR, CTK_VERSION_MINOR, CTK_VERSION_PATCH)

/*
 * ctk_version - the running library's version, "MAJOR.MINOR.PATCH"
 * (a static string). Never fails.
 */
const char *ctk_version(void);

/*
 * ctk_version_number - the running library's CTK_VERSION_NUMBER, to
 * compare with the one a program was built against. Never fails.
 */
unsigned int ctk_version_number(void);

#ifdef __cplusplus
}
#endif
#endif
