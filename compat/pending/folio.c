// SPDX-License-Identifier: GPL-2.0-only
// folio: struct folio and page_folio().
// Changed in: v5.16, commit 7b230db3b8d3 ("mm: Introduce struct folio")
// probe: compile
// define: HAVE_FOLIO

#include <linux/mm.h>

static struct folio * __attribute__((unused)) nfsb_folio(struct page *page)
{
	return page_folio(page);
}
