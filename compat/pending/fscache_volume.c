// SPDX-License-Identifier: GPL-2.0-only
// fscache_volume: The rewritten fscache API: volumes and cookies (fscache_acquire_volume()).
// Changed in: v5.17, commit ("fscache: Implement volume registration")
// probe: symbol __fscache_acquire_volume
// define: HAVE_FSCACHE_VOLUME

#include <linux/fscache.h>

static struct fscache_volume * __attribute__((unused)) nfsb_fscache_volume(void)
{
	return fscache_acquire_volume("nfsb", NULL, NULL, 0);
}
