// SPDX-License-Identifier: GPL-2.0-only
// dentry_d_children: a dentry's children are an hlist (d_children, linked by d_sib).
// Changed in: v6.8 (the d_subdirs/d_child list became the d_children/d_sib hlist)
// probe: member dentry d_children
// define: HAVE_DENTRY_D_CHILDREN

#include <linux/dcache.h>
