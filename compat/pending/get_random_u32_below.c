// SPDX-License-Identifier: GPL-2.0-only
// get_random_u32_below: get_random_u32_below(ceil).
// Changed in: v6.1, commit e9a688bcb193 ("random: use rejection sampling for uniform bounded random integers")
// probe: compile
// define: HAVE_GET_RANDOM_U32_BELOW

#include <linux/random.h>

static u32 __attribute__((unused)) nfsb_get_random_u32_below(void)
{
	return get_random_u32_below(10);
}
