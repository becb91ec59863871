// SPDX-License-Identifier: GPL-2.0-only
// kernel_sendpage: kernel_sendpage() is declared and exported.
// Changed in: removed in v6.5, commit dc97391e6610 ("sock: Remove ->sendpage*() in favour of sendmsg(MSG_SPLICE_PAGES)")
// probe: symbol kernel_sendpage
// define: HAVE_KERNEL_SENDPAGE

#include <linux/net.h>

static int __attribute__((unused)) nfsb_kernel_sendpage(struct socket *sock, struct page *page)
{
	return kernel_sendpage(sock, page, 0, PAGE_SIZE, 0);
}
