// SPDX-License-Identifier: GPL-2.0-only
// register_sysctl_table: register_sysctl_table() registers a nested ctl_table tree.
// Changed in: removed in v6.6, commit ("sysctl: Remove register_sysctl_table()")
// probe: compile
// define: HAVE_REGISTER_SYSCTL_TABLE

#include <linux/sysctl.h>

static struct ctl_table_header * __attribute__((unused)) nfsb_register_sysctl_table(struct ctl_table *t)
{
	return register_sysctl_table(t);
}
