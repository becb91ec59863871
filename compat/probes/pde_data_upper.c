// SPDX-License-Identifier: GPL-2.0-only
// pde_data_upper: PDE_DATA() (upper case) still exists.
// Changed in: removed in v5.17, commit 359745d78351 ("proc: remove PDE_DATA() completely")
// probe: compile
// define: HAVE_PDE_DATA_UPPER

#include <linux/proc_fs.h>

static void * __attribute__((unused)) nfsb_pde_data_upper(const struct inode *inode)
{
	return PDE_DATA(inode);
}
