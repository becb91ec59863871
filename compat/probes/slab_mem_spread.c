// SPDX-License-Identifier: GPL-2.0-only
// slab_mem_spread: SLAB_MEM_SPREAD is still a slab flag.
// Changed in: removed in v6.9, commit ("mm, slab: remove last vestiges of SLAB_MEM_SPREAD")
// probe: compile
// define: HAVE_SLAB_MEM_SPREAD

#include <linux/slab.h>

static const slab_flags_t nfsb_slab_mem_spread __attribute__((unused)) = SLAB_MEM_SPREAD;
