#!/bin/sh
# Copyright 2026 The nfsbundle Authors
# SPDX-License-Identifier: Apache-2.0
#
# Regenerates the fixture module tree lib/modules/6.1.0-56-amd64: tiny ELF
# objects whose .modinfo carries the fields nfsbundle-ctl reads (version,
# srcversion, name). Run from internal/ctl/testdata. Needs gcc, objcopy, xz, zstd, gzip.
set -eu
KVER=6.1.0-56-amd64
top=lib/modules/$KVER
rm -rf lib
mkdir -p "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -c -x c /dev/null -o "$tmp/empty.o"

srcv() { printf '%s' "$1" | md5sum | cut -c1-23 | tr a-f A-F; }

# mk PATH NAME [srcversion-or-empty]
mk() {
	path=$1 name=$2 sv=${3-}
	if [ -n "$sv" ]; then
		printf 'version=1.0.0\000srcversion=%s\000name=%s\000vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions \000' "$sv" "$name" >"$tmp/mi"
	else
		printf 'name=%s\000vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions \000' "$name" >"$tmp/mi"
	fi
	mkdir -p "$(dirname "$top/$path")"
	objcopy --add-section .modinfo="$tmp/mi" --set-section-flags .modinfo=alloc,readonly "$tmp/empty.o" "$top/${path%%.ko*}.ko"
	case $path in
	*.ko.xz) xz --check=crc32 -f "$top/${path%.xz}" ;;
	*.ko.zst) zstd -q --rm -f "$top/${path%.zst}" ;;
	*.ko.gz) gzip -n -f "$top/${path%.gz}" ;;
	esac
}

U=updates/nfsbundle
while read -r rel; do
	name=$(basename "${rel%%.ko*}")
	mk "$U/$rel" "$name" "$(srcv "$name")"
done <<'LIST'
net/sunrpc/sunrpc.ko
net/sunrpc/auth_gss/auth_rpcgss.ko
net/sunrpc/auth_gss/rpcsec_gss_krb5.ko
net/sunrpc/xprtrdma/rpcrdma.ko
fs/nfs_common/grace.ko
fs/nfs_common/nfs_acl.ko
fs/lockd/lockd.ko
fs/nfs/nfs.ko
fs/nfs/nfsv2.ko.gz
fs/nfs/nfsv3.ko
fs/nfs/nfsv4.ko.xz
fs/nfs/filelayout/nfs_layout_nfsv41_files.ko
fs/nfs/flexfilelayout/nfs_layout_flexfiles.ko
fs/nfs/blocklayout/blocklayoutdriver.ko
fs/nfsd/nfsd.ko.zst
LIST
# the inbox copies depmod ranks below updates/
mk kernel/net/sunrpc/sunrpc.ko sunrpc
mk kernel/fs/nfs/nfs.ko nfs
mk kernel/fs/netfs/netfs.ko netfs

# modules.dep as depmod writes it: updates/ first, one line per module
{
	find "$top/updates" -name '*.ko*' | sort | sed "s|^$top/||; s|\$|:|"
	echo "kernel/fs/netfs/netfs.ko:"
	# shadowed inbox entries come after (depmod would drop them; the parser must keep the first)
	echo "kernel/net/sunrpc/sunrpc.ko:"
	echo "kernel/fs/nfs/nfs.ko: kernel/fs/netfs/netfs.ko"
} >"$top/modules.dep"
