// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/stack"
)

func verifyStates(t *testing.T, r Root) map[string]ModuleCheck {
	t.Helper()
	cs, err := Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(stack.Names(false)) {
		t.Fatalf("%d checks, want %d", len(cs), len(stack.Names(false)))
	}
	out := map[string]ModuleCheck{}
	for _, c := range cs {
		out[c.Module] = c
	}
	return out
}

func TestVerifyMatch(t *testing.T) {
	cs := verifyStates(t, fixture("ours"))
	for _, m := range []string{"sunrpc", "auth_rpcgss", "grace", "nfs_acl", "lockd", "nfs", "nfsv3", "nfsv4"} {
		if cs[m].State != VerifyOK {
			t.Errorf("%s: %+v, want ok", m, cs[m])
		}
	}
	// nfsv4 is .ko.xz, nfsd .ko.zst, nfsv2 .ko.gz: all readable
	for _, m := range []string{"nfsd", "nfsv2", "rpcrdma"} {
		if cs[m].State != VerifyNotLoaded || len(cs[m].Installed) != 23 {
			t.Errorf("%s: %+v, want not-loaded with a srcversion", m, cs[m])
		}
	}
	list := make([]ModuleCheck, 0)
	for _, m := range stack.Names(false) {
		list = append(list, cs[m])
	}
	if VerifyFailed(list) {
		t.Error("VerifyFailed on a matching system")
	}
	var buf bytes.Buffer
	PrintVerify(&buf, list)
	if n := strings.Count(buf.String(), "\n"); n != len(stack.Names(false)) {
		t.Errorf("%d lines, want one per module", n)
	}
}

func TestVerifyMismatch(t *testing.T) {
	cs := verifyStates(t, fixture("mismatch"))
	if c := cs["sunrpc"]; c.State != VerifyMismatch || c.Loaded != "0123456789ABCDEF0123456" || c.Installed == "" {
		t.Errorf("sunrpc: %+v", c)
	}
	if cs["nfs"].State != VerifyOK {
		t.Errorf("nfs: %+v", cs["nfs"])
	}
	inbox := verifyStates(t, fixture("inbox"))
	if c := inbox["sunrpc"]; c.State != VerifyMismatch || !strings.Contains(c.Detail, "inbox") {
		t.Errorf("inbox sunrpc: %+v", c)
	}
}

func TestInstalledModulesPrefersUpdates(t *testing.T) {
	inst, err := InstalledModules(fixture("ours"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(inst["sunrpc"], "/updates/nfsbundle/") || !strings.Contains(inst["nfs"], "/updates/") {
		t.Errorf("sunrpc %s nfs %s", inst["sunrpc"], inst["nfs"])
	}
	if !strings.Contains(inst["netfs"], "/kernel/") {
		t.Errorf("netfs %s", inst["netfs"])
	}
	mi, err := modinfo.ReadFile(inst["nfsd"])
	if err != nil {
		t.Fatal(err)
	}
	if mi.First("name") != "nfsd" || mi.First("version") != "1.0.0" {
		t.Errorf("nfsd modinfo %v", mi)
	}
	if modinfo.NameFromFile("/x/nfs-layout.ko.zst") != "nfs_layout" {
		t.Error("ModuleName")
	}
}
