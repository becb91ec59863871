/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sysctl registration across v6.6 (register_sysctl_table() and .child
 * removed, tables registered by path with their size) and v6.11 (handlers
 * take a const table). Reads: HAVE_REGISTER_SYSCTL_SZ,
 * HAVE_CTL_TABLE_CONST_HANDLER.
 */
#ifndef NFSB_COMPAT_LINUX_SYSCTL_H
#define NFSB_COMPAT_LINUX_SYSCTL_H
#include_next <linux/sysctl.h>

/* The table type a proc_handler receives: write handlers as
 * "static int h(NFSB_CTL_TABLE *table, int write, ...)". */
#ifdef HAVE_CTL_TABLE_CONST_HANDLER
#define NFSB_CTL_TABLE const struct ctl_table
#else
#define NFSB_CTL_TABLE struct ctl_table
#endif

/*
 * Register a sentinel-terminated table (the 6.1 form) under path. Kernels
 * with register_sysctl_sz() count entries and reject the sentinel's NULL
 * procname, so it is left out of the size there.
 */
#ifdef HAVE_REGISTER_SYSCTL_SZ
#define nfsb_register_sysctl(path, table) \
	register_sysctl_sz(path, table, ARRAY_SIZE(table) - 1)
#else
#define nfsb_register_sysctl(path, table) register_sysctl(path, table)
#endif
#endif
