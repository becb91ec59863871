// SPDX-License-Identifier: GPL-2.0-only
// aops_swap_rw: address_space_operations->swap_rw() (NFS swap files; replaces ->direct_IO for swap).
// Changed in: v5.19, commit ("mm: introduce ->swap_rw and use it for reads from SWP_FS_OPS swap-space")
// probe: member address_space_operations swap_rw
// define: HAVE_AOPS_SWAP_RW

#include <linux/fs.h>
