// SPDX-License-Identifier: GPL-2.0-only
// set_posix_acl_dentry: set_posix_acl() and ->set_acl() take a dentry.
// Changed in: v6.2 (the POSIX ACL API moved to dentries)
// probe: compile
// define: HAVE_SET_POSIX_ACL_DENTRY

#include <linux/fs.h>
#include <linux/posix_acl.h>

static int __attribute__((unused)) nfsb_set(struct dentry *dentry)
{
	return set_posix_acl(&nop_mnt_idmap, dentry, ACL_TYPE_ACCESS, NULL);
}
