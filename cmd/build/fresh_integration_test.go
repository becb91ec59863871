// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/paths"
)

// TestFreshMinimalRoot is the acceptance case of the fresh machine: `bin`
// in a minimal bookworm root (debootstrap --variant=minbase: no kmod, no
// make, no compiler). With --no-install it must fail within 10 s naming
// kmod; as root without it, it must install kmod (saying so) and go on:
// the run then stops at detect for a kernel that has no headers anywhere,
// so nothing is compiled.
func TestFreshMinimalRoot(t *testing.T) {
	switch {
	case os.Getenv("NFSBUNDLE_INTEGRATION") != "1":
		t.Skip("debootstraps a minimal bookworm root (minutes, network, root): runs under ./build.sh test")
	case os.Geteuid() != 0:
		t.Skip("debootstrap and chroot need root")
	}
	if _, err := exec.LookPath("debootstrap"); err != nil {
		t.Skip("debootstrap is not installed (apt-get install debootstrap)")
	}
	top := repoTop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	root := freshRootCopy(t, ctx, minimalRoot(t, ctx))
	installDriver(t, ctx, top, root)

	start := time.Now()
	code, out := inRoot(ctx, root, "bin", "--no-install")
	if d := time.Since(start); code != cli.ExitHostTools || !strings.Contains(out, "apt-get install") || !strings.Contains(out, "kmod") || d > 10*time.Second {
		t.Fatalf("--no-install in a minimal root: exit %d after %s:\n%s", code, d, out)
	}

	code, out = inRoot(ctx, root, "bin", "--kernel", "9.9.9-nope")
	if !strings.Contains(out, "preflight: installing") || !strings.Contains(out, "kmod") {
		t.Fatalf("no install line naming kmod (exit %d):\n%s", code, out)
	}
	if code != cli.ExitHeadersMissing {
		t.Fatalf("after installing, bin must go on to detect (exit %d, want %d):\n%s", code, cli.ExitHeadersMissing, out)
	}
	if _, err := os.Stat(filepath.Join(root, "usr/bin/kmod")); err != nil {
		t.Errorf("kmod was not installed: %v", err)
	}
	if strings.Contains(out, "Reading package lists") || strings.Contains(out, "Setting up") {
		t.Errorf("apt's own output reached the terminal:\n%s", out)
	}
}

