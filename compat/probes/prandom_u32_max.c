// SPDX-License-Identifier: GPL-2.0-only
// prandom_u32_max: prandom_u32_max() exists (get_random_u32_below() replaces it).
// Changed in: removed in v6.2, commit ("prandom: remove unused functions")
// probe: compile
// define: HAVE_PRANDOM_U32_MAX

#include <linux/random.h>

static u32 __attribute__((unused)) nfsb_prandom_u32_max(void)
{
	return prandom_u32_max(10);
}
