// SPDX-License-Identifier: GPL-2.0-only
// inode_get_mtime: inode_get_mtime()/inode_set_mtime_to_ts() and the atime equivalents.
// Changed in: v6.7, commit ("fs: new accessor methods for atime and mtime")
// probe: compile
// define: HAVE_INODE_GET_MTIME

#include <linux/fs.h>

static void __attribute__((unused)) nfsb_inode_get_mtime(struct inode *inode)
{
	struct timespec64 ts = inode_get_mtime(inode);

	inode_set_atime_to_ts(inode, ts);
}
