// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

const fixtureKernel = "6.1.0-56-amd64"

// hostExec runs the real readers; which initramfs generator "exists" is
// the test's choice, so the printed fix does not depend on this machine.
type hostExec struct{ generator string }

func (h hostExec) Output(ctx context.Context, name string, args ...string) ([]byte, error) {
	return SystemExec.Output(ctx, name, args...)
}

func (h hostExec) LookPath(name string) (string, error) {
	if name == "update-initramfs" || name == "dracut" {
		if name == h.generator {
			return "/usr/sbin/" + name, nil
		}
		return "", exec.ErrNotFound
	}
	return exec.LookPath(name)
}

func fixtureModule(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "lib", "modules", fixtureKernel, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withSrcversion returns the module with another srcversion of the same
// length: what a different build of the same source looks like.
func withSrcversion(t *testing.T, ko []byte, sv string) []byte {
	t.Helper()
	i := bytes.Index(ko, []byte("srcversion="))
	if i < 0 || len(sv) != 23 {
		t.Fatal("module has no srcversion to replace")
	}
	out := bytes.Clone(ko)
	copy(out[i+len("srcversion="):], sv)
	return out
}

// buildInitramfs writes an image as mkinitramfs and dracut do: an
// uncompressed early cpio with the CPU microcode, then the main cpio piped
// through compressor (argv), both written by the real cpio.
func buildInitramfs(t *testing.T, files map[string][]byte, compressor ...string) string {
	t.Helper()
	for _, tool := range []string{"cpio", compressor[0]} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	early := cpioOf(t, filepath.Join(dir, "early"), map[string][]byte{"kernel/x86/microcode/GenuineIntel.bin": []byte("microcode\n")})
	mainFiles := map[string][]byte{"init": []byte("#!/bin/sh\n"), "usr/lib/modules/" + fixtureKernel + "/modules.dep": nil}
	for k, v := range files {
		mainFiles[k] = v
	}
	main := cpioOf(t, filepath.Join(dir, "main"), mainFiles)
	c := exec.Command(compressor[0], compressor[1:]...)
	c.Stdin = bytes.NewReader(main)
	packed, err := c.Output()
	if err != nil {
		t.Fatalf("%v: %v", compressor, err)
	}
	image := filepath.Join(dir, "initrd.img-"+fixtureKernel)
	if err := os.WriteFile(image, append(early, packed...), 0o644); err != nil {
		t.Fatal(err)
	}
	return image
}

// cpioOf lays files out under root and archives them with `cpio -o -H newc`.
func cpioOf(t *testing.T, root string, files map[string][]byte) []byte {
	t.Helper()
	names := []string{"."}
	for name, data := range files {
		writeFile(t, filepath.Join(root, name), string(data))
		for d := filepath.Dir(name); d != "."; d = filepath.Dir(d) {
			names = append(names, d)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	c := exec.Command("cpio", "-o", "-H", "newc", "--quiet")
	c.Dir = root
	c.Stdin = strings.NewReader(strings.Join(dedup(names), "\n") + "\n")
	out, err := c.Output()
	if err != nil {
		t.Fatalf("cpio: %v", err)
	}
	return out
}

func dedup(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// inboxImage carries the kernel's own sunrpc and nfs, as initramfs-tools
// copies them with MODULES=most, plus our lockd.
func inboxImage(t *testing.T, compressor ...string) string {
	k := "usr/lib/modules/" + fixtureKernel + "/"
	return buildInitramfs(t, map[string][]byte{
		k + "kernel/net/sunrpc/sunrpc.ko":         fixtureModule(t, "kernel/net/sunrpc/sunrpc.ko"),
		k + "kernel/fs/nfs/nfs.ko":                fixtureModule(t, "kernel/fs/nfs/nfs.ko"),
		k + "kernel/fs/netfs/netfs.ko":            fixtureModule(t, "kernel/fs/netfs/netfs.ko"),
		k + "updates/nfsbundle/fs/lockd/lockd.ko": fixtureModule(t, "updates/nfsbundle/fs/lockd/lockd.ko"),
	}, compressor...)
}

// oursImage carries the installed files, compressed ones included.
func oursImage(t *testing.T, compressor ...string) string {
	k := "usr/lib/modules/" + fixtureKernel + "/"
	files := map[string][]byte{}
	for _, rel := range []string{"net/sunrpc/sunrpc.ko", "fs/nfs/nfs.ko", "fs/nfs/nfsv4.ko.xz", "fs/nfsd/nfsd.ko.zst", "fs/lockd/lockd.ko"} {
		files[k+"updates/nfsbundle/"+rel] = fixtureModule(t, "updates/nfsbundle/"+rel)
	}
	return buildInitramfs(t, files, compressor...)
}

var readerCases = []struct {
	reader     string
	compressor []string
}{
	{ReaderLsinitramfs, []string{"zstd", "-q", "-1", "-T0"}}, // mkinitramfs' default on Debian 12
	{ReaderLsinitrd, []string{"gzip", "-n", "-9"}},           // dracut's default
	{ReaderBuiltin, []string{"zstd", "-q", "-1"}},
	{ReaderBuiltin, []string{"gzip", "-n"}},
	{ReaderBuiltin, []string{"xz", "--check=crc32"}},
}

func needReader(t *testing.T, reader string) {
	t.Helper()
	tools := map[string][]string{ReaderLsinitramfs: {"lsinitramfs", "unmkinitramfs"}, ReaderLsinitrd: {"lsinitrd"}}
	for _, tool := range tools[reader] {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (initramfs-tools-core or dracut-core)", tool)
		}
	}
}

func states(rep *InitramfsReport) map[string]InitramfsModule {
	out := map[string]InitramfsModule{}
	for _, m := range rep.Modules {
		out[m.Module] = m
	}
	return out
}

func TestVerifyInitramfsInbox(t *testing.T) {
	for _, tc := range readerCases {
		t.Run(tc.reader+"-"+tc.compressor[0], func(t *testing.T) {
			needReader(t, tc.reader)
			image := inboxImage(t, tc.compressor...)
			rep, err := VerifyInitramfs(context.Background(), fixture("inbox"), hostExec{generator: "update-initramfs"},
				InitramfsOptions{Image: image, Reader: tc.reader})
			if err != nil {
				t.Fatal(err)
			}
			ms := states(rep)
			if len(rep.Modules) != 3 {
				t.Errorf("modules %+v, want sunrpc, lockd, nfs (netfs is not ours)", rep.Modules)
			}
			for _, m := range []string{"sunrpc", "nfs"} {
				if ms[m].State != InitramfsInbox || ms[m].Installed == "" || !strings.Contains(ms[m].InstalledPath, "/updates/nfsbundle/") {
					t.Errorf("%s: %+v, want INBOX against the installed file", m, ms[m])
				}
			}
			if ms["lockd"].State != InitramfsOK || ms["lockd"].Srcversion != ms["lockd"].Installed {
				t.Errorf("lockd: %+v, want ok", ms["lockd"])
			}
			if rep.Modules[0].Module != "sunrpc" || rep.Kernel != fixtureKernel {
				t.Errorf("order or kernel: %+v", rep)
			}
			if !rep.Failed() || rep.Fix != "update-initramfs -u -k "+fixtureKernel {
				t.Errorf("fix %q", rep.Fix)
			}
			err = rep.Problem()
			if err == nil || !strings.Contains(err.Error(), "inbox NFS stack (sunrpc nfs)") || !strings.HasSuffix(err.Error(), rep.Fix) {
				t.Errorf("problem: %v", err)
			}
			var buf bytes.Buffer
			rep.Print(&buf)
			if !strings.Contains(buf.String(), "sunrpc                   INBOX  initramfs=- installed=") {
				t.Errorf("output:\n%s", buf.String())
			}
		})
	}
}

func TestVerifyInitramfsOurs(t *testing.T) {
	for _, tc := range readerCases {
		t.Run(tc.reader+"-"+tc.compressor[0], func(t *testing.T) {
			needReader(t, tc.reader)
			image := oursImage(t, tc.compressor...)
			rep, err := VerifyInitramfs(context.Background(), fixture("ours"), hostExec{generator: "dracut"},
				InitramfsOptions{Image: image, Reader: tc.reader})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Modules) != 5 || rep.Failed() || rep.Problem() != nil {
				t.Fatalf("report %+v", rep)
			}
			ms := states(rep)
			// the fixture's running kernel is the image's: loaded srcversions are read
			if sv := ms["sunrpc"].Loaded; sv == "" || sv != ms["sunrpc"].Srcversion {
				t.Errorf("sunrpc loaded %q, initramfs %q", sv, ms["sunrpc"].Srcversion)
			}
			if ms["nfsd"].Srcversion == "" || ms["nfsd"].Loaded != "" {
				t.Errorf("nfsd (zstd in the image, not loaded): %+v", ms["nfsd"])
			}
		})
	}
}

func TestVerifyInitramfsStale(t *testing.T) {
	needReader(t, ReaderLsinitrd)
	k := "usr/lib/modules/" + fixtureKernel + "/updates/nfsbundle/"
	image := buildInitramfs(t, map[string][]byte{
		k + "net/sunrpc/sunrpc.ko": withSrcversion(t, fixtureModule(t, "updates/nfsbundle/net/sunrpc/sunrpc.ko"), "00000000000000000000000"),
	}, "gzip", "-n")
	rep, err := VerifyInitramfs(context.Background(), fixture("ours"), hostExec{generator: "dracut"},
		InitramfsOptions{Kernel: fixtureKernel, Image: image, Reader: ReaderLsinitrd})
	if err != nil {
		t.Fatal(err)
	}
	if m := states(rep)["sunrpc"]; m.State != InitramfsStale || m.Srcversion != "00000000000000000000000" {
		t.Errorf("sunrpc %+v", m)
	}
	err = rep.Problem()
	if err == nil || !strings.Contains(err.Error(), "other than the installed ones (sunrpc)") || rep.Fix != "dracut -f --kver "+fixtureKernel {
		t.Errorf("problem %v, fix %q", err, rep.Fix)
	}
}

func TestVerifyInitramfsDefaultImage(t *testing.T) {
	needReader(t, ReaderBuiltin)
	r := fixture("inbox")
	r.BootRoot = t.TempDir()
	ex := hostExec{}
	_, err := VerifyInitramfs(context.Background(), r, ex, InitramfsOptions{Reader: ReaderBuiltin})
	if err == nil || !strings.Contains(err.Error(), "initrd.img-"+fixtureKernel+", initramfs-"+fixtureKernel+".img") {
		t.Fatalf("missing image: %v", err)
	}
	img, err := os.ReadFile(inboxImage(t, "gzip", "-n"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(r.BootRoot, "initramfs-"+fixtureKernel+".img"), string(img))
	rep, err := VerifyInitramfs(context.Background(), r, ex, InitramfsOptions{Reader: ReaderBuiltin})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(rep.Image, "initramfs-"+fixtureKernel+".img") || !rep.Failed() {
		t.Errorf("report %+v", rep)
	}
	// neither generator installed: both commands, each for its family
	if !strings.Contains(rep.Fix, "update-initramfs -u -k "+fixtureKernel+" (Debian, Ubuntu) or dracut -f --kver "+fixtureKernel) {
		t.Errorf("fix %q", rep.Fix)
	}
}

func TestVerifyInitramfsBadInput(t *testing.T) {
	bad := "6.1.0; touch x"
	_, err := VerifyInitramfs(context.Background(), fixture("ours"), hostExec{}, InitramfsOptions{Kernel: bad})
	if err == nil || strings.Contains(err.Error(), bad) {
		t.Errorf("bad --kernel: %v", err)
	}
	if _, err := VerifyInitramfs(context.Background(), fixture("ours"), hostExec{}, InitramfsOptions{Reader: "cat"}); err == nil {
		t.Error("unknown reader accepted")
	}
	junk := filepath.Join(t.TempDir(), "junk.img")
	writeFile(t, junk, "BZh91AY&SY not an image we read")
	_, err = VerifyInitramfs(context.Background(), fixture("ours"), hostExec{}, InitramfsOptions{Image: junk, Reader: ReaderBuiltin})
	if err == nil || !strings.Contains(err.Error(), "install lsinitramfs") {
		t.Errorf("unknown compression: %v", err)
	}
}

func TestScanInitramfsTruncated(t *testing.T) {
	image := oursImage(t, "gzip", "-n")
	data, err := os.ReadFile(image)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{60, len(data) / 2} {
		_, err := scanInitramfs(bytes.NewReader(data[:cut]), isStackModulePath)
		if err == nil {
			t.Errorf("cut at %d: no error", cut)
		}
	}
	files, err := scanInitramfs(bytes.NewReader(data), isStackModulePath)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, f := range files {
		if f.Data != nil {
			kept = append(kept, f.Name)
			if _, err := modinfo.Decompress(f.Data); err != nil {
				t.Errorf("%s: %v", f.Name, err)
			}
		}
	}
	if len(kept) != 5 || len(files) != 8 { // + microcode, init, modules.dep
		t.Errorf("files %d, kept %v", len(files), kept)
	}
}

func TestSplitModulePath(t *testing.T) {
	for p, want := range map[string]string{
		"usr/lib/modules/6.1.0-56-amd64/kernel/net/sunrpc/sunrpc.ko":           "6.1.0-56-amd64 kernel/net/sunrpc/sunrpc.ko sunrpc",
		"lib/modules/5.14.0-427.el9.x86_64/extra/nfsbundle/nfs.ko.xz":          "5.14.0-427.el9.x86_64 extra/nfsbundle/nfs.ko.xz nfs",
		"lib/modules/6.1/kernel/fs/nfs/flexfilelayout/nfs_layout_flexfiles.ko": "6.1 kernel/fs/nfs/flexfilelayout/nfs_layout_flexfiles.ko nfs_layout_flexfiles",
		"lib/modules/6.1/modules.dep":                                          "",
		"usr/lib/firmware/x.ko":                                                "",
	} {
		k, rel, name, ok := splitModulePath(p)
		got := ""
		if ok {
			got = k + " " + rel + " " + name
		}
		if got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
}

func TestParseLsinitrd(t *testing.T) {
	out := `Image: /boot/initramfs-5.14.0-427.el9.x86_64.img: 33M
========================================================================
Early CPIO image
========================================================================
-rw-r--r--   1 root     root       78 Dec  2 05:09 kernel/x86/microcode/GenuineIntel.bin
========================================================================
drwxr-xr-x   3 root     root        0 Dec  2 05:09 usr/lib/modules
lrwxrwxrwx   1 root     root        7 Dec  2 05:09 lib -> usr/lib
-rw-r--r--   1 root     root   952712 Dec  2 05:09 usr/lib/modules/5.14.0-427.el9.x86_64/kernel/net/sunrpc/sunrpc.ko.xz
`
	files := parseLsinitrd([]byte(out))
	if len(files) != 2 || files[1].Name != "usr/lib/modules/5.14.0-427.el9.x86_64/kernel/net/sunrpc/sunrpc.ko.xz" {
		t.Errorf("files %+v", files)
	}
}

func TestPickReader(t *testing.T) {
	name, _, note, err := pickReader(&fakeExec{}, ReaderAuto)
	if err != nil || name != ReaderBuiltin || !strings.Contains(note, "neither lsinitramfs") {
		t.Errorf("no tools: %s %q %v", name, note, err)
	}
	name, _, _, _ = pickReader(&fakeExec{path: map[string]bool{"lsinitrd": true, "lsinitramfs": true}}, "")
	if name != ReaderLsinitrd { // lsinitramfs without unmkinitramfs cannot read files
		t.Errorf("got %s", name)
	}
	name, _, _, _ = pickReader(&fakeExec{path: map[string]bool{"lsinitrd": true, "lsinitramfs": true, "unmkinitramfs": true}}, "")
	if name != ReaderLsinitramfs {
		t.Errorf("got %s", name)
	}
	if _, _, _, err := pickReader(&fakeExec{}, "7z"); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("unknown reader: %v", err)
	}
}
