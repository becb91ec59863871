// SPDX-License-Identifier: GPL-2.0-only
// iter_source: iov_iter directions are ITER_SOURCE/ITER_DEST instead of WRITE/READ.
// Changed in: v6.1, commit de4eda9de2d9 ("use less confusing names for iov_iter direction initializers")
// probe: compile
// define: HAVE_ITER_SOURCE

#include <linux/uio.h>

static const int nfsb_iter_source[] __attribute__((unused)) = { ITER_SOURCE, ITER_DEST };
