// SPDX-License-Identifier: GPL-2.0-only
// filemap_invalidate_lock: filemap_invalidate_lock()/unlock() and mapping->invalidate_lock.
// Changed in: v5.15, commit 730633f0b7f9 ("mm: Protect operations adding pages to page cache with invalidate_lock")
// probe: compile
// define: HAVE_FILEMAP_INVALIDATE_LOCK

#include <linux/fs.h>

static void __attribute__((unused)) nfsb_filemap_invalidate_lock(struct address_space *m)
{
	filemap_invalidate_lock(m);
	filemap_invalidate_unlock(m);
}
