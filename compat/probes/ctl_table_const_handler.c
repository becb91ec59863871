// SPDX-License-Identifier: GPL-2.0-only
// ctl_table_const_handler: proc_handler takes a const struct ctl_table *.
// Changed in: v6.11, commit 78eb4ea25cd5 ("sysctl: treewide: constify the ctl_table argument of proc_handlers")
// probe: compile
// define: HAVE_CTL_TABLE_CONST_HANDLER
// werror

#include <linux/sysctl.h>

static int nfsb_ctl_table_const_handler_fn(const struct ctl_table *t, int write, void *buf, size_t *len, loff_t *pos)
{
	return 0;
}
static proc_handler *nfsb_ctl_table_const_handler_p __attribute__((unused)) = nfsb_ctl_table_const_handler_fn;
