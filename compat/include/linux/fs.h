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
 * Idmapped mounts: v6.3 passes a struct mnt_idmap where 6.1 passed the
 * mount's user namespace. The tree is written against nfsb_idmap and
 * NFSB_NOP_IDMAP (compat/patchgen/idmap.cocci); before v6.3 they are the
 * user namespace and init_user_ns, as the 6.1 code had them.
 * Reads: HAVE_IOPS_SETATTR_MNT_IDMAP.
 */
#ifdef HAVE_IOPS_SETATTR_MNT_IDMAP
typedef struct mnt_idmap nfsb_idmap;
#define NFSB_NOP_IDMAP		(&nop_mnt_idmap)
#define nfsb_rd_old_idmap	old_mnt_idmap
#define nfsb_rd_new_idmap	new_mnt_idmap
#else
typedef struct user_namespace nfsb_idmap;
#define NFSB_NOP_IDMAP		(&init_user_ns)
#define nfsb_rd_old_idmap	old_mnt_userns
#define nfsb_rd_new_idmap	new_mnt_userns
#endif

/*
 * Leases: v6.9 split them out of struct file_lock into struct file_lease,
 * which has its own lease_manager_operations, no byte range, and an int
 * setlease argument. nfsd's delegations and layouts and the client's
 * ->setlease are written against nfsb_lease; the file_lock_core accessors
 * below work on both. Reads: HAVE_FILE_LEASE.
 */
#ifdef HAVE_FILE_LEASE
typedef struct file_lease nfsb_lease;
typedef int nfsb_lease_arg;
#define nfsb_lease_manager_operations	lease_manager_operations
#define nfsb_alloc_lease()		locks_alloc_lease()
#define nfsb_free_lease(fl)		locks_free_lease(fl)
#define nfsb_lease_whole_file(fl)	do { } while (0)
#else
typedef struct file_lock nfsb_lease;
typedef long nfsb_lease_arg;
#define nfsb_lease_manager_operations	lock_manager_operations
#define nfsb_alloc_lease()		locks_alloc_lock()
#define nfsb_free_lease(fl)		locks_free_lock(fl)
#define nfsb_lease_whole_file(fl)	((fl)->fl_end = OFFSET_MAX)
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

/*
 * generic_file_splice_read() went away in v6.5. copy_splice_read() keeps
 * its behaviour: it reads through ->read_iter, so the NFS client still
 * revalidates the page cache before splicing (filemap_splice_read would
 * not). Reads: HAVE_GENERIC_FILE_SPLICE_READ.
 */
#ifndef HAVE_GENERIC_FILE_SPLICE_READ
#define generic_file_splice_read copy_splice_read
#endif

/*
 * v6.3 made generic_fillattr() take the request mask (for the change
 * cookie). Reads: HAVE_GENERIC_FILLATTR_REQUEST_MASK.
 */
#ifdef HAVE_GENERIC_FILLATTR_REQUEST_MASK
#define nfsb_generic_fillattr(idmap, mask, inode, stat) \
	generic_fillattr(idmap, mask, inode, stat)
#else
#define nfsb_generic_fillattr(idmap, mask, inode, stat) \
	generic_fillattr(idmap, inode, stat)
#endif

/*
 * v6.7 dropped generic_copy_file_range(); splice_copy_file_range() is the
 * same copy through the page cache, without the flags argument (always 0
 * from the NFS client). Reads: HAVE_GENERIC_COPY_FILE_RANGE.
 */
#ifndef HAVE_GENERIC_COPY_FILE_RANGE
#include <linux/splice.h>
#define generic_copy_file_range(in, pos_in, out, pos_out, len, flags) \
	splice_copy_file_range(in, pos_in, out, pos_out, len)
#endif

/*
 * Address-space operations that moved from pages to folios. The 6.1 code
 * keeps its page-based functions; NFSB_AOPS_* name what goes in the
 * operations table, and NFSB_DEFINE_AOPS_* (used once, after the page-based
 * function) define the folio adapter where the target needs one. NFS
 * page-cache folios are single pages, so &folio->page is the whole folio.
 * Reads: HAVE_AOPS_WRITE_BEGIN_FOLIO, HAVE_AOPS_ERROR_REMOVE_FOLIO.
 */
#ifdef HAVE_AOPS_WRITE_BEGIN_FOLIO
#define NFSB_AOPS_WRITE_BEGIN(fn)	fn##_folio
#define NFSB_AOPS_WRITE_END(fn)		fn##_folio
#define NFSB_DEFINE_AOPS_WRITE_BEGIN(fn)					\
static int fn##_folio(struct file *file, struct address_space *mapping,	\
		      loff_t pos, unsigned int len, struct folio **foliop,	\
		      void **fsdata)						\
{										\
	struct page *page;							\
	int ret = fn(file, mapping, pos, len, &page, fsdata);			\
										\
	if (!ret)								\
		*foliop = page_folio(page);					\
	return ret;								\
}
#define NFSB_DEFINE_AOPS_WRITE_END(fn)						\
static int fn##_folio(struct file *file, struct address_space *mapping,	\
		      loff_t pos, unsigned int len, unsigned int copied,	\
		      struct folio *folio, void *fsdata)			\
{										\
	return fn(file, mapping, pos, len, copied, &folio->page, fsdata);	\
}
#else
#define NFSB_AOPS_WRITE_BEGIN(fn)	fn
#define NFSB_AOPS_WRITE_END(fn)		fn
#define NFSB_DEFINE_AOPS_WRITE_BEGIN(fn)
#define NFSB_DEFINE_AOPS_WRITE_END(fn)
#endif

#ifdef HAVE_AOPS_ERROR_REMOVE_FOLIO
#define NFSB_AOPS_GENERIC_ERROR_REMOVE	.error_remove_folio = generic_error_remove_folio
#else
#define NFSB_AOPS_GENERIC_ERROR_REMOVE	.error_remove_page = generic_error_remove_page
#endif
#endif
