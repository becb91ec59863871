// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

func TestModversions(t *testing.T) {
	for _, f := range []string{"testdata/ko/a.ko", "testdata/ko/a.ko.xz"} {
		got, err := Modversions(f)
		if err != nil {
			t.Fatal(err)
		}
		want := []Symbol{{"printk", 1}, {"b_export", 2}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", f, got, want)
		}
	}
}

func TestExports(t *testing.T) {
	got, err := Exports("testdata/ko/b.ko")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []string{"b_export"}) {
		t.Errorf("got %v", got)
	}
	if got, _ := Exports("testdata/ko/a.ko"); len(got) != 0 {
		t.Errorf("a.ko exports %v, want none", got)
	}
}

func TestAnalyzeKABI(t *testing.T) {
	mods := []string{"testdata/ko/a.ko", "testdata/ko/b.ko"}
	k, err := AnalyzeKABI(mods, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Symbol{{"kmalloc", 3}, {"printk", 1}}
	if !reflect.DeepEqual(k.Requires, want) {
		t.Errorf("requires %v, want %v (b_export is the bundle's own)", k.Requires, want)
	}
	kernel, err := modinfo.ReadSymvers("testdata/Module.symvers")
	if err != nil {
		t.Fatal(err)
	}
	k, err = AnalyzeKABI(mods, kernel)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(k.Requires, []Symbol{{"printk", 1}}) || len(k.Foreign) != 1 || k.Foreign[0].Name != "kmalloc" {
		t.Errorf("with symvers: requires %v foreign %v", k.Requires, k.Foreign)
	}
	if len(k.Mismatch) != 0 {
		t.Errorf("mismatch %v", k.Mismatch)
	}
	kernel["printk"] = modinfo.SymversEntry{CRC: 9, Module: "vmlinux"}
	k, _ = AnalyzeKABI(mods, kernel)
	if len(k.Mismatch) != 1 {
		t.Errorf("want a CRC mismatch on printk, got %v", k.Mismatch)
	}
}

func TestNaming(t *testing.T) {
	if g := RPMKernelTag("4.18.0-348.20.1.el8_5.x86_64"); g != "4_18_0_348_20_1_el8_5_x86_64" {
		t.Errorf("RPMKernelTag: %s", g)
	}
	if g := DebPackageName("6.1.0-56-amd64"); g != "nfsbundle-modules-6.1.0-56-amd64" {
		t.Errorf("DebPackageName: %s", g)
	}
	if g := DebPackageName("6.1.0_Custom"); g != "nfsbundle-modules-6.1.0-custom" {
		t.Errorf("DebPackageName: %s", g)
	}
	if RPMArch("amd64") != "x86_64" || DebArch("x86_64") != "amd64" || RPMArch("arm64") != "aarch64" || DebArch("aarch64") != "arm64" {
		t.Error("arch mapping")
	}
	tg := func(id, family string, like []string, kver string) detect.Target {
		return detect.Target{Distro: detect.Distro{ID: id, Family: family, Like: like}, Kernel: detect.Kernel{Release: kver}}
	}
	for _, c := range []struct {
		t      detect.Target
		format string
		want   string
	}{
		{tg("rocky", "rpm", []string{"rhel", "centos", "fedora"}, "5.14.0-362.el9.x86_64"), "rpm", "extra"},
		{tg("rhel", "rpm", []string{"fedora"}, "4.18.0-348.el8.x86_64"), "rpm", "extra"},
		{tg("fedora", "rpm", nil, "6.5.6-300.fc39.x86_64"), "rpm", "updates"},
		{tg("sles", "rpm", []string{"suse"}, "5.14.21-150500.55.39-default"), "rpm", "updates"},
		{tg("debian", "deb", nil, "4.18.0-348.el8.x86_64"), "rpm", "extra"}, // CI on Debian building for a RHEL tree
		{tg("debian", "deb", nil, "6.1.0-56-amd64"), "rpm", "updates"},
		{tg("debian", "deb", nil, "6.1.0-56-amd64"), "deb", "updates"},
	} {
		got := ModuleDir(c.format, c.t, "K")
		if want := "lib/modules/K/" + c.want + "/nfsbundle"; got != want {
			t.Errorf("%s/%s %s: %s, want %s", c.t.Distro.ID, c.format, c.t.Kernel.Release, got, want)
		}
	}
	if !IsDistroDebKernel(tg("debian", "deb", nil, ""), "6.1.0-56-amd64") || !IsDistroDebKernel(tg("ubuntu", "deb", nil, ""), "5.15.0-91-generic") {
		t.Error("distro kernels not recognised")
	}
	if IsDistroDebKernel(tg("debian", "deb", nil, ""), "6.6.7") || IsDistroDebKernel(tg("rocky", "rpm", nil, ""), "6.1.0-56-amd64") {
		t.Error("custom kernel taken for a distro one")
	}
}

func TestDepmodConf(t *testing.T) {
	got := string(depmodConf("6.1.0-56-amd64", "lib/modules/6.1.0-56-amd64/extra/nfsbundle", []string{"net/sunrpc/sunrpc.ko", "fs/nfs/nfs.ko.xz"}))
	for _, want := range []string{
		"override sunrpc 6.1.0-56-amd64 extra/nfsbundle/net/sunrpc\n",
		"override nfs 6.1.0-56-amd64 extra/nfsbundle/fs/nfs\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("depmod.d file lacks %q:\n%s", want, got)
		}
	}
}

