// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package dkms

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

var testMods = []Module{{"sunrpc", "net/sunrpc/sunrpc.ko"}, {"nfs", "fs/nfs/nfs.ko"}, {"top", "top.ko"}}

func TestConf(t *testing.T) {
	b, err := Conf("1.0.0", testMods, []string{"CONFIG_SUNRPC=m", "CONFIG_NFS_COMMON="}, "")
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		`PACKAGE_NAME="nfsbundle"`,
		`PACKAGE_VERSION="1.0.0"`,
		`MAKE[0]="make -C ${kernel_source_dir} M=${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build CONFIG_SUNRPC=m CONFIG_NFS_COMMON= modules"`,
		`BUILD_EXCLUSIVE_KERNEL="^6\.1\."`,
		`AUTOINSTALL="yes"`,
		"BUILT_MODULE_NAME[0]=\"nfs\"\nBUILT_MODULE_LOCATION[0]=\"fs/nfs\"\nDEST_MODULE_LOCATION[0]=\"/updates/dkms\"\n",
		"BUILT_MODULE_NAME[1]=\"sunrpc\"\nBUILT_MODULE_LOCATION[1]=\"net/sunrpc\"\n",
		"BUILT_MODULE_NAME[2]=\"top\"\nBUILT_MODULE_LOCATION[2]=\"\"\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("dkms.conf lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range [][]string{{"CONFIG_X=m; rm -rf /"}, {"CONFIG_X=$(reboot)"}, {"FOO=m"}} {
		if _, err := Conf("1.0.0", testMods, bad, ""); err == nil {
			t.Errorf("make vars %q accepted", bad)
		}
	}
	if _, err := Conf("1.0.0", []Module{{"x", "../x.ko"}}, nil, ""); err == nil {
		t.Error("path escaping the tree accepted")
	}
	if _, err := Conf("1.0.0", []Module{{"x", "y.ko"}}, nil, ""); err == nil {
		t.Error("name/path mismatch accepted")
	}
	if _, err := Conf("1.0.0", testMods, nil, `^6\.1\."; reboot; "`); err == nil {
		t.Error("quote in kernel regex accepted")
	}
	if r := KernelRegexForSeries("5.10"); r != `^5\.10\.` {
		t.Errorf("KernelRegexForSeries: %s", r)
	}
}

func TestBuild(t *testing.T) {
	in := Input{Dist: t.TempDir(), Version: "1.0.0", Arch: "x86_64", Tree: "testdata/tree",
		MakeVars: []string{"CONFIG_SUNRPC=m"}, Modules: testMods[:2], SourceDateEpoch: 1700000000}
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
	if _, err := Build(context.Background(), Input{Dist: t.TempDir(), Version: "1.0.0", Tree: t.TempDir(), Modules: testMods}); err == nil || !strings.Contains(err.Error(), "Kbuild") {
		t.Errorf("a tree without Kbuild: %v", err)
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
