// SPDX-License-Identifier: GPL-2.0-only
// task_freezable: TASK_FREEZABLE state bit (freezable_schedule() is gone).
// Changed in: v6.1, commit f5d39b020809 ("freezer,sched: Rewrite core freezer logic")
// probe: compile
// define: HAVE_TASK_FREEZABLE

#include <linux/sched.h>

static const unsigned int nfsb_task_freezable __attribute__((unused)) = TASK_INTERRUPTIBLE | TASK_FREEZABLE;
