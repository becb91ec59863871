// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package release

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

func tarNames(t *testing.T, r io.Reader) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = b
		if h.Uid != 0 || h.Gid != 0 || h.ModTime.Unix() != 1700000000 {
			t.Errorf("%s: owner %d:%d mtime %v", h.Name, h.Uid, h.Gid, h.ModTime)
		}
	}
}

func TestSourceRelease(t *testing.T) {
	top := t.TempDir()
	for name, body := range map[string]string{
		"VERSION": "1.2.3\n", "build.sh": "#!/bin/sh\n", "kernel-src/main/tree.json": "{}",
		"build/6.1/junk.o": "x", "dist/old.deb": "x", "bin/nfsbundle-build": "x",
	} {
		p := filepath.Join(top, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	os.Chmod(filepath.Join(top, "build.sh"), 0o755)
	up := t.TempDir()
	os.MkdirAll(filepath.Join(up, "fs/nfs"), 0o755)
	os.WriteFile(filepath.Join(up, "Makefile"), []byte("VERSION = 6\n"), 0o644)
	os.WriteFile(filepath.Join(up, "fs/nfs/inode.c"), []byte("int x;\n"), 0o644)

	in := Input{Top: top, Dist: t.TempDir(), Version: "1.2.3\n", SourceDateEpoch: 1700000000,
		Upstream: []Upstream{{Series: "6.1", Dir: up}}, NoBinaries: true}
	r, err := Write(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	out := r.Path
	if filepath.Base(out) != "nfsbundle-1.2.3.tar.xz" {
		t.Errorf("name %s", out)
	}
	raw, _ := os.ReadFile(out)
	xr, err := xz.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	files := tarNames(t, xr)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	got := strings.Join(names, " ")
	for _, want := range []string{"nfsbundle-1.2.3/VERSION", "nfsbundle-1.2.3/build.sh", "nfsbundle-1.2.3/kernel-src/main/tree.json", "nfsbundle-1.2.3/upstream/linux-source-6.1.tar"} {
		if _, ok := files[want]; !ok {
			t.Errorf("release lacks %s: %s", want, got)
		}
	}
	for _, bad := range []string{"junk.o", "old.deb", "bin/nfsbundle-build"} {
		if strings.Contains(got, bad) {
			t.Errorf("release carries %s", bad)
		}
	}
	inner := tarNames(t, bytes.NewReader(files["nfsbundle-1.2.3/upstream/linux-source-6.1.tar"]))
	if string(inner["linux-source-6.1/Makefile"]) != "VERSION = 6\n" || inner["linux-source-6.1/fs/nfs/inode.c"] == nil {
		t.Errorf("upstream tarball layout: %v", inner)
	}
	in.Dist = t.TempDir()
	r2, err := Write(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if raw2, _ := os.ReadFile(r2.Path); !bytes.Equal(raw, raw2) {
		t.Error("two source releases with one SOURCE_DATE_EPOCH differ")
	}
}
