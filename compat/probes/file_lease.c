// SPDX-License-Identifier: GPL-2.0-only
// file_lease: Leases are struct file_lease, separate from struct file_lock.
// Changed in: v6.9, commit ("filelock: split leases out of struct file_lock")
// probe: compile
// define: HAVE_FILE_LEASE

#include <linux/fs.h>
#include <linux/filelock.h>

static unsigned int __attribute__((unused)) nfsb_file_lease_flags(struct file_lease *fl)
{
	return fl->c.flc_flags;
}
