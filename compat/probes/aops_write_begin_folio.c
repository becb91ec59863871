// SPDX-License-Identifier: GPL-2.0-only
// aops_write_begin_folio: address_space_operations->write_begin() returns a struct folio **.
// Changed in: v6.12, commit ("fs: Convert aops->write_begin to take a folio")
// probe: compile
// define: HAVE_AOPS_WRITE_BEGIN_FOLIO
// werror

#include <linux/fs.h>

static int nfsb_aops_write_begin_folio_fn(struct file *f, struct address_space *m, loff_t pos,
					  unsigned int len, struct folio **foliop, void **fsdata)
{
	return 0;
}
static const struct address_space_operations nfsb_aops_write_begin_folio_ops __attribute__((unused)) = {
	.write_begin = nfsb_aops_write_begin_folio_fn,
};
