/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-in for the kernel header: see ../addrlist_shim.h. */
#include "../addrlist_shim.h"
