// SPDX-License-Identifier: GPL-2.0-only
// set_page_dirty_nobuffers: __set_page_dirty_nobuffers(page) still exists.
// Changed in: removed in v6.8; filemap_dirty_folio() replaces it
// probe: compile
// define: HAVE_SET_PAGE_DIRTY_NOBUFFERS

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/writeback.h>

static bool __attribute__((unused)) nfsb_dirty(struct page *page)
{
	return __set_page_dirty_nobuffers(page);
}
