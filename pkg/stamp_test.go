// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nfsbundle/nfsbundle/finish"
)

func TestStampSkipsOnlyUnchangedInputs(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "sunrpc.ko")
	os.WriteFile(mod, []byte("module v1"), 0o644)
	out := filepath.Join(dir, "pkg.deb")
	os.WriteFile(out, []byte("package"), 0o644)
	stamp := filepath.Join(dir, "stamp.json")
	in := Input{Version: "1.0.0", Stage: finish.Manifest{KVer: "6.1.0-56-amd64", Modules: []finish.Module{{Name: "sunrpc", Path: mod}}}}

	key, err := InputKey(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ReadStamp(stamp, key); ok {
		t.Fatal("no stamp yet: must not be up to date")
	}
	side := filepath.Join(dir, "pkg.rpmlintrc")
	os.WriteFile(side, []byte("addFilter"), 0o644)
	if err := WriteStamp(stamp, key, &Result{Path: out, Companions: []string{side}}); err != nil {
		t.Fatal(err)
	}
	if r, ok := ReadStamp(stamp, key); !ok || r.Path != out || len(r.Companions) != 1 || r.Companions[0] != side || !r.UpToDate {
		t.Fatalf("unchanged inputs: %+v %v", r, ok)
	}
	// A companion removed from dist/ is not up to date either.
	os.Remove(side)
	if _, ok := ReadStamp(stamp, key); ok {
		t.Fatal("a missing companion must be rebuilt")
	}
	os.WriteFile(side, []byte("addFilter"), 0o644)
	// A changed module changes the key.
	os.WriteFile(mod, []byte("module v2"), 0o644)
	key2, _ := InputKey(in)
	if key2 == key {
		t.Fatal("module content must be part of the key")
	}
	// A changed option changes the key.
	in.RPM.NoKABIRequires = true
	if key3, _ := InputKey(in); key3 == key2 {
		t.Fatal("options must be part of the key")
	}
	// A package changed or removed in dist/ is not up to date.
	os.WriteFile(out, []byte("tampered"), 0o644)
	if _, ok := ReadStamp(stamp, key); ok {
		t.Fatal("a changed output must be rebuilt")
	}
	os.Remove(out)
	if _, ok := ReadStamp(stamp, key); ok {
		t.Fatal("a missing output must be rebuilt")
	}
}
