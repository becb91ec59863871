// SPDX-License-Identifier: GPL-2.0-only
// task_backing_dev_info: task_struct has backing_dev_info (set around buffered writes).
// Changed in: removed in v6.5 (generic buffered writes stopped using it)
// probe: member task_struct backing_dev_info
// define: HAVE_TASK_BACKING_DEV_INFO

#include <linux/sched.h>
