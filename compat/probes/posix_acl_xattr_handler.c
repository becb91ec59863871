// SPDX-License-Identifier: GPL-2.0-only
// posix_acl_xattr_handler: Filesystems list the POSIX ACL xattr handlers in s_xattr.
// Changed in: removed in v6.2/v6.6 (ACL xattrs go through ->get_acl/->set_acl)
// probe: symbol posix_acl_access_xattr_handler
// define: HAVE_POSIX_ACL_XATTR_HANDLER

#include <linux/xattr.h>
#include <linux/posix_acl_xattr.h>

static const struct xattr_handler *nfsb_pah __attribute__((unused)) = &posix_acl_access_xattr_handler;
