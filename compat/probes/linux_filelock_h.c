// SPDX-License-Identifier: GPL-2.0-only
// linux_filelock_h: struct file_lock and friends moved from <linux/fs.h> to <linux/filelock.h>.
// Changed in: v6.3, commit 5970e15dbcfe ("filelock: move file locking definitions to separate header file")
// probe: header linux/filelock.h
// define: HAVE_LINUX_FILELOCK_H
