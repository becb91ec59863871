// SPDX-License-Identifier: GPL-2.0-only
// netfs_inode: struct netfs_inode wraps the VFS inode (netfs_inode(), netfs_i_cookie()).
// Changed in: v6.0, commit 874c8ca1e60b ("netfs: Fix gcc-12 warning by embedding vfs inode in netfs_i_context")
// probe: compile
// define: HAVE_NETFS_INODE

#include <linux/netfs.h>

static struct inode * __attribute__((unused)) nfsb_netfs_inode(struct netfs_inode *ctx)
{
	return &ctx->inode;
}
