// SPDX-License-Identifier: GPL-2.0-only
// iops_get_acl_rcu: inode_operations->get_acl(inode, type, rcu).
// Changed in: v5.15, commit 0cad6246621b ("vfs: add rcu argument to ->get_acl() callback"); renamed ->get_inode_acl() in v6.2
// probe: compile
// define: HAVE_IOPS_GET_ACL_RCU

#include <linux/fs.h>

static struct posix_acl *nfsb_iops_get_acl_rcu_fn(struct inode *inode, int type, bool rcu)
{
	return NULL;
}
static const struct inode_operations nfsb_iops_get_acl_rcu_ops __attribute__((unused)) = {
	.get_acl = nfsb_iops_get_acl_rcu_fn,
};
