// SPDX-License-Identifier: GPL-2.0-only
// filldir_bool: filldir_t actors return bool (true: continue) instead of int.
// Changed in: v6.1, commit 25885a35a720 ("Change calling conventions for filldir_t")
// probe: compile
// define: HAVE_FILLDIR_BOOL
// werror

#include <linux/fs.h>

static bool nfsb_filldir_bool_fn(struct dir_context *ctx, const char *name, int len, loff_t off, u64 ino, unsigned int type)
{
	return true;
}
static filldir_t nfsb_filldir_bool_p __attribute__((unused)) = nfsb_filldir_bool_fn;
