// SPDX-License-Identifier: GPL-2.0-only
// folio_wait_private_2: folio_wait_private_2_killable() exists: what PG_fscache waits became.
// Changed in: v6.12 (PG_fscache is PG_private_2 and its page-level waits are gone)
// probe: compile
// define: HAVE_FOLIO_WAIT_PRIVATE_2

#include <linux/pagemap.h>

static int __attribute__((unused)) nfsb_folio_wait_private_2(struct folio *folio)
{
	return folio_test_private_2(folio) ? folio_wait_private_2_killable(folio) : 0;
}
