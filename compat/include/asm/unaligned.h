/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * asm/unaligned.h moved to linux/unaligned.h in v6.12, commit 5f60d5f6bbc1
 * ("move asm/unaligned.h to linux/unaligned.h"). The 6.1 code includes the
 * old name; on kernels that have it, pass through to the kernel's own.
 */
#ifndef NFSB_COMPAT_ASM_UNALIGNED_H
#define NFSB_COMPAT_ASM_UNALIGNED_H
#ifdef HAVE_ASM_UNALIGNED_H
#include_next <asm/unaligned.h>
#else
#include <linux/unaligned.h>
#endif
#endif
