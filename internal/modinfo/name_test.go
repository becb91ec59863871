// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package modinfo

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestNameFromFile(t *testing.T) {
	for in, want := range map[string]string{
		"/x/sunrpc.ko": "sunrpc", "rpcsec-gss-krb5.ko.xz": "rpcsec_gss_krb5", "nfs.ko.zst": "nfs", "c.ko.gz": "c",
		"/x/nfs-layout.ko.zst": "nfs_layout", "plain": "plain",
	} {
		if got := NameFromFile(in); got != want {
			t.Errorf("NameFromFile(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadSymvers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "Module.symvers")
	os.WriteFile(p, []byte("0x0000002a\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"+
		"0x00000001\tsvc_foo\tnet/sunrpc/sunrpc\tEXPORT_SYMBOL_GPL\tSUNRPC\n"+
		"short\tline\n"), 0o644)
	m, err := ReadSymvers(p)
	if err != nil {
		t.Fatal(err)
	}
	if e := m["printk"]; e.CRC != 42 || e.Module != "vmlinux" || e.GPLOnly() {
		t.Errorf("printk = %+v", e)
	}
	if e := m["svc_foo"]; e.CRC != 1 || !e.GPLOnly() || len(m) != 2 {
		t.Errorf("svc_foo = %+v (%d entries)", e, len(m))
	}
	os.WriteFile(p, []byte("zz\tx\tvmlinux\tEXPORT_SYMBOL\n"), 0o644)
	if _, err := ReadSymvers(p); err == nil {
		t.Error("a bad CRC must fail")
	}
	if _, err := ReadSymvers(p + ".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
