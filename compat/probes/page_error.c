// SPDX-License-Identifier: GPL-2.0-only
// page_error: the PG_error page flag (SetPageError) still exists.
// Changed in: removed in v6.12 (PG_error went away); nothing reads it any more
// probe: compile
// define: HAVE_PAGE_ERROR

#include <linux/page-flags.h>

static void __attribute__((unused)) nfsb_page_error(struct page *page)
{
	SetPageError(page);
}
