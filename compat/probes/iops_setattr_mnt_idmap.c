// SPDX-License-Identifier: GPL-2.0-only
// iops_setattr_mnt_idmap: inode_operations->setattr() takes a struct mnt_idmap * first.
// Changed in: v6.3, commit c1632a0f1120 ("fs: port ->setattr() to pass mnt_idmap")
// probe: compile
// define: HAVE_IOPS_SETATTR_MNT_IDMAP

#include <linux/fs.h>

static int nfsb_iops_setattr_mnt_idmap_fn(struct mnt_idmap *idmap, struct dentry *d, struct iattr *a)
{
	return 0;
}
static const struct inode_operations nfsb_iops_setattr_mnt_idmap_ops __attribute__((unused)) = {
	.setattr = nfsb_iops_setattr_mnt_idmap_fn,
};
