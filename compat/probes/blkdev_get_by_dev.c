// SPDX-License-Identifier: GPL-2.0-only
// blkdev_get_by_dev: blkdev_get_by_dev(dev, mode, holder) returns a struct block_device *.
// Changed in: removed in v6.9, commit ("block: remove blkdev_get_by_*() functions")
// probe: compile
// define: HAVE_BLKDEV_GET_BY_DEV

#include <linux/blkdev.h>

static struct block_device * __attribute__((unused)) nfsb_blkdev_get_by_dev(dev_t dev, void *holder)
{
	return blkdev_get_by_dev(dev, 0, holder);
}
