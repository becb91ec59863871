// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package buildroot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/debian"
)

// Env is where a target kernel is built: the host, or a build root.
type Env struct {
	Suite  string  // build root suite; "" for the host
	KVer   string  // kernel release
	KDir   string  // make -C KDIR, as the commands see it
	Runner *Runner // nil for the host
	Why    string  // how the environment was chosen, for the log
}

// Bind returns a copy of e whose build root also sees dirs (at the same
// paths); on the host it returns e unchanged.
func (e *Env) Bind(dirs ...string) *Env {
	c := *e
	if e.Runner != nil {
		c.Runner = e.Runner.With(dirs...)
	}
	return &c
}

// Command runs name with args on the host or inside the build root, in dir
// (a path under a bind, or inside the root), with env added to the
// environment. For example the kbuild stage runs
//
//	env.Bind(buildDir).Command(ctx, srcDir, nil, "make", "-C", env.KDir, "M="+srcDir, "-j2", "modules")
func (e *Env) Command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd {
	if e.Runner != nil {
		return e.Runner.Command(ctx, dir, env, name, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// RootCommand runs name with args in the environment's / : the shape of
// kbuild.Params.Command (make -C KDIR M=DIR needs no working directory).
func (e *Env) RootCommand(ctx context.Context, name string, args ...string) *exec.Cmd {
	return e.Command(ctx, "/", nil, name, args...)
}

// HostKDir is KDir on the host's filesystem.
func (e *Env) HostKDir() string { return e.HostPath(e.KDir) }

// HostPath maps a path as the commands see it to the host's filesystem.
// With Command it makes an Env a compat.Runner, on the host or in a root.
func (e *Env) HostPath(p string) string {
	if e.Runner == nil {
		return p
	}
	return e.Runner.HostPath(p)
}

// Summary is the build root's log line, "bookworm root <dir> with
// linux-headers-<kver>"; "" on the host, which has nothing to report.
func (e *Env) Summary() string {
	if e.Runner == nil {
		return ""
	}
	return fmt.Sprintf("%s root %s with linux-headers-%s", e.Suite, e.Runner.Root, e.KVer)
}

// String names the environment in logs: "host" or "buildroot <suite>".
func (e *Env) String() string {
	if e.Runner == nil {
		return "host"
	}
	return e.Runner.String()
}

// Options say which kernel to build for, and where.
type Options struct {
	Mode     string // --buildroot: auto, host or a suite name
	KVer     string // the kernel the user named; "" for the host's choice
	KDir     string // --kdir: a host path; inside the root with a build root
	CacheDir string // the cache root: build roots and fetched headers
	// HostDetects leaves the host's headers to the detect stage: on the
	// host Resolve neither looks for nor fetches them (detect finds them and
	// FetchMissingHeaders fetches what it lacks), and only a named kernel
	// can get a build root. bin sets it; probe, which has no detect stage,
	// does not.
	HostDetects bool
}

// Resolve answers "where, and with which headers" for a target kernel:
// the host or a build root of the Debian release that ships it (Choose).
// With a build root, the kernel's headers are installed in it. On the host
// they are KDir, else the installed ones, else (on a Debian host) fetched
// from the archive into the cache. Without a named kernel the kernel is
// the one KDir holds, else the newest installed headers' (unless
// HostDetects).
func Resolve(ctx context.Context, o Options) (*Env, error) {
	if o.KVer == "" && o.HostDetects {
		return &Env{KDir: o.KDir, Why: "host"}, nil // detect picks the running or newest kernel
	}
	kver, err := o.kernel()
	if err != nil {
		return nil, err
	}
	suite, err := Choose(o.Mode, kver)
	if err != nil {
		return nil, err
	}
	if suite != "" {
		return o.buildRoot(ctx, suite, kver)
	}
	why := "host"
	if o.Mode == "auto" {
		why = "host (auto: the host can build " + kver + ")"
	}
	if o.HostDetects {
		return &Env{KVer: kver, KDir: o.KDir, Why: why}, nil
	}
	return o.host(ctx, kver, why)
}

// kernel is the named kernel, else the one KDir holds, else the newest
// with headers installed.
func (o Options) kernel() (string, error) {
	if o.KVer != "" {
		return o.KVer, nil
	}
	if o.KDir != "" {
		b, err := os.ReadFile(filepath.Join(o.KDir, "include/config/kernel.release"))
		if err != nil {
			return "", fmt.Errorf("--kdir %s: cannot read the kernel release from include/config/kernel.release (%v); pass --kernel too", o.KDir, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	if kver := newestHostHeaders(); kver != "" {
		return kver, nil
	}
	var u unix.Utsname
	_ = unix.Uname(&u)
	return "", fmt.Errorf("no kernel headers installed and none chosen: pass --kernel (e.g. --kernel 6.1.0-56-amd64) or install linux-headers-%s", unix.ByteSliceToString(u.Release[:]))
}

// buildRoot makes suite's root (cached) with kver's headers installed.
func (o Options) buildRoot(ctx context.Context, suite, kver string) (*Env, error) {
	r, kdir, err := EnsureKernel(ctx, o.CacheDir, suite, kver)
	if err != nil {
		return nil, fmt.Errorf("build root %s for %s: %w", suite, kver, err)
	}
	if o.KDir != "" {
		kdir = o.KDir
	}
	why := suite + " build root"
	if o.Mode == "auto" {
		why += " (auto: " + kver + " is a " + suite + " kernel)"
	}
	return &Env{Suite: suite, KVer: kver, KDir: kdir, Runner: r, Why: why}, nil
}

// host finds kver's headers on the host, fetching them on a Debian host.
func (o Options) host(ctx context.Context, kver, why string) (*Env, error) {
	kdir := o.KDir
	if kdir == "" {
		kdir = hostKDir(kver)
	}
	if kdir == "" && debian.HostSuite() != "" && debian.SuiteFor(kver) != "" {
		k, err := fetchHeaders(ctx, o.CacheDir, kver)
		if err != nil {
			return nil, err
		}
		kdir, why = k, why+", headers fetched from Debian "+debian.SuiteFor(kver)
	}
	if kdir == "" {
		hint := "apt-get install linux-headers-" + kver
		if s := debian.SuiteFor(kver); s != "" && s != debian.HostSuite() {
			hint = "use --buildroot auto to build it in a " + s + " build root"
		}
		return nil, fmt.Errorf("no headers for %s on the host (no /lib/modules/%s/build or /usr/src/linux-headers-%s): %s", kver, kver, kver, hint)
	}
	return &Env{KVer: kver, KDir: kdir, Why: why}, nil
}

// FetchMissingHeaders is the detect stage's answer when it found no
// headers (derr). On a Debian host it fetches them from the archive into
// the cache (apt-get download + dpkg -x, no root needed) and detects
// again: the requested kernel's, or when none was named and none are
// installed, the current ones of the host's release. Anything else returns
// derr unchanged, at once.
func FetchMissingHeaders(ctx context.Context, cache string, o detect.Options, t detect.Target, derr error) (detect.Target, error) {
	if cache == "" {
		return t, errors.New("buildroot: no cache directory given for fetched headers")
	}
	var nh *detect.NoHeadersError
	noneAtAll := errors.Is(derr, detect.ErrNoHeadersAtAll)
	if t.Distro.ID != "debian" || (!noneAtAll && !errors.As(derr, &nh)) {
		return t, derr
	}
	release := o.Release
	if noneAtAll {
		host := debian.HostSuite()
		series := debian.SeriesOf(host)
		if series == "" {
			return t, derr
		}
		latest, err := debian.Private(cache, host).Latest(ctx, series)
		if err != nil {
			return t, errors.Join(derr, err)
		}
		release = latest
	}
	if debian.SuiteFor(release) == "" {
		return t, derr // a kernel no Debian release we know ships: fail fast
	}
	kdir, err := fetchHeaders(ctx, cache, release)
	if err != nil {
		return t, errors.Join(derr, err)
	}
	o.KDir, o.Release = kdir, ""
	return detect.Detect(ctx, o)
}

// fetchHeaders fetches kver's headers from the Debian release that ships
// it into the cache: no root, nothing installed, and the host's compiler
// builds against them.
func fetchHeaders(ctx context.Context, cache, kver string) (string, error) {
	suite := debian.SuiteFor(kver)
	kdir, err := debian.FetchHeaders(ctx, cache, suite, kver)
	if err != nil {
		return "", err
	}
	logrus.Warnf("no headers installed for %s: using linux-headers-%s fetched from Debian %s into %s", kver, kver, suite, kdir)
	return kdir, nil
}

func hostKDir(kver string) string {
	for _, d := range []string{"/lib/modules/" + kver + "/build", "/usr/src/linux-headers-" + kver} {
		if _, err := os.Stat(filepath.Join(d, "Makefile")); err == nil {
			return d
		}
	}
	return ""
}

func newestHostHeaders() string {
	m, _ := filepath.Glob("/usr/src/linux-headers-*/Module.symvers")
	var rels []string
	for _, p := range m {
		rels = append(rels, strings.TrimPrefix(filepath.Base(filepath.Dir(p)), "linux-headers-"))
	}
	sort.Strings(rels)
	if len(rels) == 0 {
		return ""
	}
	return rels[len(rels)-1]
}
