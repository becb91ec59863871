// SPDX-License-Identifier: GPL-2.0-only
// page_swapcache: PageSwapCache(page) still exists.
// Changed in: removed in v6.12; folio_test_swapcache() replaces it
// probe: compile
// define: HAVE_PAGE_SWAPCACHE

#include <linux/page-flags.h>

static int __attribute__((unused)) nfsb_page_swapcache(struct page *page)
{
	return PageSwapCache(page);
}
