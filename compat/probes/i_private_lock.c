// SPDX-License-Identifier: GPL-2.0-only
// i_private_lock: address_space->private_lock was renamed i_private_lock.
// Changed in: v6.8, commit ("fs: Rename mapping private members")
// probe: member address_space i_private_lock
// define: HAVE_MAPPING_I_PRIVATE_LOCK

#include <linux/fs.h>
