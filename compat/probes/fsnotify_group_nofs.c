// SPDX-License-Identifier: GPL-2.0-only
// fsnotify_group_nofs: FSNOTIFY_GROUP_NOFS still exists.
// Changed in: removed in v6.8 (every group takes its mark mutex nofs)
// probe: compile
// define: HAVE_FSNOTIFY_GROUP_NOFS

#include <linux/fsnotify_backend.h>

static int nfsb_nofs __attribute__((unused)) = FSNOTIFY_GROUP_NOFS;
