// SPDX-License-Identifier: GPL-2.0-only
// bvec_set_page: bvec_set_page() initialises a bio_vec.
// Changed in: v6.4, commit ("block: add a bvec_set_page helper"); backported to 6.1.y
// probe: compile
// define: HAVE_BVEC_SET_PAGE

#include <linux/bvec.h>

static void __attribute__((unused)) nfsb_bvec_set_page(struct bio_vec *bv, struct page *page)
{
	bvec_set_page(bv, page, PAGE_SIZE, 0);
}
