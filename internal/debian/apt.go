// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package debian

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Mirror and Keyring configure the private apt sources.
var (
	Mirror = "http://deb.debian.org/debian"
	// SecurityMirror serves the releases' security suites (SecuritySuite).
	SecurityMirror = "http://deb.debian.org/debian-security"
	Keyring        = "/usr/share/keyrings/debian-archive-keyring.gpg"
	// MaxAge is how old the private package lists may get before Update
	// refreshes them.
	MaxAge = 12 * time.Hour
)

// Apt is an apt configuration to fetch packages with: the host's own
// (Host) or a private one for a Debian suite (Private).
type Apt struct {
	Suite string // "" for the host's own configuration
	Dir   string // <cache>/apt/<suite>; "" for the host's own
}

// Host is the host's own apt configuration: its sources and lists.
var Host = &Apt{}

// Private returns the private apt configuration of suite under the cache
// root: <cache>/apt/<suite>.
func Private(cache, suite string) *Apt {
	return &Apt{Suite: suite, Dir: filepath.Join(cache, "apt", suite)}
}

// private says whether a is a private configuration (not the host's).
func (a *Apt) private() bool { return a.Dir != "" }

// options point apt at a private configuration; none for the host's.
func (a *Apt) options() []string {
	if !a.private() {
		return nil
	}
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
// when they are older than MaxAge (or force is set). The host's own lists
// are the host's business: Update does nothing for Host.
func (a *Apt) Update(ctx context.Context, force bool) error {
	if !a.private() {
		return nil
	}
	for _, d := range []string{"lists/partial", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(a.Dir, d), 0o755); err != nil {
			return err
		}
	}
	if err := a.writeSources(); err != nil {
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
	unlock, err := fileutil.Lock(ctx, filepath.Join(a.Dir, "lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if st, err := os.Stat(stamp); err == nil && !force && time.Since(st.ModTime()) < MaxAge {
		return nil // updated while we waited
	}
	logrus.Infof("headers: updating the private package lists of %s", a.suites())
	if _, err := run.Output(ctx, "apt-get", append(a.options(), "-q", "update")...); err != nil {
		return fmt.Errorf("apt-get update for %s (private lists in %s) failed; check access to %s and %s: %w", a.Suite, a.Dir, Mirror, SecurityMirror, err)
	}
	return fileutil.WriteAtomic(stamp, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
}

// writeSources writes the private sources.list. Lists fetched for other
// sources (an older nfsbundle wrote the main suite only) are stale however
// recent: then the update stamp goes, so the next Update refreshes them,
// and keeps trying until one succeeds.
func (a *Apt) writeSources() error {
	list := filepath.Join(a.Dir, "sources.list")
	src := a.sourcesList()
	if old, err := os.ReadFile(list); err == nil && bytes.Equal(old, src) {
		return nil
	}
	if err := os.Remove(filepath.Join(a.Dir, "updated")); err != nil && !os.IsNotExist(err) {
		return err
	}
	return fileutil.WriteAtomic(list, src, 0o644)
}

// sourcesList is a private configuration's sources (SourcesList).
func (a *Apt) sourcesList() []byte { return SourcesList(a.Suite) }

// SourcesList is the apt sources of a Debian release as nfsbundle fetches
// from it, privately or inside its build root: the suite's main component
// and, for a release that has one, its security suite (where the newest
// kernels and headers are), both signed by the Debian archive keyring.
func SourcesList(suite string) []byte {
	src := fmt.Sprintf("deb [signed-by=%s] %s %s main\n", Keyring, Mirror, suite)
	if sec := SecuritySuite(suite); sec != "" {
		src += fmt.Sprintf("deb [signed-by=%s] %s %s main\n", Keyring, SecurityMirror, sec)
	}
	return []byte(src)
}

// suites names what a private configuration fetches, for messages:
// "bookworm main and bookworm-security main".
func (a *Apt) suites() string {
	if sec := SecuritySuite(a.Suite); sec != "" {
		return a.Suite + " main and " + sec + " main"
	}
	return a.Suite + " main"
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

// Latest is the newest kernel release of series in a's suite (flavour amd64).
func (a *Apt) Latest(ctx context.Context, series string) (string, error) {
	rels, err := a.Releases(ctx, series, "amd64")
	if err != nil {
		return "", err
	}
	if len(rels) == 0 {
		return "", fmt.Errorf("no linux-headers-%s*-amd64 package in Debian %s", series, a.suites())
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
