// SPDX-License-Identifier: GPL-2.0-only
// xattr_supported_namespace: xattr_supported_namespace() is exported.
// Changed in: removed from the exported API after v6.1
// probe: symbol xattr_supported_namespace
// define: HAVE_XATTR_SUPPORTED_NAMESPACE

#include <linux/xattr.h>

static int (*nfsb_xsn)(struct inode *, const char *) __attribute__((unused)) = xattr_supported_namespace;
