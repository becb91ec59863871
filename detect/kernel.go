// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	version "github.com/hashicorp/go-version"
)

var releaseRe = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`)

// ParseRelease returns the upstream base version of a kernel release string:
// "6.1.0-56-amd64" -> 6.1.0, "4.18.0-553.el8_10.x86_64" -> 4.18.0,
// "5.14.21-150500.55.19-default" -> 5.14.21, "6.12.48+deb13-amd64" -> 6.12.48.
func ParseRelease(release string) (*version.Version, error) {
	m := releaseRe.FindStringSubmatch(release)
	if m == nil {
		return nil, fmt.Errorf("kernel release %q does not start with a version number like 6.1.0", release)
	}
	s := m[1] + "." + m[2]
	if m[3] != "" {
		s += "." + m[3]
	}
	return version.NewVersion(s)
}

// releaseGrammar is what a kernel release looks like (uname -r): a version,
// then letters, digits and . _ + ~ - only (no spaces, slashes or shell
// characters), at most 64 characters as in struct utsname.
var releaseGrammar = regexp.MustCompile(`^[0-9]+\.[0-9]+[A-Za-z0-9._+~-]{0,60}$`)

// CheckRelease validates a kernel release given by a user before it is used
// in a path, a package name or a message; the error does not repeat it.
func CheckRelease(release string) error {
	if !releaseGrammar.MatchString(release) {
		return fmt.Errorf("the kernel release given is not one (expected something like 6.1.0-57-amd64: a version, then letters, digits and . _ + ~ - only)")
	}
	return nil
}

// NoHeadersError says which kernel has no headers and how to get them.
type NoHeadersError struct {
	Release string
	Family  string
	Looked  []string
}

func (e *NoHeadersError) Error() string {
	hint := "install the kernel headers (kernel-devel) for it"
	switch e.Family {
	case "deb":
		hint = "install them with: apt-get install linux-headers-" + e.Release
	case "rpm":
		hint = "install them with: dnf install kernel-devel-" + e.Release + " (zypper install kernel-default-devel on SUSE)"
	}
	return fmt.Sprintf("no kernel headers for %s (looked in %s); %s, or point --kdir at a headers tree",
		e.Release, strings.Join(e.Looked, ", "), hint)
}

// headerCandidates are where distributions install headers for a release.
func headerCandidates(root, release string) []string {
	return []string{
		filepath.Join(root, "lib/modules", release, "build"),
		filepath.Join(root, "usr/src/kernels", release),
		filepath.Join(root, "usr/src/linux-headers-"+release),
	}
}

// FindHeaders returns the headers directory for release under root.
func FindHeaders(root, release, family string) (string, error) {
	cands := headerCandidates(root, release)
	for _, c := range cands {
		if d, err := resolveIn(root, c); err == nil && IsHeadersDir(d) {
			return d, nil
		}
	}
	return "", &NoHeadersError{Release: release, Family: family, Looked: cands}
}

// IsHeadersDir says whether dir looks like a configured kernel build tree.
func IsHeadersDir(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "Makefile")); err != nil {
		return false
	}
	for _, p := range []string{".config", "include/config/auto.conf"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			return true
		}
	}
	return false
}

// resolveIn follows symlinks of p, reading absolute link targets as paths
// inside root, so fixture roots behave like the real "/".
func resolveIn(root, p string) (string, error) {
	for i := 0; i < 16; i++ {
		fi, err := os.Lstat(p)
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return p, nil
		}
		t, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(t) {
			p = filepath.Join(root, t)
		} else {
			p = filepath.Join(filepath.Dir(p), t)
		}
	}
	return "", fmt.Errorf("too many symlinks at %s", p)
}

var includeRe = regexp.MustCompile(`^\s*include\s+(\S+/Makefile)\s*$`)

// SourceDir follows a headers Makefile that only includes another tree's
// Makefile (Debian's split -amd64 / -common packages) and returns that tree;
// otherwise the headers dir itself.
func SourceDir(root, headersDir string) string {
	f, err := os.Open(filepath.Join(headersDir, "Makefile"))
	if err != nil {
		return headersDir
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan() && n < 20; n++ {
		if m := includeRe.FindStringSubmatch(sc.Text()); m != nil {
			p := m[1]
			if filepath.IsAbs(p) {
				p = filepath.Join(root, p)
			} else {
				p = filepath.Join(headersDir, p)
			}
			if _, err := os.Stat(p); err == nil {
				return filepath.Dir(p)
			}
		}
	}
	return headersDir
}

// HeadersRelease reads the kernel release a headers tree was built for.
func HeadersRelease(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "include/generated/utsrelease.h"))
	if err == nil {
		if m := regexp.MustCompile(`UTS_RELEASE\s+"([^"]+)"`).FindSubmatch(data); m != nil {
			return string(m[1]), nil
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, "include/config/kernel.release")); err == nil {
		if r := strings.TrimSpace(string(data)); r != "" {
			return r, nil
		}
	}
	return "", fmt.Errorf("cannot tell which kernel the headers at %s are for (no include/generated/utsrelease.h): run 'make modules_prepare' there or reinstall the headers package", dir)
}

