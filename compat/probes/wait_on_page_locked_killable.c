// SPDX-License-Identifier: GPL-2.0-only
// wait_on_page_locked_killable: wait_on_page_locked_killable() still exists.
// Changed in: removed in v6.12; folio_wait_locked_killable() replaces it
// probe: compile
// define: HAVE_WAIT_ON_PAGE_LOCKED_KILLABLE

#include <linux/pagemap.h>

static int __attribute__((unused)) nfsb_wait_locked(struct page *page)
{
	return wait_on_page_locked_killable(page);
}
