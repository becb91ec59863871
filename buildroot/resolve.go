// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package buildroot

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/headers"
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

// HostKDir is KDir on the host's filesystem.
func (e *Env) HostKDir() string {
	if e.Runner == nil {
		return e.KDir
	}
	return e.Runner.HostPath(e.KDir)
}

// Resolve picks the build environment for kver from a --buildroot mode
// (auto, host or a suite) and an optional --kdir (a host path; inside the
// root when a build root is used). With a build root, the kernel's headers
// are installed in it. kver may be empty when kdir is given (it is read
// from the headers) or on the host (the newest installed headers).
func Resolve(ctx context.Context, mode, kver, kdir string) (*Env, error) {
	if kver == "" && kdir != "" {
		b, err := os.ReadFile(filepath.Join(kdir, "include/config/kernel.release"))
		if err != nil {
			return nil, fmt.Errorf("--kdir %s: cannot read the kernel release from include/config/kernel.release (%v); pass --kernel too", kdir, err)
		}
		kver = strings.TrimSpace(string(b))
	}
	if kver == "" {
		kver = newestHostHeaders()
		if kver == "" {
			var u unix.Utsname
			_ = unix.Uname(&u)
			return nil, fmt.Errorf("no kernel headers installed and none chosen: pass --kernel (e.g. --kernel 6.1.0-56-amd64) or install linux-headers-%s", unix.ByteSliceToString(u.Release[:]))
		}
	}
	suite, err := Choose(mode, kver)
	if err != nil {
		return nil, err
	}
	if suite == "" {
		why := "host"
		if mode == "auto" {
			why = "host (auto: the host can build " + kver + ")"
		}
		if kdir == "" {
			kdir = hostKDir(kver)
		}
		if kdir == "" && SuiteFor(kver) != "" && SuiteFor(kver) == HostSuite() {
			// A kernel of the host's own release: fetch its headers into
			// the cache (no root, nothing installed).
			k, err := headers.Fetch(ctx, HostSuite(), kver)
			if err != nil {
				return nil, err
			}
			kdir, why = k, why+", headers fetched from Debian "+HostSuite()
		}
		if kdir == "" {
			hint := "apt-get install linux-headers-" + kver
			if s := SuiteFor(kver); s != "" && s != HostSuite() {
				hint = "use --buildroot auto to build it in a " + s + " build root"
			}
			return nil, fmt.Errorf("no headers for %s on the host (no /lib/modules/%s/build or /usr/src/linux-headers-%s): %s", kver, kver, kver, hint)
		}
		return &Env{KVer: kver, KDir: kdir, Why: why}, nil
	}
	r, k, err := EnsureKernel(ctx, suite, kver)
	if err != nil {
		return nil, err
	}
	if kdir == "" {
		kdir = k
	}
	why := suite + " build root"
	if mode == "auto" {
		why += " (auto: " + kver + " is a " + suite + " kernel)"
	}
	return &Env{Suite: suite, KVer: kver, KDir: kdir, Runner: r, Why: why}, nil
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
