// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"os/exec"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/pflag"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/sign"
)

// targetFlags choose the target kernel; shared by every command that needs one.
type targetFlags struct {
	kernel string
	kdir   string
	noOFED bool
}

func (f *targetFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.kernel, "kernel", "", "target kernel release (default: $KVER, else the running kernel, else the newest with headers)")
	fs.StringVar(&f.kdir, "kdir", "", "kernel headers tree to build against (any location)")
	fs.BoolVar(&f.noOFED, "no-ofed", false, "ignore an installed Mellanox OFED and build for the inbox RDMA stack")
}

// detectTarget runs the detect stage for these flags, fetching headers when
// the distribution has a way to and the host has none.
func detectTarget(ctx context.Context, f targetFlags) (detect.Target, error) {
	start := time.Now()
	release := f.kernel
	if release == "" && f.kdir == "" {
		release = environ.kver
	}
	if release != "" {
		if err := detect.CheckRelease(release); err != nil {
			return detect.Target{}, fmt.Errorf("--kernel (or $KVER): %w", err)
		}
	}
	opts := detect.Options{Root: "/", Release: release, KDir: f.kdir, NoOFED: f.noOFED,
		IDOverride: environ.idOverride, CC: environ.cc, RunCmd: detect.LiveRunner, LookPath: exec.LookPath,
		ReadModuleKey: sign.ModuleKey}
	t, err := detect.Detect(ctx, opts)
	if err != nil {
		t, err = fetchMissingHeaders(ctx, opts, t, err)
		if err != nil {
			return t, err
		}
	}
	if t.Kernel.Note != "" {
		logrus.Warn(t.Kernel.Note)
	}
	logrus.Debugf("detect: %s kernel %s, headers %s (%s)", t.Distro.ID, t.Kernel.Release, t.Kernel.HeadersDir, cli.Seconds(time.Since(start)))
	return t, nil
}

// requestedKernel is the kernel the user named (--kernel or KVER=), or "".
func requestedKernel(f targetFlags) string {
	if f.kernel != "" {
		return f.kernel
	}
	if f.kdir != "" {
		return ""
	}
	return environ.kver
}
