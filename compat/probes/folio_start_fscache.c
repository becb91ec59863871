// SPDX-License-Identifier: GPL-2.0-only
// folio_start_fscache: folio_start_fscache()/folio_wait_fscache() mark folios being written to the cache.
// Changed in: v5.17, commit ("netfs: Add a netfs inode context"); removed by v6.12 with PG_fscache (PG_private_2), commit ("netfs: Remove deprecated use of PG_private_2 as a second writeback flag")
// probe: compile
// define: HAVE_FOLIO_START_FSCACHE

#include <linux/netfs.h>

static void __attribute__((unused)) nfsb_folio_start_fscache(struct folio *folio)
{
	folio_start_fscache(folio);
}
