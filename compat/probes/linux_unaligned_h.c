// SPDX-License-Identifier: GPL-2.0-only
// linux_unaligned_h: get_unaligned() and friends come from <linux/unaligned.h>.
// Changed in: v6.12, commit 5f60d5f6bbc1 ("move asm/unaligned.h to linux/unaligned.h")
// probe: header linux/unaligned.h
// define: HAVE_LINUX_UNALIGNED_H
