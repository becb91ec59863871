// SPDX-License-Identifier: GPL-2.0-only
// asm_unaligned_h: <asm/unaligned.h> still exists.
// Changed in: removed in v6.12, commit 5f60d5f6bbc1 ("move asm/unaligned.h to linux/unaligned.h")
// probe: header asm/unaligned.h
// define: HAVE_ASM_UNALIGNED_H
