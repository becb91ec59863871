/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * export_operations->fetch_iversion, through which the NFS client gave nfsd
 * the server's change attribute when an NFS mount is re-exported, went away
 * in v6.7. Without it nfsd builds the change attribute from ctime and
 * i_version, as for any other filesystem; the build names this as a
 * compiled-out feature.
 *
 * v6.6 gave exportfs_decode_fh_raw() a flags argument; nfsd passes none.
 * Reads: HAVE_EXPORT_OP_FETCH_IVERSION, HAVE_EXPORTFS_DECODE_FH_RAW_FLAGS.
 */
#ifndef NFSB_COMPAT_LINUX_EXPORTFS_H
#define NFSB_COMPAT_LINUX_EXPORTFS_H
#include_next <linux/exportfs.h>

#ifdef HAVE_EXPORT_OP_FETCH_IVERSION
#define nfsb_export_fetch_iversion(sb)		((sb)->s_export_op->fetch_iversion)
#define NFSB_EXPORT_OP_FETCH_IVERSION(fn)	.fetch_iversion = (fn),
#else
#define nfsb_export_fetch_iversion(sb)		((u64 (*)(struct inode *))NULL)
#define NFSB_EXPORT_OP_FETCH_IVERSION(fn)
#endif

#ifdef HAVE_EXPORTFS_DECODE_FH_RAW_FLAGS
#define nfsb_exportfs_decode_fh_raw(mnt, fid, len, type, acceptable, ctx) \
	exportfs_decode_fh_raw(mnt, fid, len, type, 0, acceptable, ctx)
#else
#define nfsb_exportfs_decode_fh_raw(mnt, fid, len, type, acceptable, ctx) \
	exportfs_decode_fh_raw(mnt, fid, len, type, acceptable, ctx)
#endif
#endif