// HeadersVersion returns the exact upstream version (x.y.z) of a headers
// tree from its version.h, or "" when it does not say.
func HeadersVersion(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "include/generated/uapi/linux/version.h"))
	if err != nil {
		return ""
	}
	get := func(name string) string {
		m := regexp.MustCompile(`#define ` + name + ` (\d+)`).FindSubmatch(data)
		if m == nil {
			return ""
		}
		return string(m[1])
	}
	maj, pat, sub := get("LINUX_VERSION_MAJOR"), get("LINUX_VERSION_PATCHLEVEL"), get("LINUX_VERSION_SUBLEVEL")
	if maj == "" || pat == "" || sub == "" {
		// Before 5.14 only LINUX_VERSION_CODE exists: sublevel saturates at 255.
		code, err := strconv.Atoi(get("LINUX_VERSION_CODE"))
		if err != nil {
			return ""
		}
		return fmt.Sprintf("%d.%d.%d", code>>16, (code>>8)&0xff, code&0xff)
	}
	return maj + "." + pat + "." + sub
}

// InstalledHeaders lists kernel releases with usable headers under root,
// newest first.
func InstalledHeaders(root string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(release, dir string) {
		if seen[release] {
			return
		}
		if d, err := resolveIn(root, dir); err == nil && IsHeadersDir(d) {
			seen[release] = true
			out = append(out, release)
		}
	}
	for _, pat := range []string{"lib/modules/*/build", "usr/src/kernels/*", "usr/src/linux-headers-*"} {
		matches, _ := filepath.Glob(filepath.Join(root, pat))
		for _, m := range matches {
			rel := m
			if filepath.Base(m) == "build" {
				rel = filepath.Dir(m)
			}
			add(strings.TrimPrefix(filepath.Base(rel), "linux-headers-"), m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return releaseLess(out[j], out[i]) })
	return out
}

var numRe = regexp.MustCompile(`\d+`)

// releaseLess orders releases by all their numbers in turn
// (6.1.0-56-amd64 > 6.1.0-50-amd64), then as strings.
func releaseLess(a, b string) bool {
	na, nb := numRe.FindAllString(a, -1), numRe.FindAllString(b, -1)
	for i := 0; i < len(na) && i < len(nb); i++ {
		x, _ := strconv.Atoi(na[i])
		y, _ := strconv.Atoi(nb[i])
		if x != y {
			return x < y
		}
	}
	if len(na) != len(nb) {
		return len(na) < len(nb)
	}
	return a < b
}

// KernelQuery says which kernel the user asked for.
type KernelQuery struct {
	Root    string // filesystem root ("/" on the live host)
	Release string // --kernel / KVER=, "" for the running kernel
	KDir    string // --kdir: a headers tree anywhere
	Running string // uname -r of the host
	Family  string // package family, for install hints
}

// ErrNoHeadersAtAll means no headers are installed for any kernel.
var ErrNoHeadersAtAll = errors.New("no kernel headers are installed")

// SelectKernel finds the target kernel and its headers.
func SelectKernel(q KernelQuery) (Kernel, error) {
	switch {
	case q.KDir != "":
		return kernelFromKDir(q)
	case q.Release != "":
		dir, err := FindHeaders(q.Root, q.Release, q.Family)
		if err != nil {
			return Kernel{Release: q.Release}, err
		}
		return describe(q.Root, q.Release, dir, "--kernel", "")
	}
	if dir, err := FindHeaders(q.Root, q.Running, q.Family); err == nil {
		return describe(q.Root, q.Running, dir, "running", "")
	}
	inst := InstalledHeaders(q.Root)
	if len(inst) == 0 {
		return Kernel{Release: q.Running}, ErrNoHeadersAtAll
	}
	dir, err := FindHeaders(q.Root, inst[0], q.Family)
	if err != nil {
		return Kernel{}, err
	}
	note := fmt.Sprintf("running kernel %s has no headers; building for %s, the newest kernel with headers installed", q.Running, inst[0])
	return describe(q.Root, inst[0], dir, "newest-installed", note)
}

func kernelFromKDir(q KernelQuery) (Kernel, error) {
	dir, err := filepath.Abs(q.KDir)
	if err != nil {
		return Kernel{}, err
	}
	if !IsHeadersDir(dir) {
		return Kernel{}, fmt.Errorf("--kdir %s is not a configured kernel headers tree (needs Makefile and .config)", q.KDir)
	}
	rel, err := HeadersRelease(dir)
	if err != nil {
		return Kernel{}, err
	}
	if q.Release != "" && q.Release != rel {
		return Kernel{}, fmt.Errorf("--kdir %s holds headers for %s, not for --kernel %s", q.KDir, rel, q.Release)
	}
	return describe(q.Root, rel, dir, "--kdir", "")
}

func describe(root, release, dir, chosen, note string) (Kernel, error) {
	v, err := ParseRelease(release)
	if err != nil {
		return Kernel{}, err
	}
	k := Kernel{Release: release, Version: HeadersVersion(dir), HeadersDir: dir,
		SourceDir: SourceDir(root, dir), Chosen: chosen, Note: note}
	if k.Version == "" {
		k.Version = v.String()
	}
	return k, nil
}
