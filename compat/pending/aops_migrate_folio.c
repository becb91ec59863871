// SPDX-License-Identifier: GPL-2.0-only
// aops_migrate_folio: address_space_operations->migrate_folio() (replaces ->migratepage()).
// Changed in: v6.0, commit ("fs: Add aops->migrate_folio")
// probe: member address_space_operations migrate_folio
// define: HAVE_AOPS_MIGRATE_FOLIO

#include <linux/fs.h>
