// SPDX-License-Identifier: GPL-2.0-only
// aops_dirty_folio: address_space_operations->dirty_folio() (replaces ->set_page_dirty()).
// Changed in: v5.18, commit ("fs: Add aops->dirty_folio")
// probe: member address_space_operations dirty_folio
// define: HAVE_AOPS_DIRTY_FOLIO

#include <linux/fs.h>
