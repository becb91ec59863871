// SPDX-License-Identifier: GPL-2.0-only
// iops_setattr_userns: inode_operations->setattr() takes a struct user_namespace * first.
// Changed in: v5.12, commit 549c7297717c ("fs: make helpers idmap mount aware"); replaced in v6.3 by struct mnt_idmap
// probe: compile
// define: HAVE_IOPS_SETATTR_USERNS

#include <linux/fs.h>

static int nfsb_iops_setattr_userns_fn(struct user_namespace *ns, struct dentry *d, struct iattr *a)
{
	return 0;
}
static const struct inode_operations nfsb_iops_setattr_userns_ops __attribute__((unused)) = {
	.setattr = nfsb_iops_setattr_userns_fn,
};
