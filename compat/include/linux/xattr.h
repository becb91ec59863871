/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nfsd asks whether an inode supports the "user." namespace before it
 * offers NFSv4.2 xattrs. The helper is not exported on every kernel of the
 * range; without it the same answer comes from the superblock's handlers.
 * Reads: HAVE_XATTR_SUPPORTED_NAMESPACE.
 */
#ifndef NFSB_COMPAT_LINUX_XATTR_H
#define NFSB_COMPAT_LINUX_XATTR_H
#include_next <linux/xattr.h>

#ifndef HAVE_XATTR_SUPPORTED_NAMESPACE
#include <linux/fs.h>
#include <linux/string.h>

static inline int xattr_supported_namespace(struct inode *inode,
					    const char *prefix)
{
	const struct xattr_handler * const *h = inode->i_sb->s_xattr;
	size_t len = strlen(prefix);

	if (!(inode->i_opflags & IOP_XATTR))
		return is_bad_inode(inode) ? -EIO : -EOPNOTSUPP;
	for (; h && *h; h++)
		if (!strncmp(xattr_prefix(*h), prefix, len))
			return 0;
	return -EOPNOTSUPP;
}
#endif
#endif
