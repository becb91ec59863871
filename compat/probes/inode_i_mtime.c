// SPDX-License-Identifier: GPL-2.0-only
// inode_i_mtime: struct inode still has a public i_mtime field.
// Changed in: removed in v6.7, commit ("fs: rename inode i_atime and i_mtime fields")
// probe: member inode i_mtime
// define: HAVE_INODE_I_MTIME

#include <linux/fs.h>
