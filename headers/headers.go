// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package headers fetches Debian kernel headers for suites other than the
// host's without touching the system: a private apt configuration per suite
// (own sources list, lists and cache under <cache>/apt/<suite>, signed by
// the Debian archive keyring), `apt-get download` and `dpkg -x` into
// <cache>/headers/<kver>. No root is needed and nothing is installed.
package headers

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Mirror and Keyring configure the private apt sources.
var (
	Mirror  = "http://deb.debian.org/debian"
	Keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
	// MaxAge is how old the private package lists may get before Update
	// refreshes them.
	MaxAge = 12 * time.Hour
)

// Apt is a private apt configuration for one suite.
type Apt struct {
	Suite string
	Dir   string // <cache>/apt/<suite>
}

// ForSuite returns the private apt configuration of suite.
func ForSuite(suite string) *Apt {
	return &Apt{Suite: suite, Dir: filepath.Join(paths.Cache(), "apt", suite)}
}

func (a *Apt) options() []string {
	return []string{
		"-o", "Dir::Etc::sourcelist=" + filepath.Join(a.Dir, "sources.list"),
		"-o", "Dir::Etc::sourceparts=-",
		"-o", "Dir::Etc::preferencesparts=-",
		"-o", "Dir::State::Lists=" + filepath.Join(a.Dir, "lists"),
		"-o", "Dir::State::status=" + filepath.Join(a.Dir, "status"),
		"-o", "Dir::Cache=" + filepath.Join(a.Dir, "cache"),
		"-o", "Debug::NoLocking=1",
		"-o", "APT::Architecture=amd64",
		"-o", "APT::Architectures=amd64",
	}
}

