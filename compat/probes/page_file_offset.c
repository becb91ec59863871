// SPDX-License-Identifier: GPL-2.0-only
// page_file_offset: page_file_offset(page) still exists.
// Changed in: removed in v6.12
// probe: compile
// define: HAVE_PAGE_FILE_OFFSET

#include <linux/pagemap.h>

static loff_t __attribute__((unused)) nfsb_page_file_offset(struct page *page)
{
	return page_file_offset(page);
}
