/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * v6.2 made the kobj_type namespace callbacks take a const kobject.
 * Reads: HAVE_KOBJ_TYPE_CONST_NAMESPACE.
 */
#ifndef NFSB_COMPAT_LINUX_KOBJECT_H
#define NFSB_COMPAT_LINUX_KOBJECT_H
#include_next <linux/kobject.h>

/* The kobject type of ->namespace() and ->child_ns_type() callbacks. */
#ifdef HAVE_KOBJ_TYPE_CONST_NAMESPACE
#define NFSB_NS_KOBJECT const struct kobject
#else
#define NFSB_NS_KOBJECT struct kobject
#endif
#endif
