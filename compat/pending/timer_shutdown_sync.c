// SPDX-License-Identifier: GPL-2.0-only
// timer_shutdown_sync: timer_shutdown_sync() exists.
// Changed in: v6.2, commit f571faf6e443 ("timers: Provide timer_shutdown[_sync]()"); backported to 6.1.y
// probe: compile
// define: HAVE_TIMER_SHUTDOWN_SYNC

#include <linux/timer.h>

static int __attribute__((unused)) nfsb_timer_shutdown_sync(struct timer_list *t)
{
	return timer_shutdown_sync(t);
}
