// SPDX-License-Identifier: GPL-2.0-only
// linux_mnt_idmapping_h: The idmapping helpers live in <linux/mnt_idmapping.h>.
// Changed in: v5.17, commit ("fs: move mapping helpers")
// probe: header linux/mnt_idmapping.h
// define: HAVE_LINUX_MNT_IDMAPPING_H
