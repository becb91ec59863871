// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package buildroot answers where a target kernel is built and with which
// headers (Resolve; FetchMissingHeaders for the detect stage): on the host,
// or in a Debian build root. It creates and runs the build roots: one
// minbase chroot per Debian suite made with debootstrap, cached under the
// cache root, with that suite's compiler, kbuild tools and kernel headers
// installed by apt inside it. Targets whose compiler or host tools do not run on the host
// (5.10 wants gcc-10 and libcrypto 1.1, 6.12 wants gcc-14 and glibc 2.38)
// are probed and built through a Runner that executes commands in the root.
//
// A root is marked complete only after debootstrap and the base packages
// succeeded, so an interrupted creation is redone from scratch next time;
// a complete root is reused as is (debootstrap never runs twice).
//
// Building out-of-tree modules for a kernel of another release:
//
//	env, err := buildroot.Resolve(ctx, buildroot.Options{Mode: "auto", KVer: "5.10.0-32-amd64", CacheDir: cache})
//	// env.Suite == "bullseye", env.KDir == "/usr/src/linux-headers-5.10.0-32-amd64"
//	// (linux-headers-5.10.0-32-amd64 with gcc-10 and linux-kbuild-5.10 installed in the root)
//	cmd := env.Bind(buildDir).Command(ctx, srcDir, nil,
//		"make", "-C", env.KDir, "M="+srcDir, "-j2", "modules")
//
// or, with an explicit suite: runner, kdir, err := buildroot.EnsureKernel(ctx, cache, "bullseye", kver).
//
// Which Debian release ships which kernel, and the archive itself, are
// internal/debian's.
package buildroot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// BasePackages are installed by debootstrap into every root: enough to run
// Kbuild for external modules. Kernel headers come later (EnsureKernel),
// and they pull in the suite's compiler (gcc-10, gcc-12, gcc-14).
var BasePackages = []string{
	"bc", "bison", "cpio", "flex", "gcc", "kmod", "libc6-dev", "libelf-dev",
	"libssl-dev", "make", "openssl", "xz-utils", "zstd",
}

// Suites are the Debian releases a root can be made for.
var Suites = []string{"bullseye", "bookworm", "trixie", "sid"}

// markerName is written into a root once it is complete.
const markerName = ".nfsbundle-buildroot.json"

// Marker records how a root was made; a root without one is incomplete.
type Marker struct {
	Suite    string    `json:"suite"`
	Mirror   string    `json:"mirror"`
	Packages []string  `json:"packages"`
	Recipe   string    `json:"recipe"` // sha256 of suite, mirror and packages
	Created  time.Time `json:"created"`
	Seconds  float64   `json:"debootstrap_seconds"`
}

// Dir is where the root for suite lives: <cache>/buildroot/<suite>.
func Dir(cache, suite string) string { return filepath.Join(cache, "buildroot", suite) }

// Complete reports whether suite's root under the cache root exists and is
// complete for the current recipe.
func Complete(cache, suite string) bool {
	m, err := readMarker(Dir(cache, suite))
	return err == nil && m.Recipe == recipe(suite)
}

func recipe(suite string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", suite, debian.Mirror, strings.Join(BasePackages, ","))
	return hex.EncodeToString(h.Sum(nil))
}

func readMarker(root string) (*Marker, error) {
	b, err := os.ReadFile(filepath.Join(root, markerName))
	if err != nil {
		return nil, err
	}
	var m Marker
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func checkSuite(suite string) error {
	for _, s := range Suites {
		if s == suite {
			return nil
		}
	}
	return fmt.Errorf("unknown build root suite %q (known: %s)", suite, strings.Join(Suites, ", "))
}

// Ensure returns the root directory for suite under the cache root,
// creating it with debootstrap the first time. Concurrent callers wait on a
// lock file; a root left incomplete by an interrupted run is removed and
// made again.
func Ensure(ctx context.Context, cache, suite string) (string, error) {
	if err := checkSuite(suite); err != nil {
		return "", err
	}
	root := Dir(cache, suite)
	if Complete(cache, suite) {
		logrus.Debugf("buildroot: reusing %s", root)
		return root, nil
	}
	unlock, err := fileutil.Lock(ctx, root+".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if Complete(cache, suite) { // made while we waited
		return root, nil
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("creating the %s build root needs root (debootstrap and chroot); rerun as root or pass --buildroot host", suite)
	}
	if _, err := exec.LookPath("debootstrap"); err != nil {
		return "", fmt.Errorf("creating the %s build root needs debootstrap: apt-get install debootstrap", suite)
	}
	if err := removeRoot(root); err != nil {
		return "", err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	logrus.Infof("buildroot: creating %s with debootstrap from %s (one time, a few minutes)", root, debian.Mirror)
	start := time.Now()
	// A private mount namespace: whatever debootstrap mounts inside the
	// root (proc, sys, dev) disappears with it, even when it is killed.
	args := []string{"--mount", "--propagation", "private", "--",
		"debootstrap", "--variant=minbase", "--include=" + strings.Join(BasePackages, ","),
		suite, root, debian.Mirror}
	if out, err := run.Output(ctx, "unshare", args...); err != nil {
		return "", fmt.Errorf("debootstrap of %s into %s failed (the partial root is redone next time; check network access to %s): %w\n%s",
			suite, root, debian.Mirror, err, run.Tail(string(out), 10))
	}
	if err := configure(root); err != nil {
		return "", err
	}
	m := Marker{Suite: suite, Mirror: debian.Mirror, Packages: BasePackages, Recipe: recipe(suite),
		Created: time.Now().UTC(), Seconds: time.Since(start).Seconds()}
	if err := fileutil.WriteJSON(filepath.Join(root, markerName), m); err != nil {
		return "", err
	}
	logrus.Debugf("buildroot: %s ready in %s", suite, cli.Seconds(time.Since(start)))
	return root, nil
}

// configure makes apt inside the root usable without recommends and with
// the host's resolver.
func configure(root string) error {
	if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
		if err := fileutil.WriteAtomic(filepath.Join(root, "etc/resolv.conf"), b, 0o644); err != nil {
			return err
		}
	}
	conf := "APT::Install-Recommends \"0\";\nAPT::Install-Suggests \"0\";\nDPkg::Lock::Timeout \"600\";\n"
	return fileutil.WriteAtomic(filepath.Join(root, "etc/apt/apt.conf.d/90nfsbundle"), []byte(conf), 0o644)
}

// removeRoot deletes an incomplete root, refusing when anything is still
// mounted below it (deleting through a bind mount of /dev would be fatal).
func removeRoot(root string) error {
	if _, err := os.Lstat(root); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	mounts, err := mountsUnder(root)
	if err != nil {
		return err
	}
	if len(mounts) > 0 {
		return fmt.Errorf("build root %s is incomplete but has mounts below it (%s); unmount them (umount -l) and rerun",
			root, strings.Join(mounts, ", "))
	}
	logrus.Debugf("buildroot: removing incomplete %s", root)
	return os.RemoveAll(root)
}

func mountsUnder(root string) ([]string, error) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && (f[4] == root || strings.HasPrefix(f[4], root+"/")) {
			out = append(out, f[4])
		}
	}
	return out, nil
}

