#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Extra check used by TestVMExtraHook: runs inside the guest (busybox sh).
set -eu
grep -q vmtest.hook=1 /proc/cmdline
[ "$(cat "$VMTEST_NFS_MOUNT/hello")" = "hello from vmtest" ]
grep -q "mounted on $VMTEST_NFS_MOUNT with fstype nfs" /proc/self/mountstats
[ -n "$VMTEST_KVER" ] && [ -d "$VMTEST_MODDIR" ]
echo "extra check ok on $VMTEST_KVER"
