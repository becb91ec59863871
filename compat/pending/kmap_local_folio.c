// SPDX-License-Identifier: GPL-2.0-only
// kmap_local_folio: kmap_local_folio(folio, offset).
// Changed in: v5.16/v5.17, commit ("mm: Add kmap_local_folio()")
// probe: compile
// define: HAVE_KMAP_LOCAL_FOLIO

#include <linux/highmem.h>

static void __attribute__((unused)) nfsb_kmap_local_folio(struct folio *folio)
{
	void *p = kmap_local_folio(folio, 0);

	kunmap_local(p);
}
