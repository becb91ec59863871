// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package pkgtest is the binary-package fixture the tests of pkg, pkg/rpm
// and pkg/deb share: two tiny modules (pkg/kabi/testdata/ko) staged for a
// Rocky Linux target.
package pkgtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/pkg"
)

// Testdata is the path of a file below pkg/kabi/testdata/ko, whichever
// package's test asks.
func Testdata(name string) string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..", "kabi", "testdata", "ko", name)
}

// Input stages a.ko and b.ko and returns an Input packaging them with pk.
func Input(t *testing.T, pk pkg.Packager) pkg.Input {
	t.Helper()
	stage := t.TempDir()
	modDir := "lib/modules/6.1.0-56-amd64/updates/nfsbundle"
	var mods []finish.Module
	for _, m := range []struct{ name, rel string }{{"a", "net/a/a.ko"}, {"b", "fs/b.ko"}} {
		dst := filepath.Join(stage, modDir, m.rel)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		b, err := os.ReadFile(Testdata(m.name + ".ko"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dst, b, 0o644)
		mods = append(mods, finish.Module{Name: m.name, RelPath: m.rel})
	}
	return pkg.Input{
		Dist: t.TempDir(), Version: "1.0.0", Packager: pk, SourceDateEpoch: 1700000000,
		Target: pkg.Target{DistroID: "rocky", DistroFamily: "rpm", DistroLike: []string{"rhel"}, KernelRelease: "6.1.0-56-amd64", Arch: "x86_64"},
		Stage:  finish.Manifest{KVer: "6.1.0-56-amd64", StageRoot: stage, ModDir: modDir, Modules: mods},
	}
}
