// SPDX-License-Identifier: GPL-2.0-only
// iops_fileattr_get: inode_operations->fileattr_get()/fileattr_set().
// Changed in: v5.13, commit 4c5b47997521 ("vfs: add fileattr ops")
// probe: member inode_operations fileattr_get
// define: HAVE_IOPS_FILEATTR_GET

#include <linux/fs.h>
