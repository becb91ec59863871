// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/sign"
)

// TestVMSigEnforceSignedAndUnsigned boots once with module.sig_enforce=1:
// an unsigned nfs.ko must be refused as unsigned, while sunrpc.ko signed by
// us (with a key the distribution kernel does not trust) must be refused
// only for the unknown key: the kernel parsed our signature and looked its
// key up.
func TestVMSigEnforceSignedAndUnsigned(t *testing.T) {
	s := stage(t)
	fin, err := LoadManifest(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key, cert, err := sign.GenerateKey(dir, "nfsbundle vmtest", 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := sign.LoadSigner(key, cert, "")
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range fin.Modules {
		data, err := modinfoStrip(m.Path)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "mods", m.RelPath)
		if err := fileutil.WriteAtomic(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if m.Name == "sunrpc" {
			if err := signer.SignFile(p, "sha256"); err != nil {
				t.Fatal(err)
			}
		}
		fin.Modules[i].Path = p
	}
	mixed := filepath.Join(dir, "finish.json")
	data, _ := json.Marshal(fin)
	if err := os.WriteFile(mixed, data, 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := SigEnforceOptions(context.Background(), Options{FinishJSON: mixed, OutDir: filepath.Join(dir, "vm")}, fin)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"sig-enforce-sunrpc": RejectUnavailableKey, "sig-enforce-nfs": RejectUnsigned}
	for _, c := range o.ExtraChecks {
		if w, ok := want[c.Name]; ok && !strings.Contains(strings.Join(c.Argv, " "), w) {
			t.Fatalf("%s expects %v, want %q", c.Name, c.Argv, w)
		}
	}
	rep, err := hostRun(context.Background(), o)
	if rep != nil {
		rep.Summary(logWriter{t})
	}
	if err != nil {
		t.Fatal(err)
	}
	for name := range want {
		if c := rep.Check(name); c == nil || !c.Passed {
			t.Errorf("check %s did not pass: %+v", name, c)
		}
	}
}

// modinfoStrip returns a staged module without any signature.
func modinfoStrip(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return sign.Strip(data), nil
}
