// SPDX-License-Identifier: GPL-2.0-only
// locks_inode: locks_inode(file) still exists.
// Changed in: removed between v6.1 and v6.12, commit ("filelock: always define for_each_file_lock()") series; use file_inode()
// probe: compile
// define: HAVE_LOCKS_INODE

#include <linux/fs.h>

static struct inode * __attribute__((unused)) nfsb_locks_inode(struct file *f)
{
	return locks_inode(f);
}
