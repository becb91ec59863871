/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * validate_process_creds() was a CONFIG_DEBUG_CREDENTIALS check that v6.7
 * removed along with that option; without it the check is empty, as it was
 * on every kernel built without the option. Reads: HAVE_VALIDATE_PROCESS_CREDS.
 */
#ifndef NFSB_COMPAT_LINUX_CRED_H
#define NFSB_COMPAT_LINUX_CRED_H
#include_next <linux/cred.h>

#ifndef HAVE_VALIDATE_PROCESS_CREDS
static inline void validate_process_creds(void)
{
}
#endif
#endif
