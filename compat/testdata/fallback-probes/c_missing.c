// SPDX-License-Identifier: GPL-2.0-only
// c_missing: never there.
// Changed in: v0.0, commit ("never")
// probe: compile
// define: HAVE_C

#include <linux/fs.h>

static int __attribute__((unused)) nfsb_c_missing(void)
{
	return nfsb_no_such_function();
}