var pkgName = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)

// EnsurePackages installs pkgs with apt inside suite's root when any of
// them is missing. The root is created first if needed.
func EnsurePackages(ctx context.Context, cache, suite string, pkgs ...string) (string, error) {
	root, err := Ensure(ctx, cache, suite)
	if err != nil {
		return "", err
	}
	for _, p := range pkgs {
		if !pkgName.MatchString(p) {
			return "", fmt.Errorf("invalid Debian package name %q", p)
		}
	}
	r := New(root)
	missing := r.missing(ctx, pkgs)
	if len(missing) == 0 {
		return root, nil
	}
	unlock, err := fileutil.Lock(ctx, root+".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if missing = r.missing(ctx, pkgs); len(missing) == 0 {
		return root, nil
	}
	logrus.Infof("buildroot: installing %s in the %s root", strings.Join(missing, " "), suite)
	// The release's security suite too: its newest kernels' headers are
	// there (and the private apt that named the kernel looked there).
	if err := fileutil.WriteAtomic(filepath.Join(root, "etc/apt/sources.list"), debian.SourcesList(suite), 0o644); err != nil {
		return "", err
	}
	env := []string{"DEBIAN_FRONTEND=noninteractive"}
	if _, err := r.Output(ctx, "/", env, "apt-get", "-q", "update"); err != nil {
		return "", fmt.Errorf("apt-get update in the %s build root failed: %w", suite, err)
	}
	args := append([]string{"-q", "-y", "install", "--no-install-recommends"}, missing...)
	if _, err := r.Output(ctx, "/", env, "apt-get", args...); err != nil {
		return "", fmt.Errorf("installing %s in the %s build root failed (is the package in %s %s main or %s?): %w",
			strings.Join(missing, " "), suite, debian.Mirror, suite, debian.SecuritySuite(suite), err)
	}
	return root, nil
}

func (r *Runner) missing(ctx context.Context, pkgs []string) []string {
	var missing []string
	for _, p := range pkgs {
		out, err := r.Output(ctx, "/", nil, "dpkg-query", "-W", "-f", "${db:Status-Status}", p)
		if err != nil || strings.TrimSpace(string(out)) != "installed" {
			missing = append(missing, p)
		}
	}
	return missing
}

// KernelDir is where linux-headers-<kver> puts the KDIR inside a root.
func KernelDir(kver string) string { return "/usr/src/linux-headers-" + kver }

// EnsureKernel makes suite's root ready to build external modules for
// kver: it installs linux-headers-<kver> (which pulls in the matching
// -common, linux-kbuild and compiler packages) and returns a Runner for the
// root plus the KDIR as seen inside it (pass it to make -C through the
// Runner; on the host the same directory is runner.HostPath(kdir)).
func EnsureKernel(ctx context.Context, cache, suite, kver string) (*Runner, string, error) {
	root, err := EnsurePackages(ctx, cache, suite, "linux-headers-"+kver)
	if err != nil {
		return nil, "", err
	}
	return New(root), KernelDir(kver), nil
}

// Choose resolves a --buildroot value for kver: "host" or "" means the
// host, a suite name means that suite, "auto" means the suite
// debian.SuiteFor picks unless that is the host's own suite (then the host
// builds it).
// It returns "" for the host.
func Choose(mode, kver string) (string, error) {
	switch mode {
	case "", "host":
		return "", nil
	case "auto":
		s := debian.SuiteFor(kver)
		if s == "" || s == debian.HostSuite() {
			return "", nil
		}
		return s, nil
	}
	if err := checkSuite(mode); err != nil {
		return "", fmt.Errorf("--buildroot: %w (or auto, host)", err)
	}
	return mode, nil
}
