// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/debian"
)

// prepareBuildRoot is buildroot.Resolve for bin: nil when the host builds
// (the detect stage then finds, or fetches, the headers), else the build
// root of the requested kernel's release with its headers installed and
// the repository (so build/<kver>/src) visible at the same path inside.
func prepareBuildRoot(ctx context.Context, mode, release, top string) (*buildroot.Env, error) {
	env, err := buildroot.Resolve(ctx, buildroot.Options{Mode: mode, KVer: release, CacheDir: rootFlags.cacheDir, HostDetects: true})
	if err != nil || env.Runner == nil {
		return nil, err
	}
	return env.Bind(top), nil
}

// fetchMissingHeaders is the detect stage's fallback when it found no
// headers: see buildroot.FetchMissingHeaders. When fetching fails as well,
// apt's own output goes to the debug log and the error stays derr (which
// names the package to install) plus one line.
func fetchMissingHeaders(ctx context.Context, o detect.Options, t detect.Target, derr error) (detect.Target, error) {
	t, err := buildroot.FetchMissingHeaders(ctx, rootFlags.cacheDir, o, t, derr)
	if err != nil && err != derr && errors.Is(err, derr) {
		logrus.Debugf("fetching the headers: %v", err)
		return t, fmt.Errorf("%w\nfetching them from the Debian archive failed too (-v shows apt's output)", derr)
	}
	return t, err
}

// sourceApt is the apt configuration that fetches
// linux-source-<series> (nil when no Debian release ships it).
func sourceApt(series string) *debian.Apt { return debian.ForSeries(rootFlags.cacheDir, series) }
