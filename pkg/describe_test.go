// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/deb"
	"github.com/nfsbundle/nfsbundle/pkg/internal/pkgtest"
	"github.com/nfsbundle/nfsbundle/pkg/rpm"
)

// These tests run Describe and Build through both packagers, so they live
// outside package pkg (pkg/rpm and pkg/deb import pkg).

func TestNaming(t *testing.T) {
	if g := rpm.KernelTag("4.18.0-348.20.1.el8_5.x86_64"); g != "4_18_0_348_20_1_el8_5_x86_64" {
		t.Errorf("RPMKernelTag: %s", g)
	}
	if g := deb.PackageName("6.1.0-56-amd64"); g != "nfsbundle-modules-6.1.0-56-amd64" {
		t.Errorf("DebPackageName: %s", g)
	}
	if g := deb.PackageName("6.1.0_Custom"); g != "nfsbundle-modules-6.1.0-custom" {
		t.Errorf("DebPackageName: %s", g)
	}
	if rpm.Arch("amd64") != "x86_64" || deb.Arch("x86_64") != "amd64" || rpm.Arch("arm64") != "aarch64" || deb.Arch("aarch64") != "arm64" {
		t.Error("arch mapping")
	}
	tg := func(id, family string, like []string, kver string) pkg.Target {
		return pkg.Target{DistroID: id, DistroFamily: family, DistroLike: like, KernelRelease: kver}
	}
	packagers := map[string]pkg.Packager{"rpm": rpm.Packager{}, "deb": deb.Packager{}}
	for _, c := range []struct {
		t      pkg.Target
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
		got := packagers[c.format].ModuleDir(c.t, "K")
		if want := "lib/modules/K/" + c.want + "/nfsbundle"; got != want {
			t.Errorf("%s/%s %s: %s, want %s", c.t.DistroID, c.format, c.t.KernelRelease, got, want)
		}
	}
	if !deb.IsDistroKernel(tg("debian", "deb", nil, ""), "6.1.0-56-amd64") || !deb.IsDistroKernel(tg("ubuntu", "deb", nil, ""), "5.15.0-91-generic") ||
		!deb.IsDistroKernel(tg("debian", "deb", nil, ""), "6.12.118+deb13-amd64") || !deb.IsDistroKernel(tg("debian", "deb", nil, ""), "6.12.9+bpo-cloud-amd64") {
		t.Error("distro kernels not recognised")
	}
	if deb.IsDistroKernel(tg("debian", "deb", nil, ""), "6.6.7") || deb.IsDistroKernel(tg("debian", "deb", nil, ""), "6.12.0+custom") || deb.IsDistroKernel(tg("rocky", "rpm", nil, ""), "6.1.0-56-amd64") {
		t.Error("custom kernel taken for a distro one")
	}
}

func TestDescribeRPM(t *testing.T) {
	in := pkgtest.Input(t, rpm.Packager{})
	p, err := pkg.Describe(in)
	pk := in.Packager
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
	if want := []string{"nfsbundle-kmod = 1.0.0", "kmod-nfsbundle = 1.0.0", "kmod(b.ko)", "kmod(a.ko)"}; !reflect.DeepEqual(prov, want) {
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
	in = pkgtest.Input(t, rpm.Packager{})
	in.RPM.NoKABIRequires = true
	in.Legacy = true
	p, err = pkg.Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Requires) != 0 || p.Version != "1.0.0+legacy" || !strings.Contains(p.Summary, "legacy") {
		t.Errorf("NoKABIRequires/Legacy: requires %v version %s summary %s", p.Requires, p.Version, p.Summary)
	}
	// The finish stage records a legacy build: the packages say 1.0.0+legacy.
	in = pkgtest.Input(t, deb.Packager{})
	in.Version, in.Stage.Version, in.Stage.Legacy = "", "1.0.0", true
	p, err = pkg.Describe(in)
	pk = in.Packager
	if err != nil {
		t.Fatal(err)
	}
	if n := pk.FileName(p); n != "nfsbundle-modules-6.1.0-56-amd64_1.0.0+legacy-1_amd64.deb" || !strings.Contains(p.Description, "legacy source tree") {
		t.Errorf("legacy deb: %s", n)
	}
}

func TestDescribeDeb(t *testing.T) {
	in := pkgtest.Input(t, deb.Packager{})
	in.Target.DistroID, in.Target.DistroFamily, in.Target.DistroLike = "debian", "deb", nil
	in.CtlBinary = pkgtest.Testdata("gen.sh")
	p, err := pkg.Describe(in)
	pk := in.Packager
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
	for _, pk := range []pkg.Packager{rpm.Packager{}, deb.Packager{}} {
		format := pk.Format()
		var sums [][]byte
		for i := 0; i < 2; i++ {
			in := pkgtest.Input(t, pk)
			out, err := pkg.Build(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out.Path)
			if err != nil {
				t.Fatal(err)
			}
			sums = append(sums, b)
			if ents, _ := os.ReadDir(in.Dist); len(ents) != 1+len(out.Companions) {
				t.Errorf("%s: dist has %d entries, want the package and its %d companions (no temporary leftovers)", format, len(ents), len(out.Companions))
			}
		}
		if !bytes.Equal(sums[0], sums[1]) {
			t.Errorf("%s: two builds with one SOURCE_DATE_EPOCH differ", format)
		}
	}
}

// TestScriptsParse checks every maintainer script with the shells that run
// them (dash on Debian, bash as /bin/sh on RPM distributions).
func TestScriptsParse(t *testing.T) {
	for _, pk := range []pkg.Packager{rpm.Packager{}, deb.Packager{}} {
		format := pk.Format()
		in := pkgtest.Input(t, pk)
		in.CtlBinary = pkgtest.Testdata("gen.sh")
		p, err := pkg.Describe(in)
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
