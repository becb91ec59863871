// SPDX-License-Identifier: GPL-2.0-only
// aops_invalidate_folio: address_space_operations->invalidate_folio() (replaces ->invalidatepage()).
// Changed in: v5.18, commit ("fs: Add invalidate_folio() aops method")
// probe: member address_space_operations invalidate_folio
// define: HAVE_AOPS_INVALIDATE_FOLIO

#include <linux/fs.h>
