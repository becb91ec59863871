// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package importer

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeKernelTarball builds a small linux-x.y tarball with a Makefile and the
// given files.
func fakeKernelTarball(t *testing.T, top string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, top, "Makefile"), "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\nEXTRAVERSION =\nNAME = Curry Ramen\n")
	for p, c := range files {
		write(t, filepath.Join(dir, top, p), c)
	}
	tarball := filepath.Join(t.TempDir(), top+".tar.xz")
	if out, err := exec.Command("tar", "-cJf", tarball, "-C", dir, top).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	return tarball
}

func TestExtractAndCache(t *testing.T) {
	tarball := fakeKernelTarball(t, "linux-source-6.1", map[string]string{
		"fs/nfs/inode.c": "int x;\n", "fs/ext4/inode.c": "no\n", "include/linux/nfs_fs.h": "h\n"})
	cache := t.TempDir()
	up, err := Extract(context.Background(), tarball, []string{"Makefile", "fs/nfs", "include/linux/nfs*.h"}, cache)
	if err != nil {
		t.Fatal(err)
	}
	if up.UpstreamVersion != "6.1.192" || up.CacheHit || len(up.SHA256) != 64 {
		t.Fatalf("%+v", up)
	}
	if _, err := os.Stat(filepath.Join(up.Dir, "fs/nfs/inode.c")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(up.Dir, "fs/ext4")); err == nil {
		t.Fatal("paths outside the list were extracted")
	}
	again, err := Extract(context.Background(), tarball, []string{"Makefile", "fs/nfs", "include/linux/nfs*.h"}, cache)
	if err != nil || !again.CacheHit || again.Dir != up.Dir {
		t.Fatalf("second extract: %+v %v", again, err)
	}
}

func TestExtractCorruptTarballLeavesNoCacheEntry(t *testing.T) {
	tarball := fakeKernelTarball(t, "linux-6.1.192", map[string]string{"fs/nfs/a.c": strings.Repeat("random text 12345\n", 20000)})
	data, _ := os.ReadFile(tarball)
	truncated := filepath.Join(t.TempDir(), "truncated.tar.xz")
	os.WriteFile(truncated, data[:len(data)/2], 0o644)
	garbage := filepath.Join(t.TempDir(), "garbage.tar.xz")
	os.WriteFile(garbage, []byte("this is not a tarball at all"), 0o644)
	for _, bad := range []string{truncated, garbage} {
		cache := t.TempDir()
		_, err := Extract(context.Background(), bad, []string{"Makefile", "fs/nfs"}, cache)
		if err == nil || !strings.Contains(err.Error(), "corrupt, truncated") {
			t.Fatalf("%s: got %v", bad, err)
		}
		entries, _ := os.ReadDir(filepath.Join(cache, "upstream"))
		if len(entries) != 0 {
			t.Fatalf("%s: cache has leftovers %v", bad, entries)
		}
	}
}

func TestExtractMissingPath(t *testing.T) {
	tarball := fakeKernelTarball(t, "linux-5.10", map[string]string{"fs/nfs/a.c": "x"})
	_, err := Extract(context.Background(), tarball, []string{"Makefile", "include/trace/misc"}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "lacks paths") {
		t.Fatalf("got %v", err)
	}
}

