// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package buildroot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nfsbundle/nfsbundle/compat"
	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/paths"
)

func TestChoose(t *testing.T) {
	host := debian.HostSuite()
	for _, c := range []struct {
		mode, kver, want string
		err              bool
	}{
		{"host", "5.10.0-32-amd64", "", false},
		{"", "5.10.0-32-amd64", "", false},
		{"trixie", "6.1.0-56-amd64", "trixie", false},
		{"auto", "6.12.107+deb13-amd64", "trixie", false},
		{"auto", "5.10.0-32-amd64", "bullseye", false},
		{"auto", "5.14.0-427.el9.x86_64", "", false},
		{"jessie-nope", "6.1.0-56-amd64", "", true},
	} {
		want := c.want
		if want == host {
			want = "" // auto never picks the host's own suite
		}
		if c.mode != "auto" {
			want = c.want
		}
		got, err := Choose(c.mode, c.kver)
		if (err != nil) != c.err || got != want {
			t.Errorf("Choose(%q,%q) = %q,%v want %q err=%v", c.mode, c.kver, got, err, want, c.err)
		}
	}
	if host == "bookworm" {
		if got, _ := Choose("auto", "6.1.0-56-amd64"); got != "" {
			t.Errorf("auto for the host's own kernel picked %q, want the host", got)
		}
	}
}

