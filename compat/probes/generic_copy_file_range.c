// SPDX-License-Identifier: GPL-2.0-only
// generic_copy_file_range: generic_copy_file_range() is exported.
// Changed in: removed in v6.7, commit ("fs: use splice_copy_file_range() inline helper")
// probe: symbol generic_copy_file_range
// define: HAVE_GENERIC_COPY_FILE_RANGE

#include <linux/fs.h>

static ssize_t (*nfsb_gcfr)(struct file *, loff_t, struct file *, loff_t, size_t, unsigned int) __attribute__((unused)) = generic_copy_file_range;
