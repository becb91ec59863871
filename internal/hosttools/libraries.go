// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package hosttools

import (
	"debug/elf"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// debianLibraries maps the shared libraries that kernel headers' host
// programs load to the Debian package that ships them. Headers fetched
// with apt-get download come without their packages' dependencies: on a
// minimal bookworm root objtool failed to start for want of libelf.so.1.
var debianLibraries = map[string]string{
	"libcrypto.so.3": "libssl3", // sign-file
	"libelf.so.1":    "libelf1", // objtool, resolve_btfids
	"libssl.so.3":    "libssl3",
	"libz.so.1":      "zlib1g",
	"libzstd.so.1":   "libzstd1",
}

// libraryDirs are where the dynamic loader of a Debian or Ubuntu (or
// RPM-based) amd64 or arm64 system finds libraries.
var libraryDirs = []string{
	"lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu",
	"lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu",
	"lib64", "usr/lib64", "lib", "usr/lib",
}

// isLibrary says whether a Tool names a shared library (by soname), not a
// program on PATH.
func isLibrary(name string) bool { return strings.Contains(name, ".so.") }

// HeaderLibraries are the shared libraries (sonames, sorted) that the
// ELF programs of a kernel headers tree load: what kbuild runs on the
// host from kdir/scripts and kdir/tools (modpost, objtool, sign-file).
func HeaderLibraries(kdir string) []string {
	seen := map[string]bool{}
	for _, sub := range []string{"scripts", "tools"} {
		dir, err := filepath.EvalSymlinks(filepath.Join(kdir, sub))
		if err != nil {
			continue
		}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			if info, err := d.Info(); err != nil || info.Mode().Perm()&0o111 == 0 {
				return nil
			}
			for _, l := range elfNeeded(p) {
				seen[l] = true
			}
			return nil
		})
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// elfNeeded is an ELF file's DT_NEEDED list; nothing for anything else
// (scripts, data).
func elfNeeded(path string) []string {
	f, err := elf.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	libs, _ := f.ImportedLibraries()
	return libs
}

// LibraryPresent says whether soname is in one of the loader's directories
// under root ("/" for the host).
func LibraryPresent(root, soname string) bool {
	for _, d := range libraryDirs {
		if _, err := os.Stat(filepath.Join(root, d, soname)); err == nil {
			return true
		}
	}
	return false
}
