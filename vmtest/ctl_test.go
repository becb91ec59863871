// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/finish"
)

// TestCtlOptions checks the wiring of the nfsbundle-ctl run (no VM).
func TestCtlOptions(t *testing.T) {
	o := CtlOptions(Options{KernelArgs: []string{"x=1"}}, "/tmp/ctl")
	if !o.Stock || !o.NoVerify || !o.InstallTree || o.SkipLoad || len(o.Scenarios) != 0 || o.Scenarios == nil {
		t.Errorf("options %+v", o)
	}
	var names []string
	for _, x := range o.ExtraChecks {
		names = append(names, x.Name)
		if x.Phase != PhaseAfterLoad || x.Argv[0] != "/bin/sh" {
			t.Errorf("check %s: %+v", x.Name, x)
		}
	}
	if !slices.Equal(names, CtlChecks) {
		t.Errorf("checks %v, want %v", names, CtlChecks)
	}
	if c := o.ExtraChecks[3]; !c.NeedsMount || c.MountOptions != "nconnect=4" {
		t.Errorf("mountstats check %+v", c)
	}
	if !strings.HasPrefix(string(ctlAcceptScript), "#!/bin/sh") {
		t.Error("the embedded guest script is missing")
	}
	if o.ExtraFiles[0].Src != "/tmp/ctl" || o.ExtraFiles[0].Dst != CtlGuestPath {
		t.Errorf("files %+v", o.ExtraFiles)
	}
}

// TestPlainModuleName: the guest tree stores modules uncompressed.
func TestPlainModuleName(t *testing.T) {
	for in, want := range map[string]string{
		"kernel/fs/nfs/nfs.ko.xz": "kernel/fs/nfs/nfs.ko", "kernel/a.ko.zst": "kernel/a.ko",
		"kernel/a.ko.gz": "kernel/a.ko", "updates/nfsbundle/net/sunrpc/sunrpc.ko": "updates/nfsbundle/net/sunrpc/sunrpc.ko",
	} {
		if got := plainModuleName(in); got != want {
			t.Errorf("plainModuleName(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestVMCtl is issue 7's acceptance in the guest: one boot of the kernel's
// own NFS stack with the module tree installed; nfsbundle-ctl reports the
// inbox stack, refuses to reload while an NFS mount is busy, swaps the stack
// for ours, verifies it, shows 4 transports of an nconnect=4 mount and
// traces the mount's nfs/sunrpc events.
func TestVMCtl(t *testing.T) {
	s := stage(t)
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "nfsbundle-ctl")
	top, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if err := BuildCtl(ctx, top, bin); err != nil {
		t.Fatal(err)
	}
	o := CtlOptions(Options{FinishJSON: s, OutDir: filepath.Join(filepath.Dir(s), "vmtest", "ctl")}, bin)
	rep, err := hostRun(ctx, o)
	if rep != nil {
		rep.Summary(logWriter{t})
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range CtlChecks {
		if ch := rep.Check(c); ch == nil || !ch.Passed {
			t.Errorf("check %s did not pass: %+v", c, ch)
		}
	}
	for _, c := range []string{"version", "srcversion", "modules-ours"} {
		if rep.Check(c) != nil {
			t.Errorf("check %s ran in a NoVerify run", c)
		}
	}
	for _, m := range rep.Modules {
		if m.Ours {
			t.Errorf("the harness loaded our %s: the guest must boot the kernel's own stack", m.Name)
		}
	}
}

// TestInstallTree lays out the guest module tree from the fixtures: ours
// under updates/nfsbundle, the kernel's copies and dependencies under
// kernel/ (decompressed), and depmod's index preferring updates/.
func TestInstallTree(t *testing.T) {
	ctx := context.Background()
	abs, _ := filepath.Abs("testdata")
	stock, err := indexModules(filepath.Join(abs, "stock", "kernel"))
	if err != nil {
		t.Fatal(err)
	}
	fin := &finish.Manifest{KVer: "6.1.0-test", Modules: []finish.Module{{Name: "a", RelPath: "fs/a.ko", Path: filepath.Join(abs, "ours", "a.ko")}}}
	mods, err := treeModules(ctx, filepath.Join(abs, "stock"), stock, fin)
	if err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, m := range mods {
		rels = append(rels, m.Rel)
		if !strings.HasPrefix(string(m.Data), "\x7fELF") {
			t.Errorf("%s is not stored as plain ELF", m.Rel)
		}
	}
	if want := []string{"kernel/fs/a.ko", "kernel/fs/b.ko", "kernel/net/c.ko", "updates/nfsbundle/fs/a.ko"}; !slices.Equal(rels, want) {
		t.Errorf("tree = %v, want %v", rels, want)
	}
	if _, err := findDepmod(); err != nil {
		t.Skip(err)
	}
	tree := newCpioTree()
	if err := installTree(ctx, tree, fin.KVer, filepath.Join(abs, "stock"), stock, fin); err != nil {
		t.Fatal(err)
	}
	dep := tree.entries["lib/modules/6.1.0-test/modules.dep"]
	if dep == nil {
		t.Fatal("no modules.dep in the tree")
	}
	if s := string(dep.Data); !strings.Contains(s, "updates/nfsbundle/fs/a.ko:") || strings.Contains(s, "kernel/fs/a.ko:") ||
		!strings.Contains(s, "kernel/net/c.ko:") {
		t.Errorf("modules.dep:\n%s", s)
	}
	if !tree.has("lib/modules/6.1.0-test/kernel/net/c.ko") || !tree.has("lib/modules/6.1.0-test/updates/nfsbundle/fs/a.ko") {
		t.Error("module files missing from the initramfs tree")
	}
	if _, err := treeModules(ctx, abs, stock, &finish.Manifest{Modules: []finish.Module{{Name: "x", Path: filepath.Join(abs, "nonexistent.ko")}}}); err == nil {
		t.Error("a missing staged module was not an error")
	}
	if err := installTree(ctx, tree, "k", abs, stock, nil); err == nil {
		t.Error("InstallTree without a manifest was not an error")
	}
}
