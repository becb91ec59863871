// SPDX-License-Identifier: GPL-2.0-only
// exportfs_decode_fh_raw_flags: exportfs_decode_fh_raw() takes a flags argument.
// Changed in: v6.6 (EXPORT_FH_* decode flags)
// probe: compile
// define: HAVE_EXPORTFS_DECODE_FH_RAW_FLAGS

#include <linux/exportfs.h>

static struct dentry * __attribute__((unused)) nfsb_decode(struct vfsmount *mnt, struct fid *fid)
{
	return exportfs_decode_fh_raw(mnt, fid, 0, 0, 0, NULL, NULL);
}
