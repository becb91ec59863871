/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 6.1 write path marks the task as writing to a bdi for the duration of
 * generic_perform_write(). v6.5 removed task_struct->backing_dev_info, and
 * the writeback throttling no longer looks at it, so there is nothing to set.
 * Reads: HAVE_TASK_BACKING_DEV_INFO.
 */
#ifndef NFSB_COMPAT_LINUX_BACKING_DEV_H
#define NFSB_COMPAT_LINUX_BACKING_DEV_H
#include_next <linux/backing-dev.h>
#include <linux/sched.h>

static inline void nfsb_set_current_bdi(struct backing_dev_info *bdi)
{
#ifdef HAVE_TASK_BACKING_DEV_INFO
	current->backing_dev_info = bdi;
#endif
}
#endif
