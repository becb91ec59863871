// SPDX-License-Identifier: GPL-2.0-only
// msg_splice_pages: sendmsg() accepts MSG_SPLICE_PAGES (the replacement for ->sendpage()).
// Changed in: v6.5, commit ("net: Declare MSG_SPLICE_PAGES internal sendmsg() flag")
// probe: compile
// define: HAVE_MSG_SPLICE_PAGES

#include <linux/socket.h>

static const int nfsb_msg_splice_pages __attribute__((unused)) = MSG_SPLICE_PAGES;
