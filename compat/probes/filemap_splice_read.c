// SPDX-License-Identifier: GPL-2.0-only
// filemap_splice_read: filemap_splice_read() is declared and exported (generic_file_splice_read() is gone).
// Changed in: v6.5, commit ("splice: Add a func to do a splice from a buffered file without ITER_PIPE")
// probe: symbol filemap_splice_read
// define: HAVE_FILEMAP_SPLICE_READ

#include <linux/fs.h>
#include <linux/pagemap.h>

static ssize_t __attribute__((unused)) nfsb_filemap_splice_read(struct file *in, loff_t *pos, struct pipe_inode_info *pipe)
{
	return filemap_splice_read(in, pos, pipe, PAGE_SIZE, 0);
}
