// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package debian

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Manifest records what FetchHeaders extracted.
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

// HeadersDir is where FetchHeaders extracts kver's headers:
// <cache>/headers/<kver>.
func HeadersDir(cache, kver string) string { return filepath.Join(cache, "headers", kver) }

// FetchHeaders returns a KDIR for kver from suite, downloading
// linux-headers-<kver> and its linux-headers-*-common and linux-kbuild-*
// dependencies with suite's private apt and extracting them under
// HeadersDir(cache, kver) the first time. The KDIR's Makefile is pointed at
// the extracted -common tree. Compiling against it on the host uses the
// host's compiler; for a faithful build of another release's kernel use a
// build root.
func FetchHeaders(ctx context.Context, cache, suite, kver string) (string, error) {
	if cache == "" {
		return "", errors.New("debian: no cache directory given for fetched headers")
	}
	dir := HeadersDir(cache, kver)
	kdir := filepath.Join(dir, "usr/src/linux-headers-"+kver)
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		return kdir, nil
	}
	unlock, err := fileutil.Lock(ctx, dir+".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		return kdir, nil // fetched while we waited
	}
	a := Private(cache, suite)
	pkgs, err := a.headerPackages(ctx, suite, kver)
	if err != nil {
		return "", err
	}
	dl := filepath.Join(a.Dir, "debs")
	if err := os.MkdirAll(dl, 0o755); err != nil {
		return "", err
	}
	logrus.Infof("headers: downloading %s from %s", strings.Join(pkgs, " "), suite)
	debs, err := a.Download(ctx, dl, pkgs...)
	if err != nil {
		return "", err
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return "", err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	m := Manifest{KVer: kver, Suite: suite, KDir: kdir}
	for i, deb := range debs {
		sum, err := fileutil.SHA256(deb)
		if err != nil {
			return "", err
		}
		if err := Extract(ctx, deb, tmp); err != nil {
			return "", err
		}
		m.Packages = append(m.Packages, Package{Name: pkgs[i], File: filepath.Base(deb), SHA256: sum})
	}
	if err := pointAtCommon(filepath.Join(tmp, "usr/src/linux-headers-"+kver, "Makefile"), dir); err != nil {
		return "", err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return kdir, fileutil.WriteJSON(filepath.Join(dir, "manifest.json"), m)
}

// headerPackages are linux-headers-<kver> and the linux-headers-* and
// linux-kbuild-* packages it depends on.
func (a *Apt) headerPackages(ctx context.Context, suite, kver string) ([]string, error) {
	if err := a.Update(ctx, false); err != nil {
		return nil, err
	}
	main := "linux-headers-" + kver
	out, err := run.Output(ctx, "apt-cache", append(a.options(), "depends", main)...)
	if err != nil {
		return nil, fmt.Errorf("linux-headers-%s is not in Debian %s (see `./build.sh probe --help` for how to pick a kernel): %w", kver, a.suites(), err)
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
	return pkgs, nil
}

// pointAtCommon rewrites the KDIR Makefile mk, which Debian has include
// the -common Makefile by absolute path (/usr/src/...), to include it from
// the extracted tree under dir instead.
func pointAtCommon(mk, dir string) error {
	b, err := os.ReadFile(mk)
	if err != nil {
		return fmt.Errorf("the headers package has no Makefile at %s: %w", mk, err)
	}
	fixed := regexp.MustCompile(`(?m)^include /usr/src/`).ReplaceAll(b, []byte("include "+filepath.Join(dir, "usr/src")+"/"))
	return fileutil.WriteAtomic(mk, fixed, 0o644)
}
