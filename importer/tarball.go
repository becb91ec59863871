// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package importer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// FindTarball returns the kernel source tarball to import from: the explicit
// path, else an installed /usr/src/linux-source-<series>.tar.*, else
// Debian's linux-source-<series> fetched with apt (debian.ForSeries; nil
// when no release ships the series) into the cache: the version of Linux
// pin when apt has it (a release's main and security suites carry
// different ones), else the newest.
func FindTarball(ctx context.Context, explicit, series, pin, cacheRoot string, apt *debian.Apt) (string, error) {
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return "", fmt.Errorf("--source %s: %w", explicit, err)
		}
		return filepath.Abs(explicit)
	}
	for _, ext := range []string{"tar.xz", "tar.bz2", "tar.gz", "tar"} {
		p := fmt.Sprintf("/usr/src/linux-source-%s.%s", series, ext)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return fetchSourceDeb(ctx, series, pin, cacheRoot, apt)
}

// fetchSourceDeb downloads Debian's linux-source-<series> (no root needed)
// and unpacks it in the cache; the tarball inside is what we import.
func fetchSourceDeb(ctx context.Context, series, pin, cacheRoot string, apt *debian.Apt) (string, error) {
	pkg := "linux-source-" + series
	version := pin
	if version == "" {
		version = "newest"
	}
	dir := filepath.Join(cacheRoot, "source-debs", pkg, version)
	want := filepath.Join(dir, "root/usr/src", pkg+".tar.xz")
	if _, err := os.Stat(want); err == nil {
		return want, nil
	}
	if apt == nil {
		return "", fmt.Errorf("no kernel source tarball for %s: pass --source <linux-%s.y tarball> (kernel.org or Debian's linux-source-%s)", series, series, series)
	}
	logrus.Infof("import: fetching %s with apt-get download (no local source tarball)", pkg)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".fetch-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	spec := pkg
	if pin != "" {
		if v, err := apt.VersionOf(ctx, pkg, pin); err == nil && v != "" {
			spec = pkg + "=" + v
		} else {
			// The archive has moved on: what comes is the newest, and
			// it is cached as that, never under the pin's name.
			dir = filepath.Join(cacheRoot, "source-debs", pkg, "newest")
			want = filepath.Join(dir, "root/usr/src", pkg+".tar.xz")
		}
	}
	debs, err := apt.Download(ctx, tmp, spec)
	if err != nil {
		return "", fmt.Errorf("fetching %s failed: %w\npass --source <tarball>, or run 'apt-get update' and retry", pkg, err)
	}
	if err := debian.Extract(ctx, debs[0], filepath.Join(tmp, "root")); err != nil {
		return "", err
	}
	os.Remove(debs[0])
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	if _, err := os.Stat(want); err != nil {
		return "", fmt.Errorf("%s holds no %s", pkg, filepath.Base(want))
	}
	return want, nil
}

// topDir returns the tarball's top directory ("linux-source-6.1",
// "linux-6.1.192") from its first member, reading no further.
func topDir(ctx context.Context, tarball string) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tar", "-tf", tarball)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	line, rerr := bufio.NewReader(out).ReadString('\n')
	cancel()
	cmd.Wait()
	line = strings.TrimSpace(line)
	if rerr != nil || line == "" {
		return "", corrupt(tarball, stderr.String())
	}
	top, _, _ := strings.Cut(strings.TrimPrefix(line, "./"), "/")
	return top, nil
}

func corrupt(tarball, detail string) error {
	return fmt.Errorf("source tarball %s is corrupt, truncated or not a kernel source tarball (%s); download it again or pass another --source",
		tarball, strings.TrimSpace(run.Tail(detail, 3)))
}
