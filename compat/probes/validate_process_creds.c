// SPDX-License-Identifier: GPL-2.0-only
// validate_process_creds: the CONFIG_DEBUG_CREDENTIALS check still exists.
// Changed in: removed in v6.7, commit ("cred: get rid of CONFIG_DEBUG_CREDENTIALS")
// probe: compile
// define: HAVE_VALIDATE_PROCESS_CREDS

#include <linux/cred.h>

static void __attribute__((unused)) nfsb_validate_process_creds(void)
{
	validate_process_creds();
}
