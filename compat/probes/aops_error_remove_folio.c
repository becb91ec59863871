// SPDX-License-Identifier: GPL-2.0-only
// aops_error_remove_folio: address_space_operations->error_remove_folio().
// Changed in: v6.8, commit ("fs: Convert error_remove_page to error_remove_folio")
// probe: member address_space_operations error_remove_folio
// define: HAVE_AOPS_ERROR_REMOVE_FOLIO

#include <linux/fs.h>
