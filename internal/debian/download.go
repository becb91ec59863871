// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package debian

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"

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
		m, _ := filepath.Glob(filepath.Join(dir, p+"_*.deb"))
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
