// SPDX-License-Identifier: GPL-2.0-only
// proto_ops_sendpage: struct proto_ops has ->sendpage().
// Changed in: removed in v6.5, commit dc97391e6610 ("sock: Remove ->sendpage*() in favour of sendmsg(MSG_SPLICE_PAGES)")
// probe: member proto_ops sendpage
// define: HAVE_PROTO_OPS_SENDPAGE

#include <linux/net.h>
