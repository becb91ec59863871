// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package dkms

import (
	"bytes"
	"context"
	"github.com/nfsbundle/nfsbundle/finish"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/tree"
)

var testMods = []Module{{"sunrpc", "net/sunrpc/sunrpc.ko"}, {"nfs", "fs/nfs/nfs.ko"}, {"top", "top.ko"}}

func TestConf(t *testing.T) {
	b, err := Conf("1.0.0", testMods, Bounds{Min: "6.1", Max: "6.13"})
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		`PACKAGE_NAME="nfsbundle"`,
		`PACKAGE_VERSION="1.0.0"`,
		`MAKE[0]="/usr/lib/nfsbundle/dkms/nfsbundle-build-static dkms-build --kdir ${kernel_source_dir} --kver ${kernelver} --src ${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build"`,
		"BUILD_EXCLUSIVE_KERNEL_MIN=\"6.1\"\nBUILD_EXCLUSIVE_KERNEL_MAX=\"6.13\"\n",
		`AUTOINSTALL="yes"`,
		"BUILT_MODULE_NAME[0]=\"nfs\"\nBUILT_MODULE_LOCATION[0]=\"fs/nfs\"\nDEST_MODULE_LOCATION[0]=\"/updates/dkms\"\n",
		"BUILT_MODULE_NAME[1]=\"sunrpc\"\nBUILT_MODULE_LOCATION[1]=\"net/sunrpc\"\n",
		"BUILT_MODULE_NAME[2]=\"top\"\nBUILT_MODULE_LOCATION[2]=\"\"\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("dkms.conf lacks %q:\n%s", want, got)
		}
	}
	// The per-series regex is gone: the range is MIN/MAX.
	if strings.Contains(got, "BUILD_EXCLUSIVE_KERNEL=") {
		t.Errorf("dkms.conf still has BUILD_EXCLUSIVE_KERNEL:\n%s", got)
	}
	if b, _ := Conf("1.0.0", testMods, Bounds{Min: "6.1"}); strings.Contains(string(b), "_MAX") {
		t.Errorf("no upper bound, but a MAX line:\n%s", b)
	}
	if _, err := Conf("1.0.0", []Module{{"x", "../x.ko"}}, Bounds{}); err == nil {
		t.Error("path escaping the tree accepted")
	}
	if _, err := Conf("1.0.0", []Module{{"x", "y.ko"}}, Bounds{}); err == nil {
		t.Error("name/path mismatch accepted")
	}
	if _, err := Conf("1.0.0", testMods, Bounds{Max: `6.2"; reboot; "`}); err == nil {
		t.Error("quote in a kernel bound accepted")
	}
}

// TestDKMSConfFromTreeRange: the bounds come from the tree's range, so
// a range that grows to 6.12 moves MAX with it, and the repository's own
// trees make valid packages.
func TestDKMSConfFromTreeRange(t *testing.T) {
	for kernels, want := range map[string]string{
		">= 6.1, < 6.2":  "BUILD_EXCLUSIVE_KERNEL_MIN=\"6.1\"\nBUILD_EXCLUSIVE_KERNEL_MAX=\"6.2\"\n",
		">= 6.1, < 6.13": "BUILD_EXCLUSIVE_KERNEL_MIN=\"6.1\"\nBUILD_EXCLUSIVE_KERNEL_MAX=\"6.13\"\n",
	} {
		r, err := tree.ParseRange(kernels)
		if err != nil {
			t.Fatal(err)
		}
		conf := confOf(t, buildIn(t, r))
		if !strings.Contains(conf, want) {
			t.Errorf("range %q: dkms.conf lacks %q:\n%s", kernels, want, conf)
		}
	}
	trees, err := tree.Load("../kernel-src")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trees {
		in := buildIn(t, tr.Range)
		in.TreeName = tr.Name
		if _, err := Build(context.Background(), in); err != nil {
			t.Errorf("tree %s: %v", tr.Name, err)
		}
	}
	r, _ := tree.ParseRange(">= 6.1.50, < 6.2")
	if _, err := Build(context.Background(), buildIn(t, r)); err == nil || !strings.Contains(err.Error(), "X.Y") {
		t.Errorf("a sublevel bound: %v, want an error naming the bounds DKMS takes", err)
	}
}

// stubDriver builds a static Go binary standing in for the build driver.
func stubDriver(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "nfsbundle-build")
	c := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-o", out, "../pkg/testdata/ctlstub")
	c.Env = append(os.Environ(), "CGO_ENABLED=0", "GOARCH=amd64")
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("building the driver stand-in: %v\n%s", err, b)
	}
	return out
}

func buildIn(t *testing.T, r tree.Range) Input {
	t.Helper()
	return Input{Dist: t.TempDir(), Version: "1.0.0", Arch: "x86_64", Tree: "testdata/tree", Modules: testMods[:2],
		TreeName: "main", Range: r, Driver: stubDriver(t), SourceDateEpoch: 1700000000}
}

