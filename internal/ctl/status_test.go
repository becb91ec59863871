// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/sign"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		fixture string
		stack   Stack
		version string
		modules []string
		pipefs  []string
		lines   []string
	}{
		{"ours", StackOurs, "1.0.0",
			[]string{"sunrpc", "auth_rpcgss", "nfs_acl", "grace", "lockd", "nfs", "nfsv3", "nfsv4"},
			[]string{"/var/lib/nfs/rpc_pipefs"},
			[]string{"version: 1.0.0 (v1.0.0-3-gabcdef012345)", "kernel modules: sunrpc auth_rpcgss nfs_acl grace lockd nfs nfsv3 nfsv4",
				"services: skipped (systemd not running)", "rpc_pipefs: /var/lib/nfs/rpc_pipefs", "expose_id_in_mountstats: Y",
				"compiled out: fscache (the fsc mount option is accepted and caches nothing",
				"compiled out: reexport-change-id (nfsd re-exporting"}},
		{"inbox", StackInbox, "",
			[]string{"sunrpc", "nfs_acl", "grace", "lockd", "nfs", "nfsv3"}, []string{},
			[]string{"version: inbox stack loaded", "rpc_pipefs: not mounted"}},
		{"notloaded", StackNotLoaded, "", []string{}, []string{},
			[]string{"version: not loaded", "kernel modules: \n"}},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			st, err := GetStatus(context.Background(), fixture(tc.fixture), &fakeExec{})
			if err != nil {
				t.Fatal(err)
			}
			if st.Stack != tc.stack || st.Version != tc.version {
				t.Errorf("stack %q version %q, want %q %q", st.Stack, st.Version, tc.stack, tc.version)
			}
			if !reflect.DeepEqual(st.Modules, tc.modules) {
				t.Errorf("modules %v, want %v", st.Modules, tc.modules)
			}
			if !reflect.DeepEqual(st.RPCPipefs, tc.pipefs) {
				t.Errorf("rpc_pipefs %v, want %v", st.RPCPipefs, tc.pipefs)
			}
			if st.InstalledVersion != "1.0.0" || !strings.HasSuffix(st.InstalledPath, "updates/nfsbundle/net/sunrpc/sunrpc.ko") {
				t.Errorf("installed %q %q", st.InstalledVersion, st.InstalledPath)
			}
			var buf bytes.Buffer
			st.Print(&buf)
			for _, l := range tc.lines {
				if !strings.Contains(buf.String(), l) {
					t.Errorf("output lacks %q:\n%s", l, buf.String())
				}
			}
		})
	}
}

func TestStatusServicesWithSystemd(t *testing.T) {
	r := fixture("ours")
	r.RunRoot = t.TempDir()
	writeFile(t, filepath.Join(r.RunRoot, "systemd", "system", ".keep"), "")
	ex := &fakeExec{path: map[string]bool{"systemctl": true}, out: map[string]string{}}
	states := make([]string, len(NFSServices))
	for i, u := range NFSServices {
		states[i] = "inactive"
		if u == "rpcbind.socket" || u == "rpc-statd.service" {
			states[i] = "active"
		}
	}
	ex.out["systemctl is-active "+strings.Join(NFSServices, " ")] = strings.Join(states, "\n") + "\n"
	st, err := GetStatus(context.Background(), r, ex)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	st.Print(&buf)
	if !strings.Contains(buf.String(), "services: rpc-statd.service rpcbind.socket\n") {
		t.Errorf("services line wrong:\n%s", buf.String())
	}
	// without systemctl the services are skipped, not an error
	st, _ = GetStatus(context.Background(), r, &fakeExec{})
	if st.ServicesSkipped != "systemctl not found" {
		t.Errorf("skipped = %q", st.ServicesSkipped)
	}
}

