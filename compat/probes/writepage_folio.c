// SPDX-License-Identifier: GPL-2.0-only
// writepage_folio: write_cache_pages() callbacks (writepage_t) take a folio.
// Changed in: v6.3
// probe: compile
// define: HAVE_WRITEPAGE_FOLIO

#include <linux/writeback.h>

static int __attribute__((unused)) nfsb_cb(struct folio *folio, struct writeback_control *wbc, void *data)
{
	return 0;
}

static writepage_t nfsb_writepage_folio __attribute__((unused)) = nfsb_cb;
