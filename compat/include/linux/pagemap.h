/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page-cache helpers the 6.1 code still calls on pages. v6.12 removed
 * page_index() (folio_index() of the page's folio gives the same answer)
 * and the PG_error flag, which nothing reads any more, so setting it is a
 * no-op there. The other page helpers it uses became folio helpers of the
 * page's folio; PG_fscache is PG_private_2.
 * Reads: HAVE_PAGE_INDEX, HAVE_PAGE_ERROR, HAVE_PAGE_FSCACHE,
 * HAVE_FOLIO_WAIT_PRIVATE_2,
 * HAVE_WAIT_ON_PAGE_LOCKED_KILLABLE, HAVE_PAGE_SWAPCACHE,
 * HAVE_PAGE_FILE_OFFSET, HAVE_TEST_SET_PAGE_WRITEBACK,
 * HAVE_SET_PAGE_DIRTY_NOBUFFERS.
 */
#ifndef NFSB_COMPAT_LINUX_PAGEMAP_H
#define NFSB_COMPAT_LINUX_PAGEMAP_H
#include_next <linux/pagemap.h>

#ifndef HAVE_PAGE_INDEX
static inline pgoff_t page_index(struct page *page)
{
	return folio_index(page_folio(page));
}
#endif

#ifndef HAVE_PAGE_ERROR
static inline void SetPageError(struct page *page)
{
}
#endif

#ifndef HAVE_PAGE_ERROR
static inline void folio_set_error(struct folio *folio)
{
}
#endif

/*
 * Only where the folio waits exist: the legacy tree is a kernel's own code
 * and sees these wrappers too, on kernels that predate both.
 */
#if !defined(HAVE_PAGE_FSCACHE) && defined(HAVE_FOLIO_WAIT_PRIVATE_2)
#define PageFsCache(page)		folio_test_private_2(page_folio(page))
#define folio_test_fscache(folio)	folio_test_private_2(folio)
#define folio_wait_fscache(folio)	folio_wait_private_2(folio)
static inline int wait_on_page_fscache_killable(struct page *page)
{
	return folio_wait_private_2_killable(page_folio(page));
}
#endif

#ifndef HAVE_WAIT_ON_PAGE_LOCKED_KILLABLE
static inline int wait_on_page_locked_killable(struct page *page)
{
	return folio_wait_locked_killable(page_folio(page));
}
#endif

#ifndef HAVE_PAGE_SWAPCACHE
#define PageSwapCache(page)	folio_test_swapcache(page_folio(page))
#endif

#ifndef HAVE_PAGE_FILE_OFFSET
/* page_index() sees through the swap cache, as page_file_offset() did. */
static inline loff_t page_file_offset(struct page *page)
{
	return (loff_t)page_index(page) << PAGE_SHIFT;
}
#endif

#ifndef HAVE_TEST_SET_PAGE_WRITEBACK
/*
 * The callers only warn when the page was already under writeback;
 * folio_start_writeback() checks that itself.
 */
static inline bool test_set_page_writeback(struct page *page)
{
	folio_start_writeback(page_folio(page));
	return false;
}
#endif

#ifndef HAVE_SET_PAGE_DIRTY_NOBUFFERS
#include <linux/writeback.h>

static inline bool __set_page_dirty_nobuffers(struct page *page)
{
	struct folio *folio = page_folio(page);

	return filemap_dirty_folio(folio_mapping(folio), folio);
}
#endif
#endif