func TestParseProcModules(t *testing.T) {
	in := "nfsv4 1093632 2 - Live 0x0\nsunrpc 692224 3 nfsv4,lockd, Live 0x0 (OE)\nlockd 1 - - Live 0x0\n"
	mods, err := ParseProcModules(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := moduleNames(mods); !reflect.DeepEqual(got, []string{"lockd", "sunrpc", "nfsv4"}) {
		t.Errorf("load order %v", got)
	}
	if !reflect.DeepEqual(mods[1].UsedBy, []string{"nfsv4", "lockd"}) || mods[1].RefCount != 3 || mods[0].RefCount != -1 {
		t.Errorf("parsed %+v", mods)
	}
	if _, err := ParseProcModules(strings.NewReader("broken line\n")); err == nil {
		t.Error("want an error for a short line")
	}
}

// signedFixture is the fixture system with its installed sunrpc signed by a
// new key; it returns the Root and the key's DER certificate.
func signedFixture(t *testing.T) (Root, string) {
	t.Helper()
	root := t.TempDir()
	lib := copyTree(t, filepath.Join("testdata", "lib"))
	if err := os.Rename(lib, filepath.Join(root, "lib")); err != nil {
		t.Fatal(err)
	}
	r := fixture("ours")
	r.ModulesRoot = filepath.Join(root, "lib", "modules")
	keyPath, certPath, err := sign.GenerateKey(t.TempDir(), "nfsbundle status test", 2048)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sign.LoadSigner(keyPath, certPath, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SignFile(filepath.Join(r.ModulesRoot, fixtureKernel, "updates/nfsbundle/net/sunrpc/sunrpc.ko"), ""); err != nil {
		t.Fatal(err)
	}
	return r, certPath
}

// mokutilList prints the certificate as `mokutil --list-*` does: the
// SHA1 fingerprint, then OpenSSL's X509_print_fp text.
func mokutilList(t *testing.T, certPath string) string {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	der, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := exec.Command("openssl", "x509", "-inform", "DER", "-in", certPath, "-noout", "-fingerprint", "-sha1").Output()
	if err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("openssl", "x509", "-inform", "DER", "-in", certPath, "-noout", "-text", "-nameopt", "compat").Output()
	if err != nil || len(der) == 0 {
		t.Fatal(err)
	}
	_, sum, _ := strings.Cut(strings.TrimSpace(string(fp)), "=")
	return "[key 1]\nSHA1 Fingerprint: " + strings.ToLower(sum) + "\n" + string(text)
}

func TestStatusMOK(t *testing.T) {
	r, cert := signedFixture(t)
	listed := mokutilList(t, cert)
	mok := func(enrolled, pending string) *fakeExec {
		return &fakeExec{path: map[string]bool{"mokutil": true}, out: map[string]string{
			"mokutil --sb-state":      "SecureBoot enabled\n",
			"mokutil --list-enrolled": enrolled,
			"mokutil --list-new":      pending,
		}}
	}
	for _, tc := range []struct {
		name             string
		ex               *fakeExec
		state, line, not string
	}{
		{"enrolled", mok(listed, "MokNew is empty\n"), "enrolled", `: enrolled`, "to do"},
		{"pending", mok("MokListRT is empty\n", listed), "pending", "to do: the key is queued for enrolment: reboot", "sudo mokutil --import"},
		{"absent", mok("MokListRT is empty\n", "MokNew is empty\n"), "absent", "to do: sudo mokutil --import CERT.der", "queued"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := GetStatus(context.Background(), r, tc.ex)
			if err != nil {
				t.Fatal(err)
			}
			if st.SecureBoot.State != "enabled" || string(st.MOK.State) != tc.state || st.MOK.Module.Signer != "nfsbundle status test" {
				t.Errorf("secure boot %+v, mok %+v", st.SecureBoot, st.MOK)
			}
			var buf bytes.Buffer
			st.Print(&buf)
			if out := buf.String(); !strings.Contains(out, tc.line) || strings.Contains(out, tc.not) || !strings.Contains(out, "secure boot: enabled (mokutil --sb-state)") {
				t.Errorf("output:\n%s", out)
			}
		})
	}
	// No mokutil, no EFI: unknown, and nothing to do.
	st, err := GetStatus(context.Background(), r, &fakeExec{})
	if err != nil {
		t.Fatal(err)
	}
	if st.MOK.State != "unknown" || st.SecureBoot.State != "disabled" || st.MOK.Steps(st.SecureBoot) != nil {
		t.Errorf("without mokutil: %+v %+v", st.SecureBoot, st.MOK)
	}
	// The kernel's own sunrpc is the distribution's to sign: not checked.
	inbox := fixture("inbox")
	inbox.ModulesRoot = t.TempDir()
	writeFile(t, filepath.Join(inbox.ModulesRoot, fixtureKernel, "kernel/net/sunrpc/sunrpc.ko"), "\x7fELF")
	st, _ = GetStatus(context.Background(), inbox, &fakeExec{})
	if st.MOK.Module != nil || !strings.Contains(st.MOK.Reason, "no nfsbundle module") {
		t.Errorf("inbox sunrpc: %+v", st.MOK)
	}
}
