// SPDX-License-Identifier: GPL-2.0-only
// register_sysctl_sz: register_sysctl_sz(path, table, size) exists (register_sysctl() became a macro around it).
// Changed in: v6.6, commit ("sysctl: Add size argument to init_header")
// probe: compile
// define: HAVE_REGISTER_SYSCTL_SZ

#include <linux/sysctl.h>

static struct ctl_table_header * __attribute__((unused)) nfsb_register_sysctl_sz(struct ctl_table *t)
{
	return register_sysctl_sz("nfsb", t, 1);
}
