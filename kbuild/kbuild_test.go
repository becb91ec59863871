// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package kbuild

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/stack"
)

func cfg(kv map[string]string) detect.Config {
	v := map[string]string{}
	for k, x := range kv {
		v["CONFIG_"+k] = x
	}
	return detect.ConfigFacts(v)
}

func TestMakeArgsDebian61(t *testing.T) {
	c := cfg(map[string]string{"SUNRPC": "m", "NFS_FS": "m", "NFS_COMMON": "y", "NFS_V4_2_SSC_HELPER": "y"})
	args, err := MakeArgs(Params{KDir: "/k", Src: "/s", Jobs: 2, Config: c})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(args, " ")
	for _, want := range []string{"-C /k M=/s -j2 ", "CONFIG_SUNRPC=m", "CONFIG_SUNRPC_XPRT_RDMA=m", "CONFIG_NFS_COMMON= ", "CONFIG_NFS_V4_2_SSC_HELPER= ", "CONFIG_NFSD=m"} {
		if !strings.Contains(got+" ", want) {
			t.Errorf("args %q lack %q", got, want)
		}
	}
	if !strings.HasSuffix(got, " modules") || strings.Contains(got, "CC=") {
		t.Errorf("args %q", got)
	}
}

func TestMakeArgsOptions(t *testing.T) {
	c := cfg(map[string]string{"SUNRPC": "m", "NFS_COMMON": "m"})
	args, _ := MakeArgs(Params{KDir: "/k", Src: "/s", Jobs: 0, Config: c, WithoutRDMA: true, CC: "gcc-12",
		ConfigOff: []string{"NFS_FSCACHE"}})
	got := strings.Join(args, " ") + " "
	for _, want := range []string{"-j1 ", "CC=gcc-12 ", "CONFIG_SUNRPC_XPRT_RDMA= ", "CONFIG_NFS_COMMON=m ", "CONFIG_NFS_FSCACHE= "} {
		if !strings.Contains(got, want) {
			t.Errorf("args %q lack %q", got, want)
		}
	}
	if n := len(stack.Names(true)); n != 14 {
		t.Errorf("without rpcrdma: %d modules", n)
	}
	if n := len(stack.Names(false)); n != 15 {
		t.Errorf("with rpcrdma: %d modules", n)
	}
}

func TestBuiltinStackRefused(t *testing.T) {
	_, err := MakeArgs(Params{Config: cfg(map[string]string{"SUNRPC": "y"})})
	if err == nil || !strings.Contains(err.Error(), "CONFIG_SUNRPC=y") {
		t.Fatalf("got %v", err)
	}
}

func TestFirstError(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "build.log")
	os.WriteFile(log, []byte(`make: Entering directory '/usr/src/linux-headers-6.1.0-56-amd64'
  CC [M]  /b/src/net/sunrpc/clnt.o
/b/src/fs/nfs/inode.c: In function 'nfs_foo':
/b/src/fs/nfs/inode.c:120:9: error: implicit declaration of function 'inode_get_mtime' [-Werror=implicit-function-declaration]
/b/src/fs/nfs/inode.c:130:2: error: second error
make[2]: *** [scripts/Makefile.build:250: /b/src/fs/nfs/inode.o] Error 1
`), 0o644)
	err := firstError(log)
	var be *BuildError
	if !errors.As(err, &be) || !strings.Contains(be.First, "inode.c:120:9") || !strings.Contains(be.Hint, "inode_get_mtime") {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "full log: "+log) {
		t.Fatalf("the log path must follow: %v", err)
	}
	os.WriteFile(log, []byte("/b/x.c:1:10: fatal error: linux/unaligned.h: No such file or directory\n"), 0o644)
	if err := firstError(log); !strings.Contains(err.Error(), "no linux/unaligned.h") {
		t.Fatalf("got %v", err)
	}
	os.WriteFile(log, []byte("ERROR: modpost: \"nfs_stat_to_errno\" [fs/nfs/nfs.ko] undefined!\n"), 0o644)
	if err := firstError(log); !strings.Contains(err.Error(), "nfs_stat_to_errno") {
		t.Fatalf("got %v", err)
	}
}

func TestFindModulesFromOrder(t *testing.T) {
	src := t.TempDir()
	for _, p := range []string{"net/sunrpc/sunrpc.ko", "fs/nfs/nfs.ko", "net/sunrpc/xprtrdma/rpcrdma.ko"} {
		os.MkdirAll(filepath.Join(src, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(src, p), nil, 0o644)
	}
	// rpcrdma.ko is stale: the last build (without rpcrdma) did not list it.
	os.WriteFile(filepath.Join(src, "modules.order"), []byte(src+"/net/sunrpc/sunrpc.ko\nfs/nfs/nfs.o\n"), 0o644)
	mods, err := FindModules(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 2 || mods[0].RelPath != "fs/nfs/nfs.ko" || mods[1].Name != "sunrpc" {
		t.Fatalf("%+v", mods)
	}
}
