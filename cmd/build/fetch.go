// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/headers"
	"github.com/nfsbundle/nfsbundle/importer"
)

// hostSeries is the kernel series each Debian release ships.
var hostSeries = map[string]string{"bullseye": "5.10", "bookworm": "6.1", "trixie": "6.12"}

// fetchMissingHeaders is called when detection found no headers. On a
// Debian host it fetches the headers from the archive into the cache
// (apt-get download + dpkg -x, no root needed): the requested kernel's, or
// when none was named and none are installed, the release's current ones.
// Anything else returns the detection error unchanged, at once.
func fetchMissingHeaders(ctx context.Context, o detect.Options, t detect.Target, derr error) (detect.Target, error) {
	var nh *detect.NoHeadersError
	noneAtAll := errors.Is(derr, detect.ErrNoHeadersAtAll)
	if t.Distro.ID != "debian" || (!noneAtAll && !errors.As(derr, &nh)) {
		return t, derr
	}
	host := buildroot.HostSuite()
	release := o.Release
	if noneAtAll {
		series := hostSeries[host]
		if series == "" {
			return t, derr
		}
		latest, err := headers.Latest(ctx, host, series)
		if err != nil {
			return t, errors.Join(derr, err)
		}
		release = latest
	}
	suite := buildroot.SuiteFor(release)
	if suite == "" {
		return t, derr // a kernel no Debian release we know ships: fail fast
	}
	kdir, err := headers.Fetch(ctx, suite, release)
	if err != nil {
		return t, errors.Join(derr, err)
	}
	logrus.Warnf("no headers installed for %s: using linux-headers-%s fetched from Debian %s into %s", release, release, suite, kdir)
	o.KDir, o.Release = kdir, ""
	return detect.Detect(ctx, o)
}

// sourceDownloader fetches linux-source-<series> from the Debian release
// that ships that series: the host's own apt when it is the host's release,
// else a private apt configuration for that release.
func sourceDownloader(series string) importer.Downloader {
	host := buildroot.HostSuite()
	if hostSeries[host] == series {
		return importer.AptDownload
	}
	for suite, s := range hostSeries {
		if s == series {
			apt := headers.ForSuite(suite)
			return func(ctx context.Context, dir, pkg string) error { return apt.Download(ctx, dir, pkg) }
		}
	}
	return nil
}
