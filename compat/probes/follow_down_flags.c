// SPDX-License-Identifier: GPL-2.0-only
// follow_down_flags: follow_down() takes lookup flags.
// Changed in: v6.2
// probe: compile
// define: HAVE_FOLLOW_DOWN_FLAGS

#include <linux/namei.h>

static int __attribute__((unused)) nfsb_follow_down(struct path *path)
{
	return follow_down(path, 0);
}
