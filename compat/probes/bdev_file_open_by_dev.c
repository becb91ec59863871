// SPDX-License-Identifier: GPL-2.0-only
// bdev_file_open_by_dev: bdev_file_open_by_dev() opens a block device as a struct file.
// Changed in: v6.9, commit ("bdev: open block device as files")
// probe: compile
// define: HAVE_BDEV_FILE_OPEN_BY_DEV

#include <linux/blkdev.h>

static struct file * __attribute__((unused)) nfsb_bdev_file_open_by_dev(dev_t dev, void *holder)
{
	return bdev_file_open_by_dev(dev, BLK_OPEN_READ, holder, NULL);
}
