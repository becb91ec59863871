// SPDX-License-Identifier: GPL-2.0-only
// test_set_page_writeback: test_set_page_writeback(page) still exists.
// Changed in: removed in v6.8; folio_start_writeback() replaces it
// probe: compile
// define: HAVE_TEST_SET_PAGE_WRITEBACK

#include <linux/page-flags.h>

static bool __attribute__((unused)) nfsb_test_set_page_writeback(struct page *page)
{
	return test_set_page_writeback(page);
}
