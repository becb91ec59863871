// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package debian

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Download fetches pkgs into dir with apt-get download (no root needed,
// nothing installed), refreshing a private configuration's lists first,
// and returns each package's .deb in the order of pkgs: the newest version
// when dir already holds older ones. A private configuration's error names
// its suite; the host's apt-get error is returned as is.
func (a *Apt) Download(ctx context.Context, dir string, pkgs ...string) ([]string, error) {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return nil, err
	}
	if err := a.Update(ctx, false); err != nil {
		return nil, err
	}
	if _, err := run.OutputIn(ctx, dir, nil, "apt-get", append(append(a.options(), "-q", "download"), pkgs...)...); err != nil {
		if a.private() {
			err = fmt.Errorf("downloading %v from Debian %s: %w", pkgs, a.Suite, err)
		}
		return nil, err
	}
	debs := make([]string, len(pkgs))
	for i, p := range pkgs {
		name, version, _ := strings.Cut(p, "=")
		m, _ := filepath.Glob(filepath.Join(dir, name+"_"+debFileVersion(version)+"*.deb"))
		if len(m) == 0 {
			return nil, fmt.Errorf("apt-get download left no %s_*.deb in %s", p, dir)
		}
		sort.Slice(m, func(i, j int) bool { return naturalLess(m[i], m[j]) })
		debs[i] = m[len(m)-1]
	}
	return debs, nil
}

// Extract unpacks the files of deb into dir with dpkg-deb -x: no
// maintainer script runs and nothing is installed.
func Extract(ctx context.Context, deb, dir string) error {
	_, err := run.Output(ctx, "dpkg-deb", "-x", deb, dir)
	return err
}

// debFileVersion is how a version appears in a .deb's file name: an epoch's
// colon becomes "%3a". Empty for no version.
func debFileVersion(v string) string {
	if v == "" {
		return ""
	}
	return strings.ReplaceAll(v, ":", "%3a") + "_"
}

// VersionOf is the Debian version of pkg whose upstream part is upstream
// (6.1.192 for 6.1.192-1), the highest when several are; "" when a's
// suites carry none.
func (a *Apt) VersionOf(ctx context.Context, pkg, upstream string) (string, error) {
	if err := a.Update(ctx, false); err != nil {
		return "", err
	}
	out, err := run.Output(ctx, "apt-cache", append(a.options(), "madison", pkg)...)
	if err != nil {
		return "", err
	}
	best := ""
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "|")
		if len(f) < 2 {
			continue
		}
		v := strings.TrimSpace(f[1])
		if strings.HasPrefix(v, upstream+"-") && (best == "" || naturalLess(best, v)) {
			best = v
		}
	}
	return best, nil
}
