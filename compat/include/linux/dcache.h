/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Walking a dentry's children: v6.8 turned the d_subdirs list (linked by
 * d_child) into the d_children hlist (linked by d_sib). The cursor of the
 * safe walk changes type with it.
 *
 * d_exact_alias() went away in v6.10: the one caller in the NFS client
 * falls back to d_splice_alias(), which is what upstream's client does
 * alone since then. Reads: HAVE_DENTRY_D_CHILDREN, HAVE_D_EXACT_ALIAS.
 */
#ifndef NFSB_COMPAT_LINUX_DCACHE_H
#define NFSB_COMPAT_LINUX_DCACHE_H
#include_next <linux/dcache.h>

#ifdef HAVE_DENTRY_D_CHILDREN
typedef struct hlist_node nfsb_dentry_cursor;
#define nfsb_for_each_child_safe(child, cursor, parent) \
	hlist_for_each_entry_safe(child, cursor, &(parent)->d_children, d_sib)
#else
typedef struct dentry nfsb_dentry_cursor;
#define nfsb_for_each_child_safe(child, cursor, parent) \
	list_for_each_entry_safe(child, cursor, &(parent)->d_subdirs, d_child)
#endif

#ifndef HAVE_D_EXACT_ALIAS
#define d_exact_alias(dentry, inode)	((struct dentry *)NULL)
#endif
#endif
