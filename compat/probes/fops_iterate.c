// SPDX-License-Identifier: GPL-2.0-only
// fops_iterate: struct file_operations still has the non-shared ->iterate().
// Changed in: removed in v6.6, commit ("vfs: get rid of old '->iterate' directory operation")
// probe: member file_operations iterate
// define: HAVE_FOPS_ITERATE

#include <linux/fs.h>
