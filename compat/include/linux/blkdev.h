/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Opening a block device for pNFS block layouts: 6.1 gets a block_device
 * and puts it with the same mode; v6.9 opens it as a struct file and the
 * block_device is file_bdev() of it. The layout driver keeps the handle
 * it opened and the block_device it uses. Reads: HAVE_BDEV_FILE_OPEN_BY_DEV,
 * HAVE_BLKDEV_GET_BY_DEV.
 */
#ifndef NFSB_COMPAT_LINUX_BLKDEV_H
#define NFSB_COMPAT_LINUX_BLKDEV_H
#include_next <linux/blkdev.h>

#if defined(HAVE_BDEV_FILE_OPEN_BY_DEV)
#include <linux/file.h>

typedef struct file nfsb_bdev_handle;

static inline nfsb_bdev_handle *nfsb_bdev_open_by_dev(dev_t dev, void *holder)
{
	return bdev_file_open_by_dev(dev, BLK_OPEN_READ | BLK_OPEN_WRITE,
				     holder, NULL);
}

static inline nfsb_bdev_handle *nfsb_bdev_open_by_path(const char *path,
							void *holder)
{
	return bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
				      holder, NULL);
}

static inline struct block_device *nfsb_bdev(nfsb_bdev_handle *h)
{
	return file_bdev(h);
}

static inline void nfsb_bdev_close(nfsb_bdev_handle *h)
{
	fput(h);
}
#elif defined(HAVE_BLKDEV_GET_BY_DEV)
typedef struct block_device nfsb_bdev_handle;

static inline nfsb_bdev_handle *nfsb_bdev_open_by_dev(dev_t dev, void *holder)
{
	return blkdev_get_by_dev(dev, FMODE_READ | FMODE_WRITE, holder);
}

static inline nfsb_bdev_handle *nfsb_bdev_open_by_path(const char *path,
							void *holder)
{
	return blkdev_get_by_path(path, FMODE_READ | FMODE_WRITE, holder);
}

static inline struct block_device *nfsb_bdev(nfsb_bdev_handle *h)
{
	return h;
}

static inline void nfsb_bdev_close(nfsb_bdev_handle *h)
{
	blkdev_put(h, FMODE_READ | FMODE_WRITE);
}
#endif
#endif
