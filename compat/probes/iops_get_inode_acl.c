// SPDX-License-Identifier: GPL-2.0-only
// iops_get_inode_acl: inode_operations->get_inode_acl() (->get_acl() now takes a dentry and an idmap).
// Changed in: v6.2, commit cac2f8b8d8b5 ("fs: rename current get acl method")
// probe: member inode_operations get_inode_acl
// define: HAVE_IOPS_GET_INODE_ACL

#include <linux/fs.h>
