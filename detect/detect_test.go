// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles creates a fixture root from path -> content; content starting
// with "->" makes a symlink.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(c, "->") {
			if err := os.Symlink(strings.TrimPrefix(c, "->"), full); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestDetectDistro(t *testing.T) {
	cases := []struct {
		name, osRelease, override, id, family string
	}{
		{"rhel8", `NAME="Red Hat Enterprise Linux"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="8.10"`, "", "rhel", "rpm"},
		{"centos7", "ID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"", "", "centos", "rpm"},
		{"rocky9", "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"", "", "rocky", "rpm"},
		{"alma", "ID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"", "", "almalinux", "rpm"},
		{"oracle", "ID=\"ol\"\nID_LIKE=\"fedora\"", "", "ol", "rpm"},
		{"scientific", "ID=\"scientific\"\nID_LIKE=\"rhel centos fedora\"", "", "scientific", "rpm"},
		{"fedora", "ID=fedora\nVERSION_ID=40", "", "fedora", "rpm"},
		{"sles15", "ID=\"sles\"\nID_LIKE=\"suse\"\nVERSION_ID=\"15.5\"", "", "sles", "rpm"},
		{"leap", "ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"", "", "opensuse-leap", "rpm"},
		{"ubuntu", "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"", "", "ubuntu", "deb"},
		{"debian", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm", "", "debian", "deb"},
		{"like-fallback", "ID=linuxmint\nID_LIKE=\"ubuntu debian\"", "", "ubuntu", "deb"},
		{"like-rhel", "ID=\"virtuozzo\"\nID_LIKE=\"rhel fedora\"", "", "rhel", "rpm"},
		{"override", "ID=debian", "rocky", "rocky", "rpm"},
		{"single-quotes", "ID='debian'", "", "debian", "deb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := writeFiles(t, map[string]string{"etc/os-release": c.osRelease})
			d, err := DetectDistro(root, c.override)
			if err != nil {
				t.Fatal(err)
			}
			if d.ID != c.id || d.Family != c.family {
				t.Fatalf("got %s/%s, want %s/%s", d.ID, d.Family, c.id, c.family)
			}
		})
	}
}

func TestDetectDistroErrors(t *testing.T) {
	if _, err := DetectDistro(t.TempDir(), ""); err == nil || !strings.Contains(err.Error(), IDOverrideEnv) {
		t.Fatalf("missing os-release: want a hint about %s, got %v", IDOverrideEnv, err)
	}
	root := writeFiles(t, map[string]string{"etc/os-release": "ID=plan9\n"})
	if _, err := DetectDistro(root, ""); err == nil || !strings.Contains(err.Error(), "unsupported distribution \"plan9\"") {
		t.Fatalf("unknown distro: got %v", err)
	}
	// usr/lib/os-release is the fallback location.
	root = writeFiles(t, map[string]string{"usr/lib/os-release": "ID=fedora\n"})
	if d, err := DetectDistro(root, ""); err != nil || d.ID != "fedora" {
		t.Fatalf("usr/lib/os-release: %v %v", d, err)
	}
}

func TestParseRelease(t *testing.T) {
	cases := map[string]string{
		"6.1.0-56-amd64":               "6.1.0",
		"4.18.0-553.el8_10.x86_64":     "4.18.0",
		"4.18.0-553.el8_10":            "4.18.0",
		"5.14.0-427.13.1.el9_4.x86_64": "5.14.0",
		"5.14.21-150500.55.19-default": "5.14.21",
		"5.15.0-91-generic":            "5.15.0",
		"6.12.48+deb13-amd64":          "6.12.48",
		"6.1.92":                       "6.1.92",
		"3.10.0-1160.el7.x86_64":       "3.10.0",
		"6.8":                          "6.8.0",
		"5.4.0-1103-azure":             "5.4.0",
		"6.10.0-rc1":                   "6.10.0",
	}
	for in, want := range cases {
		v, err := ParseRelease(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if v.String() != want {
			t.Errorf("%s: got %s, want %s", in, v, want)
		}
	}
	if _, err := ParseRelease("nope"); err == nil {
		t.Error("want an error for a release without a version")
	}
}

// headersTree returns fixture files for a configured headers tree at dir.
func headersTree(dir, release string, config string) map[string]string {
	return map[string]string{
		dir + "/Makefile":                               "# kernel Makefile\n",
		dir + "/.config":                                config,
		dir + "/include/generated/utsrelease.h":         `#define UTS_RELEASE "` + release + "\"\n",
		dir + "/include/generated/uapi/linux/version.h": "#define LINUX_VERSION_CODE 393664\n#define LINUX_VERSION_MAJOR 6\n#define LINUX_VERSION_PATCHLEVEL 1\n#define LINUX_VERSION_SUBLEVEL 192\n",
		dir + "/Module.symvers":                         "",
	}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestSelectKernelLayouts(t *testing.T) {
	debian := merge(headersTree("usr/src/linux-headers-6.1.0-56-amd64", "6.1.0-56-amd64", "CONFIG_SUNRPC=m\n"),
		map[string]string{
			"usr/src/linux-headers-6.1.0-56-amd64/Makefile":  "include /usr/src/linux-headers-6.1.0-56-common/Makefile\n",
			"usr/src/linux-headers-6.1.0-56-common/Makefile": "# full kernel Makefile\n",
			"lib/modules/6.1.0-56-amd64/build":               "->/usr/src/linux-headers-6.1.0-56-amd64",
		})
	rhel := merge(headersTree("usr/src/kernels/4.18.0-553.el8_10.x86_64", "4.18.0-553.el8_10.x86_64", "CONFIG_SUNRPC=m\n"))
	t.Run("debian split headers via lib/modules symlink", func(t *testing.T) {
		root := writeFiles(t, debian)
		k, err := SelectKernel(KernelQuery{Root: root, Release: "6.1.0-56-amd64"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(k.HeadersDir, "usr/src/linux-headers-6.1.0-56-amd64") {
			t.Errorf("headers dir %s", k.HeadersDir)
		}
		if !strings.HasSuffix(k.SourceDir, "usr/src/linux-headers-6.1.0-56-common") {
			t.Errorf("source dir %s: the include in the headers Makefile was not followed", k.SourceDir)
		}
		if k.Version != "6.1.192" {
			t.Errorf("version %s", k.Version)
		}
	})
	t.Run("rhel usr/src/kernels", func(t *testing.T) {
		root := writeFiles(t, rhel)
		k, err := SelectKernel(KernelQuery{Root: root, Release: "4.18.0-553.el8_10.x86_64"})
		if err != nil || !strings.HasSuffix(k.HeadersDir, "usr/src/kernels/4.18.0-553.el8_10.x86_64") {
			t.Fatalf("%v %v", k, err)
		}
		if k.SourceDir != k.HeadersDir {
			t.Errorf("source dir %s should be the headers dir", k.SourceDir)
		}
	})
	t.Run("running kernel without headers picks the newest installed", func(t *testing.T) {
		files := merge(debian, headersTree("usr/src/linux-headers-6.1.0-50-amd64", "6.1.0-50-amd64", "CONFIG_SUNRPC=m\n"))
		root := writeFiles(t, files)
		k, err := SelectKernel(KernelQuery{Root: root, Running: "6.18.44-fc"})
		if err != nil {
			t.Fatal(err)
		}
		if k.Release != "6.1.0-56-amd64" || k.Chosen != "newest-installed" || !strings.Contains(k.Note, "6.18.44-fc has no headers") {
			t.Fatalf("got %+v", k)
		}
	})
	t.Run("running kernel with headers", func(t *testing.T) {
		root := writeFiles(t, merge(debian, headersTree("usr/src/linux-headers-6.1.0-50-amd64", "6.1.0-50-amd64", "")))
		k, err := SelectKernel(KernelQuery{Root: root, Running: "6.1.0-50-amd64"})
		if err != nil || k.Release != "6.1.0-50-amd64" || k.Chosen != "running" {
			t.Fatalf("%+v %v", k, err)
		}
	})
	t.Run("kdir anywhere", func(t *testing.T) {
		root := writeFiles(t, headersTree("opt/kernels/custom", "6.1.55-custom", ""))
		k, err := SelectKernel(KernelQuery{Root: root, KDir: filepath.Join(root, "opt/kernels/custom")})
		if err != nil || k.Release != "6.1.55-custom" || k.Chosen != "--kdir" {
			t.Fatalf("%+v %v", k, err)
		}
		if _, err := SelectKernel(KernelQuery{Root: root, KDir: filepath.Join(root, "opt/kernels/custom"), Release: "6.2.0"}); err == nil {
			t.Fatal("a --kernel that disagrees with --kdir must fail")
		}
		if _, err := SelectKernel(KernelQuery{Root: root, KDir: filepath.Join(root, "opt")}); err == nil {
			t.Fatal("a --kdir that is no headers tree must fail")
		}
	})
	t.Run("missing headers names the kernel and the package", func(t *testing.T) {
		root := writeFiles(t, debian)
		_, err := SelectKernel(KernelQuery{Root: root, Release: "9.9.9-nope", Family: "deb"})
		var nh *NoHeadersError
		if !errors.As(err, &nh) || !strings.Contains(err.Error(), "apt-get install linux-headers-9.9.9-nope") {
			t.Fatalf("got %v", err)
		}
		_, err = SelectKernel(KernelQuery{Root: root, Release: "9.9.9-nope", Family: "rpm"})
		if err == nil || !strings.Contains(err.Error(), "kernel-devel-9.9.9-nope") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("no headers at all", func(t *testing.T) {
		_, err := SelectKernel(KernelQuery{Root: t.TempDir(), Running: "6.18.0"})
		if !errors.Is(err, ErrNoHeadersAtAll) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("broken headers dir without .config is skipped", func(t *testing.T) {
		root := writeFiles(t, map[string]string{"usr/src/linux-headers-6.1.0-1-amd64/Makefile": "x"})
		if _, err := SelectKernel(KernelQuery{Root: root, Release: "6.1.0-1-amd64"}); err == nil {
			t.Fatal("a headers dir without .config must not be used")
		}
	})
}

func TestInstalledHeadersOrder(t *testing.T) {
	files := merge(
		headersTree("usr/src/linux-headers-6.1.0-9-amd64", "6.1.0-9-amd64", ""),
		headersTree("usr/src/linux-headers-6.1.0-56-amd64", "6.1.0-56-amd64", ""),
		headersTree("usr/src/linux-headers-5.10.0-32-amd64", "5.10.0-32-amd64", ""),
		map[string]string{"usr/src/linux-headers-6.1.0-56-common/Makefile": "x"},
	)
	got := InstalledHeaders(writeFiles(t, files))
	want := []string{"6.1.0-56-amd64", "6.1.0-9-amd64", "5.10.0-32-amd64"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestConfigFacts(t *testing.T) {
	cfg := `CONFIG_MODVERSIONS=y
CONFIG_MODULE_SIG=y
CONFIG_MODULE_SIG_ALL=y
# CONFIG_MODULE_SIG_FORCE is not set
CONFIG_MODULE_SIG_HASH="sha512"
CONFIG_MODULE_COMPRESS_XZ=y
CONFIG_SUNRPC=m
CONFIG_NFS_FS=m
CONFIG_NFS_COMMON=y
CONFIG_NFS_V4_2_SSC_HELPER=y
CONFIG_CC_VERSION_TEXT="gcc (GCC) 8.5.0 20210514 (Red Hat 8.5.0-22)"
`
	c := ConfigFacts(ParseKconfig(cfg))
	if !c.Modversions || !c.ModuleSig || !c.ModuleSigAll || c.ModuleSigForce || c.SigHash != "sha512" || c.Compress != "xz" {
		t.Fatalf("%+v", c)
	}
	if strings.Join(c.Builtin, ",") != "NFS_COMMON,NFS_V4_2_SSC_HELPER" || strings.Join(c.Modular, ",") != "NFS_FS,SUNRPC" {
		t.Fatalf("builtin %v modular %v", c.Builtin, c.Modular)
	}
	if CompilerMajor(c.Values["CONFIG_CC_VERSION_TEXT"]) != 8 {
		t.Fatal("RHEL compiler banner")
	}
	for banner, want := range map[string]int{
		"gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0":  12,
		"gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0": 11,
		"gcc-14 (Debian 14.2.0-19) 14.2.0":          14,
		"gcc (SUSE Linux) 7.5.0":                    7,
		"Ubuntu clang version 14.0.0-1ubuntu1.1":    14,
		"":                                          0,
	} {
		if got := CompilerMajor(banner); got != want {
			t.Errorf("%q: %d, want %d", banner, got, want)
		}
	}
	if !CompareCompiler("gcc-10 (Debian 10.2.1-6) 10.2.1 20210110", "gcc (Debian 12.2.0-14) 12.2.0", "/usr/bin/gcc").Mismatch {
		t.Error("gcc 10 vs 12 must be a mismatch")
	}
	if CompareCompiler("gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0", "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0", "x").Mismatch {
		t.Error("same compiler is no mismatch")
	}
}

func TestExpectedCC(t *testing.T) {
	root := writeFiles(t, map[string]string{"h/.kernelvariables": "override ARCH = x86\nCC = $(if $(DEBIAN_KERNEL_USE_CCACHE),$(CCACHE)) $(CROSS_COMPILE)gcc-12\n"})
	if got := ExpectedCC(filepath.Join(root, "h")); got != "gcc-12" {
		t.Fatalf("got %q", got)
	}
	if got := ExpectedCC(t.TempDir()); got != "" {
		t.Fatalf("no .kernelvariables: got %q", got)
	}
}

func TestDetectOFED(t *testing.T) {
	tree := func(dir string) map[string]string {
		return map[string]string{dir + "/Module.symvers": "0x1\tib_register_client\tdrivers/infiniband/core/ib_core\tEXPORT_SYMBOL\n", dir + "/include/rdma/ib_verbs.h": ""}
	}
	cases := []struct {
		name      string
		files     map[string]string
		info      string
		installed bool
		version   string
		dirSuffix string
		dkms      bool
		mismatch  bool
	}{
		{"none", map[string]string{"etc/hostname": "x"}, "", false, "", "", false, false},
		{"per-kernel tree", tree("usr/src/ofa_kernel/x86_64/6.1.0-56-amd64"), "MLNX_OFED_LINUX-24.10-1.1.4.0:\n", true, "24.10-1.1.4.0", "ofa_kernel/x86_64/6.1.0-56-amd64", false, false},
		{"default tree", tree("usr/src/ofa_kernel/default"), "MLNX_OFED_LINUX-5.8-1.0.1.1:", true, "5.8-1.0.1.1", "ofa_kernel/default", false, false},
		{"built for another kernel", tree("usr/src/ofa_kernel/x86_64/6.1.0-50-amd64"), "MLNX_OFED_LINUX-5.8-1.0.1.1:", true, "5.8-1.0.1.1", "", false, true},
		{"dkms", merge(tree("usr/src/mlnx-ofed-kernel-24.10"), map[string]string{"var/lib/dkms/mlnx-ofed-kernel/24.10/source": "->/usr/src/mlnx-ofed-kernel-24.10"}), "", true, "24.10", "mlnx-ofed-kernel-24.10", true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := DetectOFED(OFEDQuery{Root: writeFiles(t, c.files), Release: "6.1.0-56-amd64", Arch: "x86_64", InfoOutput: c.info})
			if o.Installed != c.installed || o.Version != c.version || o.DKMS != c.dkms || !strings.HasSuffix(o.Dir, c.dirSuffix) {
				t.Fatalf("got %+v", o)
			}
			if o.Mismatch("6.1.0-56-amd64") != c.mismatch {
				t.Fatalf("mismatch: got %v (%+v)", !c.mismatch, o)
			}
		})
	}
}

func TestDetectSecureBoot(t *testing.T) {
	if s := DetectSecureBoot(t.TempDir(), "SecureBoot enabled\n"); s.State != "enabled" {
		t.Fatal(s)
	}
	if s := DetectSecureBoot(t.TempDir(), "SecureBoot disabled\n"); s.State != "disabled" {
		t.Fatal(s)
	}
	on := writeFiles(t, map[string]string{"sys/" + secureBootVar: "\x06\x00\x00\x00\x01"})
	if s := DetectSecureBoot(on, ""); s.State != "enabled" || s.Source != "EFI variable SecureBoot" {
		t.Fatal(s)
	}
	off := writeFiles(t, map[string]string{"sys/" + secureBootVar: "\x06\x00\x00\x00\x00"})
	if s := DetectSecureBoot(off, ""); s.State != "disabled" {
		t.Fatal(s)
	}
	if s := DetectSecureBoot(t.TempDir(), ""); s.State != "disabled" || !strings.Contains(s.Source, "EFI") {
		t.Fatal(s)
	}
	efiNoVars := writeFiles(t, map[string]string{"sys/firmware/efi/runtime": ""})
	if s := DetectSecureBoot(efiNoVars, ""); s.State != "unknown" {
		t.Fatal(s)
	}
}

func TestDetectWholeFixtureHost(t *testing.T) {
	files := merge(headersTree("usr/src/linux-headers-6.1.0-56-amd64", "6.1.0-56-amd64",
		"CONFIG_SUNRPC=m\nCONFIG_MODULE_SIG_HASH=\"sha256\"\nCONFIG_CC_VERSION_TEXT=\"gcc-12 (Debian 12.2.0-14) 12.2.0\"\n"),
		map[string]string{"etc/os-release": "ID=debian\nVERSION_ID=\"12\"\n", "proc/sys/kernel/osrelease": "6.18.44\n"})
	root := writeFiles(t, files)
	runner := func(ctx context.Context, name string, args ...string) (string, error) {
		switch name {
		case "mokutil":
			return "SecureBoot enabled\n", nil
		}
		return "", errors.New("absent")
	}
	tg, err := Detect(context.Background(), Options{Root: root, RunCmd: runner})
	if err != nil {
		t.Fatal(err)
	}
	if tg.Kernel.Release != "6.1.0-56-amd64" || tg.Distro.Family != "deb" || tg.SecureBoot.State != "enabled" || tg.Config.SigHash != "sha256" || tg.OFED.Installed {
		t.Fatalf("%+v", tg)
	}
	tg, err = Detect(context.Background(), Options{Root: root, RunCmd: runner, NoOFED: true})
	if err != nil || !tg.OFED.Disabled {
		t.Fatalf("--no-ofed: %+v %v", tg.OFED, err)
	}
}
