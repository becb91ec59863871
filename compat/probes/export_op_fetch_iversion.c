// SPDX-License-Identifier: GPL-2.0-only
// export_op_fetch_iversion: export_operations->fetch_iversion(), the change attribute an exported filesystem supplies.
// Changed in: removed in v6.7; nfsd reads STATX_CHANGE_COOKIE from getattr instead
// probe: member export_operations fetch_iversion
// define: HAVE_EXPORT_OP_FETCH_IVERSION

#include <linux/exportfs.h>