// minimalRoot is a cached minbase bookworm root, made once.
func minimalRoot(t *testing.T, ctx context.Context) string {
	dir := filepath.Join(paths.Cache(), "test-minbase", "bookworm")
	done := dir + ".complete"
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A private mount namespace: whatever debootstrap mounts goes with it.
	cmd := exec.CommandContext(ctx, "unshare", "--mount", "--propagation", "private", "--",
		"debootstrap", "--variant=minbase", "bookworm", dir, debian.Mirror)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("debootstrap: %v\n%s", err, out)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// freshRootCopy copies the cached root, so that what a run installs does
// not leak into the next one.
func freshRootCopy(t *testing.T, ctx context.Context, src string) string {
	dst := filepath.Join(t.TempDir(), "root")
	if out, err := exec.CommandContext(ctx, "cp", "-a", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("copying the root: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dst, "usr/bin/kmod")); err == nil {
		t.Fatal("the minimal root already has kmod: the test would prove nothing")
	}
	return dst
}

// installDriver puts a static driver, VERSION and kernel-src/ (what bin
// reads before the preflight) at /opt/nfsbundle in the root.
func installDriver(t *testing.T, ctx context.Context, top, root string) {
	opt := filepath.Join(root, "opt/nfsbundle")
	if err := os.MkdirAll(filepath.Join(opt, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(opt, "bin/nfsbundle-build"), "./cmd/build")
	build.Dir, build.Env = top, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := fileutil.CopyFile(filepath.Join(top, "VERSION"), filepath.Join(opt, "VERSION"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.CommandContext(ctx, "cp", "-a", filepath.Join(top, "kernel-src"), opt).CombinedOutput(); err != nil {
		t.Fatalf("copying kernel-src: %v\n%s", err, out)
	}
	// apt inside the root resolves the mirror with the host's resolver.
	if err := fileutil.CopyFile("/etc/resolv.conf", filepath.Join(root, "etc/resolv.conf"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// inRoot runs the driver in the root with args and returns its exit
// status and everything it printed.
func inRoot(ctx context.Context, root string, args ...string) (int, string) {
	return inRootCmd(ctx, root, append([]string{"/opt/nfsbundle/bin/nfsbundle-build"}, args...)...)
}

// inRootCmd runs argv in the root, as root, with a plain environment.
func inRootCmd(ctx context.Context, root string, argv ...string) (int, string) {
	// A machine has /proc (the driver finds itself through
	// /proc/self/exe): a private pid namespace mounts a fresh one there.
	a := append([]string{"--mount", "--propagation", "private", "--pid", "--fork",
		"--mount-proc=" + filepath.Join(root, "proc"), "--", "chroot", root}, argv...)
	cmd := exec.CommandContext(ctx, "unshare", a...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", paths.TopEnv + "=/opt/nfsbundle",
		paths.CacheEnv + "=/var/cache/nfsbundle"}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), out.String()
	}
	if err != nil {
		return -1, err.Error()
	}
	return 0, out.String()
}

// TestFreshMinimalRootBuild is the whole first run of the fresh machine:
// a clone of this repository in a minimal bookworm root without kmod,
// make or a compiler, `./build.sh bin` as root for bookworm's current 6.1
// kernel. It must install what it needs (saying so), fetch the headers,
// build and package. The root has no Go, so the clone carries the
// drivers built from this checkout in bin/, as a source release does.
// Minutes of apt and a full compile: ./build.sh test --full.
func TestFreshMinimalRootBuild(t *testing.T) {
	switch {
	case os.Getenv("NFSBUNDLE_FULL") != "1":
		t.Skip("installs a toolchain in a minimal root and compiles the stack there (minutes): runs under ./build.sh test --full")
	case os.Geteuid() != 0:
		t.Skip("debootstrap and chroot need root")
	}
	top := repoTop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
	defer cancel()
	kver, err := debian.Private(paths.Cache(), "bookworm").Latest(ctx, "6.1")
	if err != nil {
		t.Fatal(err)
	}
	root := freshRootCopy(t, ctx, minimalRoot(t, ctx))
	cloneInto(t, ctx, top, root)

	start := time.Now()
	code, out := inRootCmd(ctx, root, "/opt/nfsbundle/build.sh", "bin", "--kernel", kver)
	t.Logf("bin --kernel %s in a minimal root: exit %d after %s", kver, code, cli.Seconds(time.Since(start)))
	if code != cli.ExitOK {
		t.Fatalf("bin in a minimal root failed:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "preflight:") || strings.Contains(l, "compiled") {
			t.Log(l)
		}
	}
	if !strings.Contains(out, "preflight: installing") || !strings.Contains(out, "kmod") {
		t.Errorf("no install line naming kmod:\n%s", out)
	}
	debs, _ := filepath.Glob(filepath.Join(root, "opt/nfsbundle/dist", "*"+kver+"*.deb"))
	if len(debs) == 0 {
		t.Errorf("no package for %s in dist/:\n%s", kver, out)
	}
}

// cloneInto clones the repository's HEAD to /opt/nfsbundle in the root
// and puts the drivers built from this checkout in its bin/, newer than
// its sources so build.sh runs them as they are.
func cloneInto(t *testing.T, ctx context.Context, top, root string) {
	opt := filepath.Join(root, "opt/nfsbundle")
	if out, err := exec.CommandContext(ctx, "git", "clone", "--quiet", "--no-hardlinks", top, opt).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	for _, p := range []string{"build:nfsbundle-build", "nfsbundle-ctl:nfsbundle-ctl"} {
		pkg, name, _ := strings.Cut(p, ":")
		build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(opt, "bin", name), "./cmd/"+pkg)
		build.Dir, build.Env = top, append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	if err := fileutil.CopyFile("/etc/resolv.conf", filepath.Join(root, "etc/resolv.conf"), 0o644); err != nil {
		t.Fatal(err)
	}
}
