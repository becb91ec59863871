// SPDX-License-Identifier: GPL-2.0-only
// register_shrinker_name: register_shrinker(shrinker, fmt, ...) takes a name.
// Changed in: v6.0, commit e33c267ab70d ("mm: shrinkers: provide shrinkers with names"); removed in v6.7 by shrinker_alloc()
// probe: compile
// define: HAVE_REGISTER_SHRINKER_NAME

#include <linux/mm.h>
#include <linux/shrinker.h>

static int __attribute__((unused)) nfsb_register_shrinker_name(struct shrinker *s)
{
	return register_shrinker(s, "nfsb-%s", "probe");
}