// Update writes the private configuration and refreshes the package lists
// when they are older than MaxAge (or force is set).
func (a *Apt) Update(ctx context.Context, force bool) error {
	for _, d := range []string{"lists/partial", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(a.Dir, d), 0o755); err != nil {
			return err
		}
	}
	src := fmt.Sprintf("deb [signed-by=%s] %s %s main\n", Keyring, Mirror, a.Suite)
	if err := fileutil.WriteAtomic(filepath.Join(a.Dir, "sources.list"), []byte(src), 0o644); err != nil {
		return err
	}
	status := filepath.Join(a.Dir, "status")
	if _, err := os.Stat(status); err != nil {
		if err := fileutil.WriteAtomic(status, nil, 0o644); err != nil {
			return err
		}
	}
	stamp := filepath.Join(a.Dir, "updated")
	if st, err := os.Stat(stamp); err == nil && !force && time.Since(st.ModTime()) < MaxAge {
		return nil
	}
	unlock, err := lockFile(filepath.Join(a.Dir, "lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if st, err := os.Stat(stamp); err == nil && !force && time.Since(st.ModTime()) < MaxAge {
		return nil // updated while we waited
	}
	logrus.Infof("headers: updating the private %s package lists from %s", a.Suite, Mirror)
	if _, err := run.Output(ctx, "apt-get", append(a.options(), "-q", "update")...); err != nil {
		return fmt.Errorf("apt-get update for %s (private lists in %s) failed; check access to %s: %w", a.Suite, a.Dir, Mirror, err)
	}
	return fileutil.WriteAtomic(stamp, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
}

// Releases lists the kernel releases of series (e.g. "6.12", "5.10") with
// a headers package for flavour (e.g. "amd64") in the suite's index,
// oldest first.
func (a *Apt) Releases(ctx context.Context, series, flavour string) ([]string, error) {
	if err := a.Update(ctx, false); err != nil {
		return nil, err
	}
	out, err := run.Output(ctx, "apt-cache", append(a.options(), "pkgnames", "linux-headers-"+series)...)
	if err != nil {
		return nil, err
	}
	re := regexp.MustCompile(`^linux-headers-(` + regexp.QuoteMeta(series) + `[.-][0-9][^ ]*-` + regexp.QuoteMeta(flavour) + `)$`)
	var rels []string
	for _, line := range strings.Split(string(out), "\n") {
		m := re.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil || strings.Contains(m[1], "-cloud-") || strings.Contains(m[1], "-rt-") {
			continue
		}
		rels = append(rels, m[1])
	}
	sort.Slice(rels, func(i, j int) bool { return naturalLess(rels[i], rels[j]) })
	return rels, nil
}

// Latest is the newest kernel release of series in suite (flavour amd64).
func Latest(ctx context.Context, suite, series string) (string, error) {
	rels, err := ForSuite(suite).Releases(ctx, series, "amd64")
	if err != nil {
		return "", err
	}
	if len(rels) == 0 {
		return "", fmt.Errorf("no linux-headers-%s*-amd64 package in Debian %s main", series, suite)
	}
	return rels[len(rels)-1], nil
}

// naturalLess compares strings with digit runs as numbers.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, ra := splitDigits(a)
		db, rb := splitDigits(b)
		if da != "" && db != "" {
			na, _ := strconv.Atoi(da)
			nb, _ := strconv.Atoi(db)
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func splitDigits(s string) (string, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}

// Manifest records what Fetch extracted.
type Manifest struct {
	KVer     string    `json:"kver"`
	Suite    string    `json:"suite"`
	KDir     string    `json:"kdir"`
	Packages []Package `json:"packages"`
}

// Package is one downloaded .deb.
type Package struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// Dir is where Fetch extracts kver's headers: <cache>/headers/<kver>.
func Dir(kver string) string { return filepath.Join(paths.Cache(), "headers", kver) }

// Fetch returns a KDIR for kver from suite, downloading linux-headers-<kver>
// and its linux-headers-*-common and linux-kbuild-* dependencies and
// extracting them under Dir(kver) the first time. The KDIR's Makefile is
// pointed at the extracted -common tree. Compiling against it on the host
// uses the host's compiler; for a faithful build use a build root.
func Fetch(ctx context.Context, suite, kver string) (string, error) {
	dir := Dir(kver)
	kdir := filepath.Join(dir, "usr/src/linux-headers-"+kver)
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		return kdir, nil
	}
	unlock, err := lockFile(dir + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		return kdir, nil // fetched while we waited
	}
	a := ForSuite(suite)
	if err := a.Update(ctx, false); err != nil {
		return "", err
	}
	main := "linux-headers-" + kver
	out, err := run.Output(ctx, "apt-cache", append(a.options(), "depends", main)...)
	if err != nil {
		return "", fmt.Errorf("linux-headers-%s is not in Debian %s main (see `./build.sh probe --help` for how to pick a kernel): %w", kver, suite, err)
	}
	pkgs := []string{main}
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		dep, ok := strings.CutPrefix(line, "Depends: ")
		if !ok {
			dep, ok = strings.CutPrefix(line, "|Depends: ")
		}
		if ok && (strings.HasPrefix(dep, "linux-headers-") || strings.HasPrefix(dep, "linux-kbuild-")) {
			pkgs = append(pkgs, dep)
		}
	}
	dl := filepath.Join(a.Dir, "debs")
	if err := os.MkdirAll(dl, 0o755); err != nil {
		return "", err
	}
	logrus.Infof("headers: downloading %s from %s", strings.Join(pkgs, " "), suite)
	if _, err := run.OutputIn(ctx, dl, nil, "apt-get", append(append(a.options(), "-q", "download"), pkgs...)...); err != nil {
		return "", fmt.Errorf("downloading headers for %s from %s: %w", kver, suite, err)
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return "", err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	m := Manifest{KVer: kver, Suite: suite, KDir: kdir}
	for _, p := range pkgs {
		debs, _ := filepath.Glob(filepath.Join(dl, p+"_*.deb"))
		if len(debs) == 0 {
			return "", fmt.Errorf("apt-get download left no %s_*.deb in %s", p, dl)
		}
		sort.Slice(debs, func(i, j int) bool { return naturalLess(debs[i], debs[j]) })
		deb := debs[len(debs)-1]
		sum, err := fileutil.SHA256(deb)
		if err != nil {
			return "", err
		}
		if _, err := run.Output(ctx, "dpkg-deb", "-x", deb, tmp); err != nil {
			return "", err
		}
		m.Packages = append(m.Packages, Package{Name: p, File: filepath.Base(deb), SHA256: sum})
	}
	// Debian's KDIR Makefile includes the -common Makefile by absolute path.
	mk := filepath.Join(tmp, "usr/src/linux-headers-"+kver, "Makefile")
	b, err := os.ReadFile(mk)
	if err != nil {
		return "", fmt.Errorf("the headers package has no Makefile at %s: %w", mk, err)
	}
	fixed := regexp.MustCompile(`(?m)^include /usr/src/`).ReplaceAll(b, []byte("include "+filepath.Join(dir, "usr/src")+"/"))
	if err := fileutil.WriteAtomic(mk, fixed, 0o644); err != nil {
		return "", err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	j, _ := json.MarshalIndent(m, "", "  ")
	return kdir, fileutil.WriteAtomic(filepath.Join(dir, "manifest.json"), append(j, '\n'), 0o644)
}

// lockFile takes an exclusive flock on path (created if needed).
func lockFile(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
}
