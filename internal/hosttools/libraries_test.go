// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package hosttools

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// TestHeaderLibraries reads the libraries of a fixture headers tree laid
// out as Debian's: scripts/ a symlink into linux-kbuild, holding one real
// ELF program (a copy of /bin/sh, dynamically linked), a
// shell script and a non-executable ELF file, which do not count.
func TestHeaderLibraries(t *testing.T) {
	sh, err := filepath.EvalSymlinks("/bin/sh")
	if err != nil {
		t.Skip("no /bin/sh to copy an ELF program from")
	}
	want := elfNeeded(sh)
	if len(want) == 0 {
		t.Skipf("%s is not a dynamically linked ELF program", sh)
	}
	top := t.TempDir()
	kbuild := filepath.Join(top, "usr/lib/linux-kbuild-6.1/scripts")
	kdir := filepath.Join(top, "usr/src/linux-headers-6.1.0-57-amd64")
	for _, d := range []string{filepath.Join(kbuild, "mod"), kdir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("../../lib/linux-kbuild-6.1/scripts", filepath.Join(kdir, "scripts")); err != nil {
		t.Fatal(err)
	}
	if err := fileutil.CopyFile(sh, filepath.Join(kbuild, "mod/modpost"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fileutil.CopyFile(sh, filepath.Join(kbuild, "not-run.so"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kbuild, "depmod.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := HeaderLibraries(kdir)
	slices.Sort(want)
	if !slices.Equal(got, slices.Compact(want)) {
		t.Errorf("HeaderLibraries = %v, want %v (modpost's)", got, want)
	}
	if libs := HeaderLibraries(filepath.Join(top, "nope")); len(libs) != 0 {
		t.Errorf("a missing headers tree has libraries %v", libs)
	}
}

// TestLibrariesInThePlan: a host build checks the headers' libraries in a
// root, and names the package that ships a missing one.
func TestLibrariesInThePlan(t *testing.T) {
	root := t.TempDir()
	lib := filepath.Join(root, "usr/lib/x86_64-linux-gnu")
	if err := os.MkdirAll(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(lib, "libc.so.6"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if !LibraryPresent(root, "libc.so.6") || LibraryPresent(root, "libelf.so.1") {
		t.Fatal("LibraryPresent does not read the root's loader directories")
	}
	p := hostPlan
	p.Libraries = []string{"libc.so.6", "libelf.so.1"}
	look := func(n string) (string, error) {
		if LibraryPresent(root, n) {
			return n, nil
		}
		return "", os.ErrNotExist
	}
	var libs []Tool
	for _, tool := range p.Tools() {
		if isLibrary(tool.Name) {
			libs = append(libs, tool)
		}
	}
	missing := Missing(libs, look)
	if len(missing) != 1 || missing[0].Name != "libelf.so.1" {
		t.Fatalf("missing libraries %v, want libelf.so.1", names(missing))
	}
	if pkgs, unknown := Packages(missing); !slices.Equal(pkgs, []string{"libelf1"}) || len(unknown) != 0 {
		t.Errorf("packages %v (unknown %v), want libelf1", pkgs, unknown)
	}
}