func TestHostPath(t *testing.T) {
	r := New("/c/buildroot/trixie").With("/work/build/k", "/tmp/x/")
	for in, want := range map[string]string{
		"/usr/src/linux-headers-6.12.107+deb13-amd64": "/c/buildroot/trixie/usr/src/linux-headers-6.12.107+deb13-amd64",
		"/work/build/k/compat":                        "/work/build/k/compat",
		"/work/build/kk":                              "/c/buildroot/trixie/work/build/kk",
		"/tmp/x":                                      "/tmp/x",
	} {
		if got := r.HostPath(in); got != want {
			t.Errorf("HostPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIncompleteRootIsNotComplete(t *testing.T) {
	cache := t.TempDir()
	if err := os.MkdirAll(filepath.Join(Dir(cache, "bullseye"), "usr/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if Complete(cache, "bullseye") {
		t.Fatal("a root without its marker counts as complete")
	}
}

// TestEnsureIntegration creates (or reuses) the bullseye and trixie roots
// and checks that a second Ensure reuses them without debootstrap, and that
// the Runner executes inside with binds.
func TestEnsureIntegration(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("set NFSBUNDLE_INTEGRATION=1 (needs root, debootstrap and the Debian archive)")
	}
	ctx, cache := context.Background(), paths.Cache()
	suites := []string{"bullseye", "trixie"}
	if s := os.Getenv("NFSBUNDLE_TEST_SUITES"); s != "" {
		suites = strings.Fields(s)
	}
	for _, suite := range suites {
		root, err := Ensure(ctx, cache, suite)
		if err != nil {
			t.Fatal(err)
		}
		m1, err := readMarker(root)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := Ensure(ctx, cache, suite); err != nil {
			t.Fatal(err)
		}
		m2, _ := readMarker(root)
		if !m2.Created.Equal(m1.Created) {
			t.Errorf("%s: second Ensure re-created the root", suite)
		}
		t.Logf("%s: created in %.0fs, reuse took %v", suite, m1.Seconds, time.Since(start))
		work := t.TempDir()
		if err := os.WriteFile(filepath.Join(work, "in"), []byte("hello"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := New(root).With(work)
		out, err := r.Output(ctx, work, nil, "sh", "-c", `grep VERSION_CODENAME /etc/os-release; cat in; echo made > out; gcc -dumpversion`)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "VERSION_CODENAME="+suite) || !strings.Contains(string(out), "hello") {
			t.Errorf("%s: runner output %q: not inside the root or bind missing", suite, out)
		}
		if b, err := os.ReadFile(filepath.Join(work, "out")); err != nil || string(b) != "made\n" {
			t.Errorf("%s: a file written inside the bind is not on the host: %q %v", suite, b, err)
		}
		if ms, _ := mountsUnder(root); len(ms) > 0 {
			t.Errorf("%s: mounts leaked into the host namespace: %v", suite, ms)
		}
	}
}

// TestEnsureKernelIntegration installs the 5.10 headers in the bullseye
// root and the current 6.12 headers in the trixie root, and builds a tiny external module there with make -C KDIR M=DIR: the
// path the legacy tree takes.
func TestEnsureKernelIntegration(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("set NFSBUNDLE_INTEGRATION=1 (needs root, debootstrap and the Debian archive)")
	}
	ctx, cache := context.Background(), paths.Cache()
	k612 := os.Getenv("NFSBUNDLE_TEST_KVER_612")
	if k612 == "" {
		var err error
		if k612, err = debian.Private(cache, "trixie").Latest(ctx, "6.12"); err != nil {
			t.Fatal(err)
		}
	}
	targets := map[string]string{"bullseye": "5.10.0-32-amd64", "trixie": k612}
	for suite, kver := range targets {
		r, kdir, err := EnsureKernel(ctx, cache, suite, kver)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(r.HostPath(kdir + "/Module.symvers")); err != nil {
			t.Fatalf("%s: headers not installed in the root: %v", kver, err)
		}
		dir := t.TempDir()
		src := "// SPDX-License-Identifier: GPL-2.0-only\n#include <linux/module.h>\nstatic int __init t_init(void) { return 0; }\nmodule_init(t_init);\nMODULE_LICENSE(\"GPL\");\n"
		if err := os.WriteFile(filepath.Join(dir, "t.c"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Kbuild"), []byte("obj-m := t.o\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := r.With(dir).Output(ctx, dir, nil, "make", "-C", kdir, "M="+dir, "-j2", "modules")
		if err != nil {
			t.Fatalf("%s: make in the %s root: %v\n%s", kver, suite, err, out)
		}
		info, err := r.With(dir).Output(ctx, dir, nil, "modinfo", "-F", "vermagic", "t.ko")
		if err != nil || !strings.HasPrefix(string(info), kver+" ") {
			t.Errorf("%s: module vermagic %q (%v)", kver, info, err)
		}
	}
}

func TestResolveHostKDir(t *testing.T) {
	kdir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(kdir, "include/config"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(kdir, "include/config/kernel.release"), []byte("6.1.0-99-amd64\n"), 0o644)
	env, err := Resolve(context.Background(), Options{Mode: "host", KDir: kdir})
	if err != nil {
		t.Fatal(err)
	}
	if env.KVer != "6.1.0-99-amd64" || env.KDir != kdir || env.Runner != nil || env.Suite != "" || env.HostKDir() != kdir {
		t.Errorf("Resolve(host, --kdir): %+v", env)
	}
	if _, err := Resolve(context.Background(), Options{Mode: "host", KDir: t.TempDir()}); err == nil {
		t.Error("a --kdir without kernel.release and no --kernel was accepted")
	}
	if _, err := Resolve(context.Background(), Options{Mode: "lenny", KVer: "6.1.0-1-amd64"}); err == nil {
		t.Error("an unknown suite was accepted")
	}
}

// TestResolveHostDetects is bin's question: without a named kernel the host
// builds and detect picks the kernel; a named kernel the host builds is
// left to detect too (nothing looked up or fetched here).
func TestResolveHostDetects(t *testing.T) {
	env, err := Resolve(context.Background(), Options{Mode: "auto", HostDetects: true})
	if err != nil || env.Runner != nil || env.KVer != "" || env.KDir != "" {
		t.Errorf("Resolve(auto, no kernel): %+v, %v", env, err)
	}
	env, err = Resolve(context.Background(), Options{Mode: "host", KVer: "5.10.0-32-amd64", HostDetects: true})
	if err != nil || env.Runner != nil || env.KVer != "5.10.0-32-amd64" || env.KDir != "" || env.Why != "host" {
		t.Errorf("Resolve(host, 5.10): %+v, %v", env, err)
	}
}

// An Env runs the compat probes wherever it is (host or build root).
var _ compat.Runner = (*Env)(nil)
