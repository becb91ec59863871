/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * v6.9 made IMA an LSM: the measurement nfsd asked for with
 * ima_file_check() after opening a file runs from security_file_post_open().
 * Reads: HAVE_IMA_FILE_CHECK.
 */
#ifndef NFSB_COMPAT_LINUX_IMA_H
#define NFSB_COMPAT_LINUX_IMA_H
#include_next <linux/ima.h>

#ifndef HAVE_IMA_FILE_CHECK
#include <linux/security.h>
#define ima_file_check(file, mask)	security_file_post_open(file, mask)
#endif
#endif
