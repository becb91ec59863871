// SPDX-License-Identifier: GPL-2.0-only
// no_llseek: no_llseek exists (a function, later a NULL macro).
// Changed in: removed in v6.12, commit cb787f4ac0c2 ("[tree-wide] finally take no_llseek out")
// probe: compile
// define: HAVE_NO_LLSEEK

#include <linux/fs.h>

static const struct file_operations nfsb_no_llseek_fops __attribute__((unused)) = {
	.llseek = no_llseek,
};
