/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel_sendpage() was removed in v6.5: a page is sent zero-copy with
 * sendmsg(MSG_SPLICE_PAGES) over a one-entry bio_vec iterator instead,
 * which is what kernel_sendpage() did for TCP. Reads: HAVE_KERNEL_SENDPAGE.
 */
#ifndef NFSB_COMPAT_LINUX_NET_H
#define NFSB_COMPAT_LINUX_NET_H
#include_next <linux/net.h>

#ifndef HAVE_KERNEL_SENDPAGE
#include <linux/bvec.h>
#include <linux/socket.h>
#include <linux/uio.h>

static inline int kernel_sendpage(struct socket *sock, struct page *page,
				  int offset, size_t size, int flags)
{
	struct bio_vec bvec;
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

	bvec_set_page(&bvec, page, size, offset);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, size);
	return sock_sendmsg(sock, &msg);
}
#endif
#endif
