// SPDX-License-Identifier: GPL-2.0-only
// fsnotify_find_inode_mark: fsnotify_find_inode_mark(inode, group) exists.
// Changed in: v6.7 (fsnotify_find_mark() takes an object and its type)
// probe: compile
// define: HAVE_FSNOTIFY_FIND_INODE_MARK

#include <linux/fsnotify_backend.h>

static struct fsnotify_mark * __attribute__((unused)) nfsb_find(struct inode *inode, struct fsnotify_group *group)
{
	return fsnotify_find_inode_mark(inode, group);
}
