// SPDX-License-Identifier: GPL-2.0-only
// d_exact_alias: d_exact_alias() is exported.
// Changed in: removed in v6.10
// probe: symbol d_exact_alias
// define: HAVE_D_EXACT_ALIAS

#include <linux/dcache.h>

static struct dentry *(*nfsb_dea)(struct dentry *, struct inode *) __attribute__((unused)) = d_exact_alias;
