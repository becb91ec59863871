/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prandom_u32_max() was removed in v6.2, commit ("prandom: remove
 * prandom_u32_max()"), after its users moved to get_random_u32_below().
 * Reads: HAVE_PRANDOM_U32_MAX.
 */
#ifndef NFSB_COMPAT_LINUX_RANDOM_H
#define NFSB_COMPAT_LINUX_RANDOM_H
#include_next <linux/random.h>

#ifndef HAVE_PRANDOM_U32_MAX
/* [0, ceil); 0 for 0, as the removed helper returned. */
static inline u32 prandom_u32_max(u32 ceil)
{
	return ceil ? get_random_u32_below(ceil) : 0;
}
#endif
#endif
