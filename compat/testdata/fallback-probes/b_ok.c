// SPDX-License-Identifier: GPL-2.0-only
// b_ok: always there.
// Changed in: v2.6, commit ("always")
// probe: compile
// define: HAVE_B

#include <linux/fs.h>

static int __attribute__((unused)) nfsb_b_ok(struct inode *inode)
{
	return inode->i_nlink > 0;
}
