// SPDX-License-Identifier: GPL-2.0-only
// aops_read_folio: address_space_operations->read_folio() (replaces ->readpage()).
// Changed in: v5.19, commit 5efe7448a142 ("fs: Introduce aops->read_folio")
// probe: member address_space_operations read_folio
// define: HAVE_AOPS_READ_FOLIO

#include <linux/fs.h>
