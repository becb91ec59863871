// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/debian"
)

// The distribution's NFS userspace for the nfsd-v3 scenario: fetched with
// apt-get download, unpacked with dpkg-deb -x (never installed on the host),
// copied into the initramfs with the shared libraries it needs.
var nfsUserspacePackages = []string{
	"rpcbind", "nfs-kernel-server", "nfs-common",
	"libtirpc3", "libtirpc-common", "libwrap0", "libevent-core-2.1-7", "libnfsidmap1",
}

// Binaries taken from the unpacked packages (first existing spelling).
var nfsUserspaceBinaries = [][]string{
	{"sbin/rpcbind", "usr/sbin/rpcbind"},
	{"usr/bin/rpcinfo", "usr/sbin/rpcinfo", "sbin/rpcinfo"},
	{"sbin/rpc.statd", "usr/sbin/rpc.statd"},
	{"sbin/sm-notify", "usr/sbin/sm-notify"},
	{"sbin/mount.nfs", "usr/sbin/mount.nfs"},
	{"sbin/showmount", "usr/sbin/showmount"},
	{"usr/sbin/rpc.mountd", "sbin/rpc.mountd"},
	{"usr/sbin/exportfs", "sbin/exportfs"},
	{"usr/sbin/rpc.nfsd", "sbin/rpc.nfsd"},
}

// hostFile is a file for the initramfs: Dst in the guest, content from Src.
type hostFile struct {
	Dst, Src string
	Mode     uint32
}

// nfsUserspace returns the files for the guest's /sbin, /usr/sbin, libraries
// and /etc so rpcbind, rpc.mountd, exportfs and rpc.statd run there.
func nfsUserspace(ctx context.Context, cache string) ([]hostFile, error) {
	sum := sha256.Sum256([]byte(strings.Join(nfsUserspacePackages, "\n")))
	dir := filepath.Join(cache, "nfs-userspace", hex.EncodeToString(sum[:8]))
	root := filepath.Join(dir, "root")
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err != nil {
		if err := fetchUserspace(ctx, dir, root); err != nil {
			return nil, err
		}
	}
	var files []hostFile
	var elfs []string
	for _, alts := range nfsUserspaceBinaries {
		for _, rel := range alts {
			p := filepath.Join(root, rel)
			if _, err := os.Stat(p); err == nil {
				files = append(files, hostFile{Dst: "/" + rel, Src: p, Mode: 0o755})
				elfs = append(elfs, p)
				break
			}
		}
	}
	if len(elfs) < 4 {
		return nil, fmt.Errorf("the unpacked NFS userspace in %s lacks rpcbind/rpc.mountd/rpc.statd/exportfs; remove the directory and retry", root)
	}
	deps, err := elfDeps(elfs, filepath.Join(root, "lib/x86_64-linux-gnu"), filepath.Join(root, "usr/lib/x86_64-linux-gnu"))
	if err != nil {
		return nil, err
	}
	files = append(files, deps...)
	files = append(files, hostFile{Dst: "/etc/netconfig", Src: filepath.Join(root, "etc/netconfig"), Mode: 0o644})
	for _, e := range []string{"/etc/services", "/etc/protocols", "/etc/rpc"} {
		if _, err := os.Stat(e); err == nil {
			files = append(files, hostFile{Dst: e, Src: e, Mode: 0o644})
		}
	}
	return files, nil
}

func fetchUserspace(ctx context.Context, dir, root string) error {
	debs := filepath.Join(dir, "debs")
	os.RemoveAll(dir)
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return err
	}
	logrus.Infof("vmtest: downloading the NFS userspace for the nfsd-v3 scenario (apt-get download %s)", strings.Join(nfsUserspacePackages, " "))
	m, err := debian.Host.Download(ctx, debs, nfsUserspacePackages...)
	if err != nil {
		return fmt.Errorf("downloading the NFS userspace: %w", err)
	}
	for _, d := range m {
		if err := debian.Extract(ctx, d, root); err != nil {
			return fmt.Errorf("unpacking %s: %w", d, err)
		}
	}
	return os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644)
}

// guestEtc are the small /etc files the daemons need (users rpcbind and
// statd switch to, name service config, localhost).
var guestEtc = map[string]string{
	"etc/passwd": "root:x:0:0:root:/:/bin/sh\n_rpc:x:100:65534::/run/rpcbind:/bin/false\n" +
		"statd:x:101:65534::/var/lib/nfs:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n",
	"etc/group":         "root:x:0:\nnogroup:x:65534:\n",
	"etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\nrpc: files\nservices: files\nprotocols: files\n",
	"etc/hosts":         "127.0.0.1 localhost\n::1 localhost\n",
}

// elfDeps returns the shared libraries the ELF programs need, transitively,
// and the dynamic loader, found in dirs first and then the host's library
// directories, as initramfs files under the same paths Debian uses.
func elfDeps(elfs []string, dirs ...string) ([]hostFile, error) {
	search := append(dirs, "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64")
	libs := map[string]string{} // soname -> host path
	dsts := map[string]string{} // soname -> guest path
	interp := ""
	for len(elfs) > 0 {
		p := elfs[0]
		elfs = elfs[1:]
		f, err := elf.Open(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		needed, _ := f.ImportedLibraries()
		// A RUNPATH (e.g. librados's .../ceph) is searched first, and the
		// library keeps its path in the guest so the loader finds it there.
		var runpath []string
		for _, tag := range []elf.DynTag{elf.DT_RUNPATH, elf.DT_RPATH} {
			if v, err := f.DynString(tag); err == nil {
				for _, e := range v {
					runpath = append(runpath, strings.Split(e, ":")...)
				}
			}
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP {
				b := make([]byte, prog.Filesz)
				prog.ReadAt(b, 0)
				interp = strings.TrimRight(string(b), "\x00")
			}
		}
		f.Close()
		for _, so := range needed {
			if _, done := libs[so]; done {
				continue
			}
			found, dst := "", ""
			for i, d := range append(runpath, search...) {
				if _, err := os.Stat(filepath.Join(d, so)); err == nil {
					found, dst = filepath.Join(d, so), "/lib/x86_64-linux-gnu/"+so
					if i < len(runpath) {
						dst = found
					}
					break
				}
			}
			if found == "" {
				return nil, fmt.Errorf("shared library %s (needed by %s) not found in %s", so, filepath.Base(p), strings.Join(append(runpath, search...), ", "))
			}
			libs[so], dsts[so] = found, dst
			elfs = append(elfs, found)
		}
	}
	var files []hostFile
	for so, p := range libs {
		files = append(files, hostFile{Dst: dsts[so], Src: p, Mode: 0o755})
	}
	if interp != "" {
		files = append(files, hostFile{Dst: interp, Src: interp, Mode: 0o755})
	}
	return files, nil
}

// fioPath is Debian's fio on the host (package fio), copied into the guest
// with its libraries for the serve scenario's data verification.
const fioPath = "/usr/bin/fio"

func fioFiles() ([]hostFile, error) {
	if _, err := os.Stat(fioPath); err != nil {
		return nil, fmt.Errorf("fio is needed for the data verification checks: install it (apt-get install fio)")
	}
	deps, err := elfDeps([]string{fioPath})
	if err != nil {
		return nil, err
	}
	return append(deps, hostFile{Dst: fioPath, Src: fioPath, Mode: 0o755}), nil
}
