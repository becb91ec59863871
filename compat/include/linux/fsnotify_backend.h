/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fsnotify as nfsd's file cache uses it: v6.7 made fsnotify_find_mark()
 * take an object and its type (fsnotify_find_inode_mark() wraps it), and
 * v6.8 dropped FSNOTIFY_GROUP_NOFS because every group now takes its mark
 * mutex nofs. Reads: HAVE_FSNOTIFY_FIND_INODE_MARK, HAVE_FSNOTIFY_GROUP_NOFS.
 */
#ifndef NFSB_COMPAT_LINUX_FSNOTIFY_BACKEND_H
#define NFSB_COMPAT_LINUX_FSNOTIFY_BACKEND_H
#include_next <linux/fsnotify_backend.h>

#ifndef HAVE_FSNOTIFY_FIND_INODE_MARK
#define fsnotify_find_inode_mark(inode, group) \
	fsnotify_find_mark(&(inode)->i_fsnotify_marks, group)
#endif

#ifndef HAVE_FSNOTIFY_GROUP_NOFS
#define FSNOTIFY_GROUP_NOFS 0
#endif
#endif
