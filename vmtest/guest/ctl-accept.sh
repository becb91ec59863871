#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# nfsbundle-ctl acceptance inside the vmtest guest (busybox sh), one step
# per extra check (vmtest.CtlOptions): the guest booted the kernel's own NFS
# stack with /lib/modules/$VMTEST_KVER installed as the packages install it.
#   ctl-accept stock       status says inbox, verify fails with MISMATCH
#   ctl-accept reload      refuses while $VMTEST_NFS_MOUNT is busy, then swaps
#                          the stack; status and verify show ours
#   ctl-accept trace-start collect the meta preset into RAM
#   ctl-accept mountstats  nconnect=4 mount at $VMTEST_NFS_MOUNT: 4 transports
#   ctl-accept trace-check the mount's nfs/sunrpc events are in the buffer; save
set -u
CTL=${CTL:-/usr/sbin/nfsbundle-ctl}
T=/tmp/ctl-accept
mkdir -p "$T"

fail() {
	echo "FAIL: $*"
	exit 1
}

# run NAME ARGS...: run nfsbundle-ctl, keep stdout/stderr in $T/NAME.{out,err},
# echo both, set RC.
run() {
	name=$1
	shift
	echo "+ nfsbundle-ctl $*"
	"$CTL" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
	sed 's/^/  out| /' "$T/$name.out"
	sed 's/^/  err| /' "$T/$name.err"
	echo "  exit $RC"
}

# has NAME STREAM PATTERN: STREAM (out/err) of NAME has a line matching the
# basic regular expression PATTERN.
has() {
	grep -q -- "$3" "$T/$1.$2" || fail "nfsbundle-ctl $1: no line matching '$3' on std$2"
}

step_stock() {
	[ ! -e /sys/module/sunrpc/parameters/nfs_bundle_version ] || fail "nfsbundle's sunrpc is loaded, want the kernel's own"
	run status status
	[ "$RC" = 0 ] || fail "status exited $RC"
	has status out '^version: inbox stack loaded'
	has status out '^kernel modules: sunrpc'
	has status out '^services: skipped (systemd not running)'
	run verify verify
	[ "$RC" = 1 ] || fail "verify exited $RC with the kernel's own stack loaded, want 1"
	has verify out '^sunrpc  *MISMATCH'
	echo "stock: inbox stack reported, verify MISMATCH"
}

step_reload() {
	M=${VMTEST_NFS_MOUNT:?no NFS mount}
	grep -q " $M nfs " /proc/mounts || fail "$M is not an NFS mount"
	(cd "$M" && exec sleep 300) &
	pid=$!
	i=0
	while [ "$(readlink "/proc/$pid/cwd")" != "$M" ] || [ "$(cat "/proc/$pid/comm")" != sleep ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the busy process $pid did not start in $M"
		sleep 0.1
	done
	run reload-busy reload
	[ "$RC" = 1 ] || fail "reload exited $RC while $M is busy, want 1"
	has reload-busy err "busy: $M: pid $pid (sleep) uses $M"
	has reload-busy err 'nothing was changed'
	grep -q " $M nfs " /proc/mounts || fail "the refused reload unmounted $M"
	[ ! -e /sys/module/sunrpc/parameters/nfs_bundle_version ] || fail "the refused reload swapped the stack"
	kill "$pid"
	wait "$pid" 2>/dev/null

	run reload reload
	[ "$RC" = 0 ] || fail "reload exited $RC"
	has reload out "umounting nfs $M"
	has reload out 'unloading kmod sunrpc'
	has reload out 'loading kmod sunrpc'
	has reload out "loaded nfsbundle $VMTEST_VERSION"
	got=$(cat /sys/module/sunrpc/parameters/nfs_bundle_version) || fail "no nfs_bundle_version after reload"
	[ "$got" = "$VMTEST_VERSION" ] || fail "nfs_bundle_version is $got after reload, want $VMTEST_VERSION"

	run status-after status
	[ "$RC" = 0 ] || fail "status exited $RC"
	has status-after out "^version: $VMTEST_VERSION"
	run verify-after verify
	[ "$RC" = 0 ] || fail "verify exited $RC after reload, want 0"
	has verify-after out '^sunrpc  *ok '
	! grep -q MISMATCH "$T/verify-after.out" || fail "verify reports a MISMATCH after reload"
	echo "reload: refused while busy (pid $pid), then swapped to nfsbundle $got; verify ok"
}

step_trace_start() {
	run trace-collect trace collect meta:16
	[ "$RC" = 0 ] || fail "trace collect exited $RC"
	echo "trace: collecting meta"
}

step_mountstats() {
	M=${VMTEST_NFS_MOUNT:?no NFS mount}
	grep -q "nconnect=4" /proc/mounts || fail "the mount at $M has no nconnect=4"
	run mountstats mountstats --expose-id
	[ "$RC" = 0 ] || fail "mountstats exited $RC"
	has mountstats out "mounted on $M with fstype nfs"
	has mountstats out "$(printf '^\ttransports:\t4$')"
	n=$(grep -c "$(printf '^\txprt:\t')" "$T/mountstats.out")
	[ "$n" = 4 ] || fail "mountstats shows $n xprt lines, want 4"
	has mountstats out "$(printf '^\tsunrpc-id:\t')"
	echo "mountstats: 4 transports on $M"
}

step_trace_check() {
	run trace-show trace show
	[ "$RC" = 0 ] || fail "trace show exited $RC"
	sun=$(grep -cE 'rpc_clnt_new|xprt_create' "$T/trace-show.out")
	nfs=$(grep -cE 'nfs_mount_' "$T/trace-show.out")
	[ "$sun" -ge 1 ] || fail "no sunrpc client/transport creation event during the mount"
	[ "$nfs" -ge 1 ] || fail "no nfs_mount_* event during the mount"
	rm -f /tmp/t.tar.gz
	run trace-save trace save -o /tmp/t.tar.gz
	[ "$RC" = 0 ] || fail "trace save exited $RC"
	tar -tzf /tmp/t.tar.gz >"$T/tar.list" || fail "trace save wrote no readable tarball"
	grep -q 'meta.txt$' "$T/tar.list" || fail "the saved tarball has no meta.txt: $(cat "$T/tar.list")"
	echo "trace: $sun sunrpc and $nfs nfs mount events; saved $(wc -l <"$T/tar.list") files"
}

case "${1:-}" in
stock) step_stock ;;
reload) step_reload ;;
trace-start) step_trace_start ;;
mountstats) step_mountstats ;;
trace-check) step_trace_check ;;
*) fail "usage: ctl-accept stock|reload|trace-start|mountstats|trace-check" ;;
esac
