/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * <linux/fs.h> as the 6.1 code expects it, on every kernel the main tree
 * covers. Reads: HAVE_LINUX_FILELOCK_H, HAVE_NO_LLSEEK, HAVE_INODE_GET_MTIME,
 * HAVE_FILE_LOCK_CORE, HAVE_LOCKS_INODE, HAVE_MAPPING_I_PRIVATE_LOCK.
 */
#ifndef NFSB_COMPAT_LINUX_FS_H
#define NFSB_COMPAT_LINUX_FS_H
#include_next <linux/fs.h>

#ifdef HAVE_LINUX_FILELOCK_H
/*
 * v6.3 moved the file locking API to <linux/filelock.h>, and v6.9 stopped
 * including it from fs.h; the 6.1 code gets it from fs.h.
 */
#include <linux/filelock.h>
#endif

/*
 * v6.9 moved the fields locks and leases share into struct file_lock_core
 * (fl->c.flc_flags, ...). The tree reaches them through these accessors
 * (lvalues; compat/patchgen/file_lock_core.cocci), and names the list
 * member NFSB_FL_LIST in list_for_each_entry() and friends.
 */
#ifdef HAVE_FILE_LOCK_CORE
#define nfsb_fl_flags(fl)		((fl)->c.flc_flags)
#define nfsb_fl_type(fl)		((fl)->c.flc_type)
#define nfsb_fl_owner(fl)		((fl)->c.flc_owner)
#define nfsb_fl_pid(fl)			((fl)->c.flc_pid)
#define nfsb_fl_file(fl)		((fl)->c.flc_file)
#define nfsb_fl_wait(fl)		((fl)->c.flc_wait)
#define nfsb_fl_blocked_requests(fl)	((fl)->c.flc_blocked_requests)
#define nfsb_fl_blocked_member(fl)	((fl)->c.flc_blocked_member)
#define NFSB_FL_LIST			c.flc_list
#else
#define nfsb_fl_flags(fl)		((fl)->fl_flags)
#define nfsb_fl_type(fl)		((fl)->fl_type)
#define nfsb_fl_owner(fl)		((fl)->fl_owner)
#define nfsb_fl_pid(fl)			((fl)->fl_pid)
#define nfsb_fl_file(fl)		((fl)->fl_file)
#define nfsb_fl_wait(fl)		((fl)->fl_wait)
#define nfsb_fl_blocked_requests(fl)	((fl)->fl_blocked_requests)
#define nfsb_fl_blocked_member(fl)	((fl)->fl_blocked_member)
#define NFSB_FL_LIST			fl_list
#endif

#ifndef HAVE_LOCKS_INODE
/* v6.3 replaced locks_inode(file) with file_inode(), which it had become. */
#define locks_inode(file) file_inode(file)
#endif

#ifndef HAVE_MAPPING_I_PRIVATE_LOCK
/*
 * v6.8 renamed address_space->private_lock to i_private_lock; the tree uses
 * the new name (compat/patchgen/i_private_lock.cocci). No other identifier
 * of that name exists on the older kernels this maps back on.
 */
#define i_private_lock private_lock
#endif

#ifndef HAVE_NO_LLSEEK
/*
 * v6.12 removed no_llseek: a NULL ->llseek now clears FMODE_LSEEK at open,
 * so lseek fails with -ESPIPE exactly as no_llseek made it.
 */
#define no_llseek NULL
#endif

#ifndef HAVE_INODE_GET_MTIME
/*
 * v6.7 hid the inode timestamps behind accessors (the fields became
 * __i_atime/__i_mtime). The tree uses the accessors (a Coccinelle patch,
 * compat/patchgen/inode_times.cocci); older kernels get them here. The ctime
 * accessors are in Debian's 5.10.y and 6.1.y already.
 */
static inline struct timespec64 inode_get_atime(const struct inode *inode)
{
	return inode->i_atime;
}

static inline struct timespec64 inode_set_atime_to_ts(struct inode *inode,
						      struct timespec64 ts)
{
	inode->i_atime = ts;
	return ts;
}

static inline struct timespec64 inode_get_mtime(const struct inode *inode)
{
	return inode->i_mtime;
}

static inline struct timespec64 inode_set_mtime_to_ts(struct inode *inode,
						      struct timespec64 ts)
{
	inode->i_mtime = ts;
	return ts;
}

/* Sets all three to the current time, as simple_inode_init_ts() does. */
static inline struct timespec64 simple_inode_init_ts(struct inode *inode)
{
	struct timespec64 ts = inode_set_ctime_current(inode);

	inode->i_atime = ts;
	inode->i_mtime = ts;
	return ts;
}
#endif /* !HAVE_INODE_GET_MTIME */
#endif
