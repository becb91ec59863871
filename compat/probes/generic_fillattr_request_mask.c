// SPDX-License-Identifier: GPL-2.0-only
// generic_fillattr_request_mask: generic_fillattr(idmap, request_mask, inode, stat).
// Changed in: v6.6, commit 0d72b92883c6 ("fs: pass the request_mask to generic_fillattr")
// probe: compile
// define: HAVE_GENERIC_FILLATTR_REQUEST_MASK

#include <linux/fs.h>

static void __attribute__((unused)) nfsb_generic_fillattr_request_mask(struct inode *inode, struct kstat *st)
{
	generic_fillattr(&nop_mnt_idmap, STATX_BASIC_STATS, inode, st);
}
