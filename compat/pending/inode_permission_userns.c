// SPDX-License-Identifier: GPL-2.0-only
// inode_permission_userns: inode_permission() takes the mount's struct user_namespace *.
// Changed in: v5.12, commit 549c7297717c ("fs: make helpers idmap mount aware")
// probe: compile
// define: HAVE_INODE_PERMISSION_USERNS

#include <linux/fs.h>

static int __attribute__((unused)) nfsb_inode_permission_userns(struct inode *inode)
{
	return inode_permission(&init_user_ns, inode, MAY_READ);
}
