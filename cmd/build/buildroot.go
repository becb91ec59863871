// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"os/exec"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/buildroot"
)

// buildEnv is where kbuild runs: the host, or a chroot of the target's
// distribution release whose compiler and tools match the target headers.
type buildEnv struct {
	suite  string
	runner *buildroot.Runner
	kdir   string // KDIR as seen inside the build root
}

// prepareBuildRoot resolves --buildroot for the requested kernel and, when a
// build root is needed, creates it (cached) with the target's headers.
// It returns nil for a host build.
func prepareBuildRoot(ctx context.Context, mode, release, top string) (*buildEnv, error) {
	if release == "" {
		return nil, nil // the running or newest installed kernel: the host builds it
	}
	suite, err := buildroot.Choose(mode, release)
	if err != nil || suite == "" {
		return nil, err
	}
	start := time.Now()
	runner, kdir, err := buildroot.EnsureKernel(ctx, suite, release)
	if err != nil {
		return nil, fmt.Errorf("build root %s for %s: %w", suite, release, err)
	}
	logrus.Infof("buildroot: %s root %s with linux-headers-%s (%.1fs)", suite, runner.Root, release, time.Since(start).Seconds())
	// The repository (and so build/<kver>/src) is visible at the same path inside.
	return &buildEnv{suite: suite, runner: runner.With(top), kdir: kdir}, nil
}

// hostKDir is the headers tree as the host sees it, for detection.
func (b *buildEnv) hostKDir() string { return b.runner.HostPath(b.kdir) }

// command runs make inside the build root.
func (b *buildEnv) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return b.runner.Command(ctx, "/", nil, name, args...)
}
