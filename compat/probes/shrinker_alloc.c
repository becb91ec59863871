// SPDX-License-Identifier: GPL-2.0-only
// shrinker_alloc: Shrinkers are allocated with shrinker_alloc() and registered with shrinker_register().
// Changed in: v6.7, commit c42d50aefd17 ("mm: shrinker: add infrastructure for dynamically allocating shrinker")
// probe: gpl-symbol shrinker_alloc
// define: HAVE_SHRINKER_ALLOC

#include <linux/mm.h>
#include <linux/shrinker.h>

static struct shrinker * __attribute__((unused)) nfsb_shrinker_alloc(void)
{
	struct shrinker *s = shrinker_alloc(0, "nfsb-%s", "probe");

	if (s)
		shrinker_register(s);
	return s;
}
