// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package buildroot

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Runner executes commands inside a build root: a private mount namespace
// (unshare), the Binds mounted at the same paths inside the root, /proc and
// /dev, then chroot. Paths under a bind are the same inside and outside, so
// a work directory such as build/<kver> can be handed to make unchanged.
type Runner struct {
	Root  string   // the root directory on the host
	Binds []string // absolute host directories visible at the same path inside
	// Overlay, when set, is a host directory that makes the root a
	// throwaway copy: Root is the read-only lower layer of an overlay whose
	// writes land in Overlay/upper, so a test can install and remove
	// packages without touching the cached root, and read Overlay/upper to
	// see exactly what was left behind.
	Overlay string
}

// New returns a Runner for root with no binds.
func New(root string) *Runner { return &Runner{Root: root} }

// With returns a copy of r that also binds dirs.
func (r *Runner) With(dirs ...string) *Runner {
	c := &Runner{Root: r.Root, Binds: append(append([]string(nil), r.Binds...), dirs...), Overlay: r.Overlay}
	return c
}

// Throwaway returns a copy of r whose writes go to an overlay in dir (see
// Overlay). dir must be absolute and free of the characters that separate
// overlay mount options.
func (r *Runner) Throwaway(dir string) (*Runner, error) {
	if !filepath.IsAbs(dir) || strings.ContainsAny(r.Root+dir, ",:\\") {
		return nil, fmt.Errorf("overlay directory %q (over %q): want an absolute path without ',', ':' or '\\'", dir, r.Root)
	}
	c := r.With()
	c.Overlay = filepath.Clean(dir)
	return c, nil
}

// UpperDir is where a throwaway root's changes are on the host.
func (r *Runner) UpperDir() string { return filepath.Join(r.Overlay, "upper") }

// chrootScript is fixed text; every input reaches it as a positional
// argument ("$@"), never spliced into the script.
const chrootScript = `set -e
root=$1; ov=$2; dir=$3; n=$4; shift 4
if [ -n "$ov" ]; then
	mkdir -p "$ov/upper" "$ov/work" "$ov/merged"
	mount -t overlay overlay -o "lowerdir=$root,upperdir=$ov/upper,workdir=$ov/work" "$ov/merged"
	root=$ov/merged
fi
while [ "$n" -gt 0 ]; do
	mkdir -p "$root$1"
	mount --bind "$1" "$root$1"
	n=$((n-1)); shift
done
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
shift
exec chroot "$root" /bin/sh -c 'cd "$1"; shift; exec "$@"' nfsbundle-chroot "$dir" "$@"
`

// DefaultPath is PATH inside a root.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Command returns an exec.Cmd that runs name with args inside the root, in
// directory dir (a path as seen inside), with env added to a clean base
// environment (PATH, HOME, LC_ALL=C). The caller wires stdout/stderr.
func (r *Runner) Command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd {
	if dir == "" {
		dir = "/"
	}
	binds := make([]string, 0, len(r.Binds))
	for _, b := range r.Binds {
		if b = filepath.Clean(b); b != "/" && b != "" {
			binds = append(binds, b)
		}
	}
	a := []string{"--mount", "--propagation", "private", "--", "/bin/sh", "-c", chrootScript, "nfsbundle-buildroot",
		r.Root, r.Overlay, dir, strconv.Itoa(len(binds))}
	a = append(a, binds...)
	a = append(a, "--", name)
	a = append(a, args...)
	cmd := exec.CommandContext(ctx, "unshare", a...)
	cmd.Env = append([]string{"PATH=" + DefaultPath, "HOME=/root", "LC_ALL=C", "TERM=dumb"}, env...)
	logrus.Debugf("buildroot %s: (cd %s && %s %s)", filepath.Base(r.Root), dir, name, strings.Join(args, " "))
	return cmd
}

// Output runs a command inside the root and returns its stdout; the error
// carries the tail of stderr.
func (r *Runner) Output(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := r.Command(ctx, dir, env, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &run.Error{Cmd: name, Args: args, Err: err, Stderr: run.Tail(stderr.String(), 10)}
	}
	return stdout.Bytes(), nil
}

// HostPath maps a path as seen inside the root to the host: unchanged under
// a bind, else below Root. A throwaway root's own files are only
// complete inside (the overlay is mounted per command): read them with
// Command, or its changes in UpperDir.
func (r *Runner) HostPath(p string) string {
	p = filepath.Clean(p)
	for _, b := range r.Binds {
		b = filepath.Clean(b)
		if p == b || strings.HasPrefix(p, b+"/") {
			return p
		}
	}
	return filepath.Join(r.Root, p)
}

// String names the runner in logs.
func (r *Runner) String() string { return "buildroot " + filepath.Base(r.Root) }
