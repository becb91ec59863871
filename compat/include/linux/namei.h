/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * v6.2 gave follow_down() lookup flags (nfsd uses them to trigger
 * automounts); the 6.1 nfsd passes none. Reads: HAVE_FOLLOW_DOWN_FLAGS.
 */
#ifndef NFSB_COMPAT_LINUX_NAMEI_H
#define NFSB_COMPAT_LINUX_NAMEI_H
#include_next <linux/namei.h>

#ifdef HAVE_FOLLOW_DOWN_FLAGS
#define nfsb_follow_down(path)	follow_down(path, 0)
#else
#define nfsb_follow_down(path)	follow_down(path)
#endif
#endif
