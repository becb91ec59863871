// SPDX-License-Identifier: GPL-2.0-only
// file_lock_core: struct file_lock embeds struct file_lock_core c (fl_flags -> c.flc_flags, ...).
// Changed in: v6.9, commit ("filelock: split common fields into struct file_lock_core")
// probe: member file_lock c
// define: HAVE_FILE_LOCK_CORE

#include <linux/fs.h>
#include <linux/filelock.h>
