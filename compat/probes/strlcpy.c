// SPDX-License-Identifier: GPL-2.0-only
// strlcpy: strlcpy() is declared (strscpy() is the replacement).
// Changed in: removed in v6.8, commit d26270061ae6 ("string: Remove strlcpy()")
// probe: compile
// define: HAVE_STRLCPY

#include <linux/string.h>

static size_t __attribute__((unused)) nfsb_strlcpy(char *dst, const char *src, size_t n)
{
	return strlcpy(dst, src, n);
}
