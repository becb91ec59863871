// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package finish

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadResolvesPathsAndOldLegacyVersion(t *testing.T) {
	m, err := Load("testdata/old-legacy.json")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("testdata")
	want := []Module{
		{Name: "sunrpc", RelPath: "net/sunrpc/sunrpc.ko",
			Path: filepath.Join(abs, "stage/lib/modules/5.10.0-32-amd64/updates/nfsbundle/net/sunrpc/sunrpc.ko")},
		{Name: "nfs", RelPath: "fs/nfs/nfs.ko", Path: "/abs/nfs.ko", DebugPath: filepath.Join(abs, "debug/nfs.ko")},
	}
	if !slices.Equal(m.Modules, want) || m.Src != filepath.Join(abs, "src") {
		t.Errorf("Load = %+v", m)
	}
	// Written before Legacy and Version were separate: the same manifest.
	if m.Version != "1.0.0" || !m.Legacy || m.ModuleVersion() != "1.0.0-legacy" {
		t.Errorf("version %q legacy %v module version %q", m.Version, m.Legacy, m.ModuleVersion())
	}
	if _, err := Load("testdata/nonexistent.json"); err == nil || !strings.Contains(err.Error(), "./build.sh bin") {
		t.Errorf("missing manifest error = %v", err)
	}
}

func TestWriteLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := Manifest{KVer: "6.1.0-1-amd64", Version: "1.0.0", Tree: "main", Series: "6.1", StageRoot: filepath.Join(dir, "stage"),
		ModDir: "lib/modules/6.1.0-1-amd64/updates/nfsbundle", MakeVars: []string{"CONFIG_SUNRPC=m"}, Src: filepath.Join(dir, "src"),
		Modules: []Module{{Name: "sunrpc", RelPath: "net/sunrpc/sunrpc.ko", Path: filepath.Join(dir, "sunrpc.ko"), Signed: true}}}
	if err := in.Write(dir); err != nil {
		t.Fatal(err)
	}
	out, err := Load(ManifestPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if out.Series != "6.1" || out.Legacy || out.ModuleVersion() != "1.0.0" || !slices.Equal(out.Modules, in.Modules) {
		t.Errorf("round trip: %+v", out)
	}
}
