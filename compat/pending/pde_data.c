// SPDX-License-Identifier: GPL-2.0-only
// pde_data: pde_data() (lower case) returns a proc entry's data.
// Changed in: v5.17, commit 359745d78351 ("proc: remove PDE_DATA() completely")
// probe: compile
// define: HAVE_PDE_DATA

#include <linux/proc_fs.h>

static void * __attribute__((unused)) nfsb_pde_data(const struct inode *inode)
{
	return pde_data(inode);
}
