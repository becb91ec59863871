/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The POSIX ACL API moved to dentries in v6.2: set_posix_acl() and
 * ->set_acl() take the dentry, and ->get_acl() became ->get_inode_acl()
 * (get_acl() became get_inode_acl()). The tree passes nfsb_acl_target,
 * made from a dentry with nfsb_acl_target_of(), and names the inode
 * operations through NFSB_IOP_GET_ACL.
 * Reads: HAVE_SET_POSIX_ACL_DENTRY, HAVE_IOPS_GET_INODE_ACL.
 */
#ifndef NFSB_COMPAT_LINUX_POSIX_ACL_H
#define NFSB_COMPAT_LINUX_POSIX_ACL_H
#include_next <linux/posix_acl.h>
#include <linux/dcache.h>

#ifdef HAVE_SET_POSIX_ACL_DENTRY
typedef struct dentry nfsb_acl_target;
#define nfsb_acl_target_of(dentry)	(dentry)
#define nfsb_acl_target_inode(t)	d_inode(t)
#else
typedef struct inode nfsb_acl_target;
#define nfsb_acl_target_of(dentry)	d_inode(dentry)
#define nfsb_acl_target_inode(t)	(t)
#endif

#ifdef HAVE_IOPS_GET_INODE_ACL
#define NFSB_IOP_GET_ACL		get_inode_acl
#define nfsb_get_inode_acl(inode, type)	get_inode_acl(inode, type)
#else
#define NFSB_IOP_GET_ACL		get_acl
#define nfsb_get_inode_acl(inode, type)	get_acl(inode, type)
#endif
#endif
