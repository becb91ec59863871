// SPDX-License-Identifier: GPL-2.0-only
// page_index: page_index(page) still exists.
// Changed in: removed in v6.12; folio_index(page_folio()) replaces it
// probe: compile
// define: HAVE_PAGE_INDEX

#include <linux/mm.h>

static pgoff_t __attribute__((unused)) nfsb_page_index(struct page *page)
{
	return page_index(page);
}
