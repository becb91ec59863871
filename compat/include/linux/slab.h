/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SLAB_MEM_SPREAD went away with SLAB in v6.8 (it had no effect on SLUB,
 * the only allocator left). Reads: HAVE_SLAB_MEM_SPREAD.
 */
#ifndef NFSB_COMPAT_LINUX_SLAB_H
#define NFSB_COMPAT_LINUX_SLAB_H
#include_next <linux/slab.h>

#ifndef HAVE_SLAB_MEM_SPREAD
#define SLAB_MEM_SPREAD 0
#endif
#endif
