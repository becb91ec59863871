/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stand-in for the kernel header: see ../addrlist_shim.h.  glibc's <errno.h>
 * includes <linux/errno.h> too, so the real one comes first.
 */
#include_next <linux/errno.h>
#include "../addrlist_shim.h"
