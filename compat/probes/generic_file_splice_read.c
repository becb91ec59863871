// SPDX-License-Identifier: GPL-2.0-only
// generic_file_splice_read: generic_file_splice_read() is declared and exported.
// Changed in: removed in v6.5, commit ("splice: Remove generic_file_splice_read()")
// probe: symbol generic_file_splice_read
// define: HAVE_GENERIC_FILE_SPLICE_READ

#include <linux/fs.h>

static const struct file_operations nfsb_generic_file_splice_read_fops __attribute__((unused)) = {
	.splice_read = generic_file_splice_read,
};