func fixtureInput(t *testing.T, format string) Input {
	stage := t.TempDir()
	modDir := "lib/modules/6.1.0-56-amd64/updates/nfsbundle"
	var mods []finish.Module
	for _, m := range []struct{ name, rel string }{{"a", "net/a/a.ko"}, {"b", "fs/b.ko"}} {
		dst := filepath.Join(stage, modDir, m.rel)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		b, err := os.ReadFile("testdata/ko/" + m.name + ".ko")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dst, b, 0o644)
		mods = append(mods, finish.Module{Name: m.name, RelPath: m.rel})
	}
	return Input{
		Dist: t.TempDir(), Version: "1.0.0", Format: format, SourceDateEpoch: 1700000000,
		Target: detect.Target{Distro: detect.Distro{ID: "rocky", Family: "rpm", Like: []string{"rhel"}}, Kernel: detect.Kernel{Release: "6.1.0-56-amd64"}, Arch: "x86_64"},
		Stage:  finish.Manifest{KVer: "6.1.0-56-amd64", StageRoot: stage, ModDir: modDir, Modules: mods},
	}
}

func TestDescribeRPM(t *testing.T) {
	p, pk, err := Describe(fixtureInput(t, "rpm"))
	if err != nil {
		t.Fatal(err)
	}
	if n := pk.FileName(p); n != "nfsbundle-1.0.0-kernel_6_1_0_56_amd64.x86_64.rpm" {
		t.Errorf("file name %s", n)
	}
	var req, prov []string
	for _, r := range p.Requires {
		req = append(req, r.String())
	}
	for _, r := range p.Provides {
		prov = append(prov, r.String())
	}
	if want := []string{"kernel(kmalloc) = 0x00000003", "kernel(printk) = 0x00000001"}; !reflect.DeepEqual(req, want) {
		t.Errorf("requires %v, want %v", req, want)
	}
	if want := []string{"nfsbundle-kmod = 1.0.0", "kmod(b.ko)", "kmod(a.ko)"}; !reflect.DeepEqual(prov, want) {
		t.Errorf("provides %v, want %v", prov, want)
	}
	if p.Files[0].Dest != "/lib/modules/6.1.0-56-amd64/extra/nfsbundle/fs/b.ko" {
		t.Errorf("RHEL layout: first file %s", p.Files[0].Dest)
	}
	for _, s := range []string{"depmod", "weak-modules", "dracut -f"} {
		if !strings.Contains(p.Scripts.PostInstall, s) {
			t.Errorf("%%post lacks %s", s)
		}
	}
	in := fixtureInput(t, "rpm")
	in.NoKABIRequires = true
	in.Legacy = true
	p, _, err = Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Requires) != 0 || p.Version != "1.0.0+legacy" || !strings.Contains(p.Summary, "legacy") {
		t.Errorf("NoKABIRequires/Legacy: requires %v version %s summary %s", p.Requires, p.Version, p.Summary)
	}
	// The finish stage records a legacy build: the packages say 1.0.0+legacy.
	in = fixtureInput(t, "deb")
	in.Version, in.Stage.Version, in.Stage.Legacy = "", "1.0.0", true
	p, pk, err = Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	if n := pk.FileName(p); n != "nfsbundle-modules-6.1.0-56-amd64_1.0.0+legacy-1_amd64.deb" || !strings.Contains(p.Description, "legacy source tree") {
		t.Errorf("legacy deb: %s", n)
	}
}