func TestPrepareAppliesPatchesAndSyncs(t *testing.T) {
	up := t.TempDir()
	write(t, filepath.Join(up, "Makefile"), "VERSION = 6\n")
	write(t, filepath.Join(up, "net/sunrpc/clnt.c"), "line1\nline2\nline3\n")
	write(t, filepath.Join(up, "net/sunrpc/gone.c"), "x\n")
	tree := t.TempDir()
	write(t, filepath.Join(tree, "patches/0001-a.patch"), `--- a/net/sunrpc/clnt.c
+++ b/net/sunrpc/clnt.c
@@ -1,3 +1,4 @@
 line1
 line2
+added
 line3
`)
	write(t, filepath.Join(tree, "files/net/sunrpc/nfs_bundle.c"), "ours\n")
	write(t, filepath.Join(tree, "Kbuild"), "obj-m += net/sunrpc/\n")
	dest := filepath.Join(t.TempDir(), "src")
	// A stale source from an earlier import and a build product.
	write(t, filepath.Join(dest, "net/sunrpc/stale.c"), "old\n")
	write(t, filepath.Join(dest, "net/sunrpc/clnt.o"), "obj\n")
	l := Layer{PatchesDir: filepath.Join(tree, "patches"), FilesDirs: []string{filepath.Join(tree, "files")}, Kbuild: filepath.Join(tree, "Kbuild"),
		Generated: map[string]string{"include/linux/nfs_bundle_version.h": VersionHeader("1.2.3", "v1-2-gabc")}}
	if err := Prepare(context.Background(), up, l, dest); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dest, "net/sunrpc/clnt.c"))
	if string(got) != "line1\nline2\nadded\nline3\n" {
		t.Fatalf("patched: %q", got)
	}
	for p, want := range map[string]bool{"net/sunrpc/nfs_bundle.c": true, "Kbuild": true, "Makefile": false,
		"net/sunrpc/stale.c": false, "net/sunrpc/clnt.o": true, "include/linux/nfs_bundle_version.h": true} {
		if _, err := os.Stat(filepath.Join(dest, p)); (err == nil) != want {
			t.Errorf("%s present=%v, want %v", p, err == nil, want)
		}
	}
	hdr, _ := os.ReadFile(filepath.Join(dest, "include/linux/nfs_bundle_version.h"))
	if !strings.Contains(string(hdr), `#define NFS_BUNDLE_VERSION "1.2.3"`) {
		t.Fatalf("%s", hdr)
	}
	// Unchanged files keep their mtime, so make rebuilds nothing.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dest, "net/sunrpc/clnt.c"), old, old)
	if err := Prepare(context.Background(), up, l, dest); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dest, "net/sunrpc/clnt.c"))
	if !st.ModTime().Equal(old) {
		t.Fatal("an unchanged file was rewritten")
	}
}

func TestPatchFailureNamesHunk(t *testing.T) {
	up := t.TempDir()
	write(t, filepath.Join(up, "a.c"), "one\ntwo\nthree\n")
	pdir := t.TempDir()
	write(t, filepath.Join(pdir, "0001-ok.patch"), "--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n")
	write(t, filepath.Join(pdir, "0002-bad.patch"), "--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n alpha\n-beta\n+BETA\n gamma\n")
	err := ApplyPatches(context.Background(), up, pdir)
	var pe *PatchError
	if !errors.As(err, &pe) || filepath.Base(pe.Patch) != "0002-bad.patch" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "FAILED") || !strings.Contains(err.Error(), "-beta") {
		t.Fatalf("error must name the failed hunk and show it: %v", err)
	}
}

func TestRepositoryPatchesApply(t *testing.T) {
	// The real series must apply to the 6.1 upstream tree when it is cached
	// by an earlier build; the integration build proves it otherwise.
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("needs the real linux-source-6.1 tarball: runs under ./build.sh test")
	}
	tarball := "/usr/src/linux-source-6.1.tar.xz"
	paths, err := ReadPaths("../kernel-src/main/paths.txt")
	if err != nil {
		t.Fatal(err)
	}
	cache := os.Getenv("NFSBUNDLE_CACHE")
	if cache == "" {
		cache = t.TempDir()
	}
	up, err := Extract(context.Background(), tarball, paths, cache)
	if err != nil {
		t.Fatal(err)
	}
	l := Layer{PatchesDir: "../kernel-src/main/patches", FilesDirs: []string{"../kernel-src/common/files"}, Kbuild: "../kernel-src/main/Kbuild"}
	if err := Prepare(context.Background(), up.Dir, l, filepath.Join(t.TempDir(), "src")); err != nil {
		t.Fatal(err)
	}
}
