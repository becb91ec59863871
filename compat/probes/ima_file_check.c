// SPDX-License-Identifier: GPL-2.0-only
// ima_file_check: ima_file_check() is callable by modules.
// Changed in: removed in v6.9, commit ("ima: Move to LSM infrastructure"); security_file_post_open() runs it
// probe: compile
// define: HAVE_IMA_FILE_CHECK

#include <linux/ima.h>

static int __attribute__((unused)) nfsb_ima(struct file *file)
{
	return ima_file_check(file, MAY_READ);
}