// confOf builds the package and returns its dkms.conf and manifest.
func confOf(t *testing.T, in Input) string {
	t.Helper()
	r, err := Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	x := t.TempDir()
	if out, err := exec.Command("dpkg-deb", "-x", r.Path, x).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(x, "usr/src/nfsbundle-1.0.0/dkms.conf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBuild(t *testing.T) {
	r0, _ := tree.ParseRange(">= 6.1, < 6.2")
	in := buildIn(t, r0)
	r, err := Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	out := r.Path
	if !strings.HasSuffix(out, "/nfsbundle-dkms_1.0.0_amd64.deb") {
		t.Errorf("file name %s", out)
	}
	a, _ := os.ReadFile(out)
	in.Dist = t.TempDir()
	r2, err := Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(r2.Path)
	if !bytes.Equal(a, b) {
		t.Error("two builds with one SOURCE_DATE_EPOCH differ")
	}
	bad := in
	bad.Dist, bad.Tree = t.TempDir(), t.TempDir()
	if _, err := Build(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "Kbuild") {
		t.Errorf("a tree without Kbuild: %v", err)
	}
	bad = in
	bad.Dist, bad.Driver = t.TempDir(), ""
	if _, err := Build(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "build driver") {
		t.Errorf("no driver: %v", err)
	}
	bad = in
	bad.Dist, bad.Arch = t.TempDir(), "arm64"
	if _, err := Build(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "for arm64") {
		t.Errorf("an amd64 driver in an arm64 package: %v", err)
	}
}

// TestPackageShipsDriverNotHostProbes: the package carries the driver that
// runs the probes on the target, the manifest it reads there, and not the
// build host's probe results (compat/include/nfsbundle/autoconf.h).
func TestPackageShipsDriverNotHostProbes(t *testing.T) {
	tr := t.TempDir()
	if out, err := exec.Command("cp", "-a", "testdata/tree/.", tr).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	hdr := filepath.Join(tr, importer.CompatHeaderPath)
	os.MkdirAll(filepath.Dir(hdr), 0o755)
	os.WriteFile(hdr, []byte("#define HAVE_BUILD_HOST 1\n"), 0o644)
	os.WriteFile(filepath.Join(filepath.Dir(hdr), "kept.h"), []byte("/* wrapper */\n"), 0o644)
	r0, _ := tree.ParseRange(">= 6.1, < 6.13")
	in := buildIn(t, r0)
	in.Tree = tr
	r, err := Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	list, err := exec.Command("dpkg-deb", "-c", r.Path).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb -c: %v\n%s", err, list)
	}
	for _, want := range []string{"./usr/lib/nfsbundle/dkms/nfsbundle-build-static", "./usr/src/nfsbundle-1.0.0/" + ManifestName, "./usr/src/nfsbundle-1.0.0/compat/include/nfsbundle/kept.h"} {
		if !strings.Contains(string(list), want+"\n") {
			t.Errorf("package lacks %s:\n%s", want, list)
		}
	}
	if strings.Contains(string(list), importer.CompatHeaderPath) {
		t.Errorf("package ships the build host's %s", importer.CompatHeaderPath)
	}
	x := t.TempDir()
	exec.Command("dpkg-deb", "-x", r.Path, x).Run()
	m, err := readManifest(filepath.Join(x, "usr/src/nfsbundle-1.0.0"))
	if err != nil {
		t.Fatal(err)
	}
	if *m != (Manifest{Tree: "main", Kernels: ">= 6.1, < 6.13", WithoutRDMA: true}) {
		t.Errorf("manifest %+v", *m)
	}
}

func TestSkipBuildProducts(t *testing.T) {
	files, err := collect(context.Background(), "testdata/tree", "/usr/src/x")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Dest)
	}
	want := "/usr/src/x/Kbuild /usr/src/x/fs/nfs/Makefile /usr/src/x/net/sunrpc/Makefile /usr/src/x/net/sunrpc/clnt.c"
	if strings.Join(got, " ") != want {
		t.Errorf("collected %v\nwant %s", got, want)
	}
}

// A build whose kernel compresses modules stages nfs.ko.xz; DKMS builds
// nfs.ko and compresses it itself, so dkms.conf must name the .ko.
func TestModulesOfCompressedStage(t *testing.T) {
	m := &finish.Manifest{Modules: []finish.Module{
		{Name: "nfs", RelPath: "fs/nfs/nfs.ko.xz"}, {Name: "sunrpc", RelPath: "net/sunrpc/sunrpc.ko"}}}
	got := ModulesOf(m)
	if got[0].RelPath != "fs/nfs/nfs.ko" || got[1].RelPath != "net/sunrpc/sunrpc.ko" {
		t.Errorf("ModulesOf = %+v", got)
	}
}
