/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * strlcpy() was removed in v6.8 in favour of strscpy(). The 6.1 code still
 * calls it; keep its exact semantics (truncate, NUL-terminate, return the
 * length of src). Reads: HAVE_STRLCPY.
 */
#ifndef NFSB_COMPAT_LINUX_STRING_H
#define NFSB_COMPAT_LINUX_STRING_H
#include_next <linux/string.h>

#ifndef HAVE_STRLCPY
static inline size_t strlcpy(char *dest, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len >= size ? size - 1 : len;

		memcpy(dest, src, n);
		dest[n] = '\0';
	}
	return len;
}
#endif
#endif
