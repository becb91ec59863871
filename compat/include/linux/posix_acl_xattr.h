/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Until v6.2 a filesystem listed the POSIX ACL xattr handlers in s_xattr;
 * after it the VFS routes those xattrs to ->get_acl/->set_acl itself and the
 * handlers are gone. NFSB_POSIX_ACL_XATTR_HANDLERS is the list entries, or
 * nothing. Reads: HAVE_POSIX_ACL_XATTR_HANDLER.
 */
#ifndef NFSB_COMPAT_LINUX_POSIX_ACL_XATTR_H
#define NFSB_COMPAT_LINUX_POSIX_ACL_XATTR_H
#include_next <linux/posix_acl_xattr.h>

#ifdef HAVE_POSIX_ACL_XATTR_HANDLER
#define NFSB_POSIX_ACL_XATTR_HANDLERS \
	&posix_acl_access_xattr_handler, &posix_acl_default_xattr_handler,
#else
#define NFSB_POSIX_ACL_XATTR_HANDLERS
#endif
#endif
