// SPDX-License-Identifier: GPL-2.0-only
// page_fscache: PageFsCache() and the page-level fscache waits still exist.
// Changed in: removed in v6.12 (PG_fscache is PG_private_2, with folio_*_private_2 helpers)
// probe: compile
// define: HAVE_PAGE_FSCACHE

#include <linux/pagemap.h>
#include <linux/netfs.h>

static int __attribute__((unused)) nfsb_page_fscache(struct page *page)
{
	return PageFsCache(page) ? wait_on_page_fscache_killable(page) : folio_test_fscache(page_folio(page));
}
