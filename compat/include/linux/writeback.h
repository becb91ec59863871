/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * v6.3 made write_cache_pages() hand its callback a folio. The 6.1 client
 * keeps its page-based callback; NFSB_WRITEPAGE_CB names what to pass, and
 * NFSB_DEFINE_WRITEPAGE_CB (once, after the callback) defines the folio
 * adapter where the target needs one. NFS page-cache folios are single
 * pages. Reads: HAVE_WRITEPAGE_FOLIO.
 */
#ifndef NFSB_COMPAT_LINUX_WRITEBACK_H
#define NFSB_COMPAT_LINUX_WRITEBACK_H
#include_next <linux/writeback.h>

#ifdef HAVE_WRITEPAGE_FOLIO
#define NFSB_WRITEPAGE_CB(fn)	fn##_folio
#define NFSB_DEFINE_WRITEPAGE_CB(fn)						\
static int fn##_folio(struct folio *folio, struct writeback_control *wbc,	\
		      void *data)						\
{										\
	return fn(&folio->page, wbc, data);					\
}
#else
#define NFSB_WRITEPAGE_CB(fn)	fn
#define NFSB_DEFINE_WRITEPAGE_CB(fn)
#endif
#endif