func TestDescribeDeb(t *testing.T) {
	in := fixtureInput(t, "deb")
	in.Target.Distro = detect.Distro{ID: "debian", Family: "deb"}
	in.CtlBinary = "testdata/ko/gen.sh"
	p, pk, err := Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	if n := pk.FileName(p); n != "nfsbundle-modules-6.1.0-56-amd64_1.0.0-1_amd64.deb" {
		t.Errorf("file name %s", n)
	}
	var deps []string
	for _, r := range p.Requires {
		deps = append(deps, r.String())
	}
	if want := []string{"nfs-common", "linux-image-6.1.0-56-amd64"}; !reflect.DeepEqual(deps, want) {
		t.Errorf("depends %v, want %v", deps, want)
	}
	if !strings.Contains(p.Scripts.PostInstall, "update-alternatives --install '/usr/sbin/nfsbundle-ctl'") || !strings.Contains(p.Scripts.PreRemove, "update-alternatives --remove") {
		t.Error("nfsbundle-ctl alternative not managed")
	}
}

func TestBuildReproducible(t *testing.T) {
	for _, format := range []string{"rpm", "deb"} {
		var sums [][]byte
		for i := 0; i < 2; i++ {
			in := fixtureInput(t, format)
			out, err := Build(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out[0])
			if err != nil {
				t.Fatal(err)
			}
			sums = append(sums, b)
			if ents, _ := os.ReadDir(in.Dist); len(ents) != 1 {
				t.Errorf("%s: dist has %d entries, want 1 (no temporary leftovers)", format, len(ents))
			}
		}
		if !bytes.Equal(sums[0], sums[1]) {
			t.Errorf("%s: two builds with one SOURCE_DATE_EPOCH differ", format)
		}
	}
}

func TestRPMPayloadIsRelative(t *testing.T) {
	in := fixtureInput(t, "rpm")
	in.RPMSignKey = "testdata/rpm-signing-key.asc"
	out, err := Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(out[0])
	sigLen, err := headerLen(raw[96:])
	if err != nil {
		t.Fatal(err)
	}
	hOff := 96 + sigLen + (8-sigLen%8)%8
	hLen, err := headerLen(raw[hOff:])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw[hOff+hLen:]))
	if err != nil {
		t.Fatal(err)
	}
	archive, _ := io.ReadAll(zr)
	if bytes.Contains(archive, []byte("/lib/modules")) && !bytes.Contains(archive, []byte("./lib/modules/6.1.0-56-amd64/extra/nfsbundle/fs/b.ko\x00")) {
		t.Error("payload member names are not ./-relative")
	}
	if bytes.Contains(archive, []byte("\x00/lib/")) || bytes.Contains(archive, []byte("00000000/lib")) {
		t.Error("payload has an absolute member name")
	}
	if !bytes.Contains(raw[96:96+sigLen], []byte{0x00, 0x00, 0x01, 0x0c}) {
		t.Error("signature header has no RSA header signature (tag 268)")
	}
}

func TestRelativeCpioRejectsGarbage(t *testing.T) {
	if _, err := relativeCpio([]byte("not a cpio archive at all, clearly not one of those things....................................................................")); err == nil {
		t.Error("want an error")
	}
}

// TestScriptsParse checks every maintainer script with the shells that run
// them (dash on Debian, bash as /bin/sh on RPM distributions).
func TestScriptsParse(t *testing.T) {
	for _, format := range []string{"rpm", "deb"} {
		in := fixtureInput(t, format)
		in.CtlBinary = "testdata/ko/gen.sh"
		p, _, err := Describe(in)
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]string{"post": p.Scripts.PostInstall, "prerm": p.Scripts.PreRemove, "postrm": p.Scripts.PostRemove} {
			if s == "" {
				continue
			}
			for _, sh := range []string{"/bin/sh", "/bin/bash", "/bin/dash"} {
				if _, err := os.Stat(sh); err != nil {
					continue
				}
				c := exec.Command(sh, "-n")
				c.Stdin = strings.NewReader(s)
				if out, err := c.CombinedOutput(); err != nil {
					t.Errorf("%s %s does not parse with %s: %v\n%s\n%s", format, name, sh, err, out, s)
				}
			}
		}
	}
}
