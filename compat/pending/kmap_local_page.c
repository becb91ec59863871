// SPDX-License-Identifier: GPL-2.0-only
// kmap_local_page: kmap_local_page()/kunmap_local().
// Changed in: v5.11, commit f3ba3c710ac5 ("mm/highmem: Provide kmap_local*")
// probe: compile
// define: HAVE_KMAP_LOCAL_PAGE

#include <linux/highmem.h>

static void __attribute__((unused)) nfsb_kmap_local_page(struct page *page)
{
	void *p = kmap_local_page(page);

	kunmap_local(p);
}
