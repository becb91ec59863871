// SPDX-License-Identifier: GPL-2.0-only
// aops_launder_folio: address_space_operations->launder_folio() (replaces ->launder_page()).
// Changed in: v5.18, commit ("fs: Convert ->launder_page to ->launder_folio")
// probe: member address_space_operations launder_folio
// define: HAVE_AOPS_LAUNDER_FOLIO

#include <linux/fs.h>
