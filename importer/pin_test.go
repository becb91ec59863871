// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package importer

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nfsbundle/nfsbundle/tree"
)

// nfsFiles is a small upstream subset; "a-b.c" and "a/c.c" differ in
// WalkDir order and byte order, so a hash that forgets to sort fails.
var nfsFiles = map[string]string{
	"fs/nfs/inode.c": "int x;\n", "fs/nfs/a-b.c": "ab\n", "fs/nfs/a/c.c": "c\n",
	"include/linux/nfs_fs.h": "h\n", "fs/ext4/inode.c": "not imported\n",
}

var nfsPaths = []string{"Makefile", "fs/nfs", "include/linux/nfs*.h"}

const makefile6_1_192 = "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\nEXTRAVERSION =\nNAME = Curry Ramen\n"

// repackedTarball packs the same files as fakeKernelTarball differently:
// gzip, another top directory, reverse member order, other modes and times.
func repackedTarball(t *testing.T, top string, files map[string]string) string {
	t.Helper()
	all := map[string]string{"Makefile": makefile6_1_192}
	for p, c := range files {
		all[p] = c
	}
	var names []string
	for p := range all {
		names = append(names, p)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	out := filepath.Join(t.TempDir(), top+".tar.gz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	when := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, p := range names {
		hdr := &tar.Header{Name: top + "/" + p, Mode: 0o600, Size: int64(len(all[p])), ModTime: when, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(all[p]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func extract(t *testing.T, tarball string) *Upstream {
	t.Helper()
	up, err := Extract(context.Background(), tarball, nfsPaths, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return up
}

func TestSubsetHashIgnoresPacking(t *testing.T) {
	a := extract(t, fakeKernelTarball(t, "linux-source-6.1", nfsFiles))
	b := extract(t, repackedTarball(t, "linux-6.1.192", nfsFiles))
	if a.SHA256 == b.SHA256 {
		t.Fatal("the two tarballs must differ as files for this test to mean anything")
	}
	if len(a.SubsetSHA256) != 64 || a.SubsetSHA256 != b.SubsetSHA256 {
		t.Fatalf("same code packed differently: subset sha256 %q vs %q", a.SubsetSHA256, b.SubsetSHA256)
	}
	changed := map[string]string{}
	for p, c := range nfsFiles {
		changed[p] = c
	}
	changed["fs/nfs/a/c.c"] = "c changed\n"
	if c := extract(t, fakeKernelTarball(t, "linux-source-6.1", changed)); c.SubsetSHA256 == a.SubsetSHA256 {
		t.Fatal("changed content must change the subset sha256")
	}
	outside := map[string]string{}
	for p, c := range nfsFiles {
		outside[p] = c
	}
	outside["fs/ext4/inode.c"] = "changed, but not imported\n"
	if d := extract(t, fakeKernelTarball(t, "linux-source-6.1", outside)); d.SubsetSHA256 != a.SubsetSHA256 {
		t.Fatal("a change outside the imported paths must not change the subset sha256")
	}
}

// TestSubsetHashIsSha256sum pins the documented way to check a hash
// without nfsbundle (SubsetSHA256's comment).
func TestSubsetHashIsSha256sum(t *testing.T) {
	up := extract(t, fakeKernelTarball(t, "linux-source-6.1", nfsFiles))
	const script = `cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum`
	out, err := exec.Command("sh", "-c", script, "sh", up.Dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(string(out))[0]; got != up.SubsetSHA256 {
		t.Fatalf("sha256sum manifest gives %s, SubsetSHA256 %s", got, up.SubsetSHA256)
	}
}

func TestCachedEntryWithoutSubsetHashIsBackfilled(t *testing.T) {
	tarball := fakeKernelTarball(t, "linux-source-6.1", nfsFiles)
	cache := t.TempDir()
	up, err := Extract(context.Background(), tarball, nfsPaths, cache)
	if err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(filepath.Dir(up.Dir), "meta.json")
	old, _ := json.Marshal(map[string]string{"tarball": tarball, "sha256": up.SHA256, "upstream_version": up.UpstreamVersion})
	os.WriteFile(meta, old, 0o644)
	again, err := Extract(context.Background(), tarball, nfsPaths, cache)
	if err != nil || !again.CacheHit || again.SubsetSHA256 != up.SubsetSHA256 {
		t.Fatalf("%+v %v, want subset sha256 %s", again, err, up.SubsetSHA256)
	}
	if data, _ := os.ReadFile(meta); !strings.Contains(string(data), up.SubsetSHA256) {
		t.Fatalf("meta.json not backfilled: %s", data)
	}
}

// fakeTree is a kernel-src/main of series 6.1, pinned when pin is not nil,
// in a repository layout (compat/include beside kernel-src).
func fakeTree(t *testing.T, pin *tree.Pin) *tree.Tree {
	t.Helper()
	top := t.TempDir()
	dir := filepath.Join(top, "kernel-src", "main")
	write(t, filepath.Join(dir, "paths.txt"), strings.Join(nfsPaths, "\n")+"\n")
	write(t, filepath.Join(dir, "Kbuild"), "obj-m += fs/nfs/\n")
	os.MkdirAll(filepath.Join(dir, "patches"), 0o755)
	os.MkdirAll(filepath.Join(top, "compat", "include"), 0o755)
	tj := map[string]any{"name": "main", "upstream_series": "6.1", "kernels": ">= 6.1, < 6.2"}
	if pin != nil {
		tj["upstream"] = pin
	}
	data, _ := json.Marshal(tj)
	write(t, filepath.Join(dir, "tree.json"), string(data))
	trees, err := tree.Load(filepath.Join(top, "kernel-src"))
	if err != nil {
		t.Fatal(err)
	}
	return trees[0]
}

func runImport(t *testing.T, tr *tree.Tree, tarball string, strict bool) (*Result, Record, error) {
	t.Helper()
	build := t.TempDir()
	r, err := Run(context.Background(), Options{Tree: tr, Source: tarball, Dest: filepath.Join(build, "src"), BuildDir: build,
		CacheDir: t.TempDir(), StrictUpstream: strict})
	var rec Record
	if err == nil {
		data, rerr := os.ReadFile(RecordPath(build))
		if rerr != nil || json.Unmarshal(data, &rec) != nil {
			t.Fatalf("import.json: %v %s", rerr, data)
		}
	}
	return r, rec, err
}

func TestPinCheck(t *testing.T) {
	pinned := fakeKernelTarball(t, "linux-source-6.1", nfsFiles)
	up := extract(t, pinned)
	pin := &tree.Pin{Version: "6.1.192", SubsetSHA256: up.SubsetSHA256}

	older := map[string]string{"Makefile": strings.Replace(makefile6_1_192, "192", "172", 1)}
	for p, c := range nfsFiles {
		older[p] = c
	}
	patched := map[string]string{}
	for p, c := range nfsFiles {
		patched[p] = c
	}
	patched["fs/nfs/inode.c"] = "int y;\n"

	for _, c := range []struct {
		name    string
		pin     *tree.Pin
		tarball string
		note    string
		warn    []string // all in the warning and the strict error; none: no warning
		remedy  string   // in the strict error
	}{
		{"as pinned", pin, pinned, "as pinned", nil, ""},
		{"repacked", pin, repackedTarball(t, "linux-6.1.192", nfsFiles), "as pinned", nil, ""},
		{"other version", pin, fakeKernelTarball(t, "linux-source-6.1", older), "pinned 6.1.192: differs",
			[]string{"pinned to Linux 6.1.192", "is Linux 6.1.172"}, "install linux-source-6.1 of Linux 6.1.192"},
		{"same version, other code", pin, fakeKernelTarball(t, "linux-source-6.1", patched), "pinned 6.1.192: differs",
			[]string{"pinned to Linux 6.1.192 (subset sha256 " + up.SubsetSHA256[:16], "is Linux 6.1.192 too, but its NFS code differs"}, PinCommand},
		{"no pin", nil, pinned, "no pin", []string{"tree main has no upstream pin", "Linux 6.1.192"}, "pin the tree with " + PinCommand},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := fakeTree(t, c.pin)
			r, rec, err := runImport(t, tr, c.tarball, false)
			if err != nil {
				t.Fatal(err)
			}
			if r.Pin.Note != c.note || !strings.HasSuffix(r.Summary(), ", "+c.note+")") {
				t.Errorf("note %q, summary %q, want %q", r.Pin.Note, r.Summary(), c.note)
			}
			if rec.SubsetSHA256 != r.Upstream.SubsetSHA256 || rec.UpstreamVersion == "" || (rec.Pin == nil) != (c.pin == nil) {
				t.Errorf("import.json records %+v", rec)
			}
			if rec.PinWarning != r.Pin.Warning || (r.Pin.Warning == "") != (len(c.warn) == 0) || strings.Contains(r.Pin.Warning, "\n") {
				t.Errorf("warning %q (import.json %q), want one line with %q", r.Pin.Warning, rec.PinWarning, c.warn)
			}
			_, _, serr := runImport(t, tr, c.tarball, true)
			if len(c.warn) == 0 {
				if serr != nil {
					t.Errorf("strict, as pinned: %v", serr)
				}
				return
			}
			if serr == nil || !strings.HasPrefix(serr.Error(), "--strict-upstream: ") || !strings.Contains(serr.Error(), c.remedy) {
				t.Fatalf("strict: got %v, want the remedy %q", serr, c.remedy)
			}
			for _, w := range c.warn {
				if !strings.Contains(r.Pin.Warning, w) || !strings.Contains(serr.Error(), w) {
					t.Errorf("warning %q / strict error %q lack %q", r.Pin.Warning, serr, w)
				}
			}
		})
	}
}
