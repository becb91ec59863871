// SPDX-License-Identifier: GPL-2.0-only
// iov_iter_get_pages2: iov_iter_get_pages2()/iov_iter_get_pages_alloc2() advance the iterator.
// Changed in: v6.0, commit ("iov_iter: advancing variants of iov_iter_get_pages{,_alloc}()")
// probe: compile
// define: HAVE_IOV_ITER_GET_PAGES2

#include <linux/uio.h>

static ssize_t __attribute__((unused)) nfsb_iov_iter_get_pages2(struct iov_iter *i, struct page **pages, size_t *start)
{
	return iov_iter_get_pages2(i, pages, PAGE_SIZE, 1, start);
}
