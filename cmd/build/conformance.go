// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/conformance"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/tree"
	"github.com/nfsbundle/nfsbundle/vmtest"
)

func init() { rootCmd.AddCommand(newConformanceCmd()) }

// conformanceFlags are conformance's flags.
type conformanceFlags struct {
	kernel, stack, pynfs, subset string
	suites, baselines            []string
	json, console                bool
	timeout                      time.Duration
}

// newConformanceCmd is `conformance`: pynfs and fio on both stacks, compared.
func newConformanceCmd() *cobra.Command {
	var f conformanceFlags
	cmd := &cobra.Command{
		Use:   "conformance",
		Short: "Run pynfs and fio against our stack and the kernel's own in the VM, and compare",
		Long: `conformance boots the target kernel (as vmtest does) with kernel nfsd
exporting a tmpfs for NFSv3, 4.0, 4.1 and 4.2 (insecure), reachable from the
host only through a port forwarded from 127.0.0.1. pynfs runs on the host
against it: the "all" group of the 4.0 and 4.1 suites (--subset ci leaves out
the 4.0 tests WRT15 and RDDR8b, minutes of round trips under TCG). fio with
crc32c verification runs inside the guest on mounts made by our client
(NFSv3 to go-nfs, NFSv3 and NFSv4.2 to kernel nfsd), then re-verifies after a
remount.

--stack both runs the kernel's own stack first (the reference), then ours. A
test that passes on the reference and fails on ours, also when run again
alone, is a regression: the command exits 1 naming each. Tests ours passes and
the reference fails are listed as improvements. For a kernel whose own NFS
code is not our tree's series, ours is also held to our result on a kernel of
that series (build/<kver>/conformance/ours.json, or --baseline FILE). A
test the kernel's own, newer stack passes and ours fails there as well as on
that series is listed as the code base's (information, exit 0): our tree
does not have that feature yet; the compat layer did not break it.

Results: build/<kver>/conformance/<stack>.json, the pynfs logs beside them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runConformance(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.kernel, "kernel", "", "target kernel release (default: the only staged build)")
	fl.StringVar(&f.stack, "stack", "both", "ours, inbox or both (inbox is the reference)")
	fl.StringSliceVar(&f.suites, "suite", nil, "suites: pynfs40, pynfs41, fio (default all)")
	fl.StringVar(&f.pynfs, "pynfs", "", "pynfs source, a directory or .tar.gz (default $"+conformance.PynfsEnv+")")
	fl.StringVar(&f.subset, "subset", conformance.SubsetFull, "pynfs tests: full (the whole all group) or ci")
	fl.StringSliceVar(&f.baselines, "baseline", nil, "a further reference for ours: a <stack>.json from another run")
	fl.BoolVar(&f.json, "json", false, "print the results as JSON on stdout (the summary goes to stderr)")
	fl.BoolVar(&f.console, "console", false, "stream the guest console to stderr")
	fl.DurationVar(&f.timeout, "timeout", 90*time.Minute, "limit per stack")
	return cmd
}

func runConformance(cmd *cobra.Command, f conformanceFlags) error {
	o, err := conformanceOptions(f)
	if err != nil {
		return err
	}
	if f.console {
		o.Console = cmd.ErrOrStderr()
	}
	res, err := conformance.Run(cmd.Context(), o)
	if err != nil {
		return err
	}
	if f.json {
		if err := cli.PrintJSON(cmd.OutOrStdout(), res); err != nil {
			return err
		}
		res.Summary(cmd.ErrOrStderr())
	} else {
		res.Summary(cmd.OutOrStdout())
	}
	if !res.Passed {
		return &cli.ExitError{Code: 1, Err: fmt.Errorf("conformance FAILED on %s (results: %s)", o.KVer, strings.Join(res.Files, ", "))}
	}
	return nil
}

// conformanceOptions turns the flags and the environment into Options.
func conformanceOptions(f conformanceFlags) (conformance.Options, error) {
	top, err := paths.Top()
	if err != nil {
		return conformance.Options{}, err
	}
	kver := f.kernel
	if kver == "" {
		if kver, err = onlyStagedKernel(top); err != nil {
			return conformance.Options{}, err
		}
	}
	if err := detect.CheckRelease(kver); err != nil {
		return conformance.Options{}, fmt.Errorf("--kernel: %w", err)
	}
	pynfs := f.pynfs
	if pynfs == "" {
		pynfs = environ.pynfs
	}
	o := conformance.Options{Top: top, KVer: kver, Suites: f.suites, Pynfs: pynfs, Subset: f.subset,
		Baselines: f.baselines, Cache: rootFlags.cacheDir, NoCache: rootFlags.noCache, Timeout: f.timeout,
		Accel: vmtest.AccelChoice("", environ.vmAccel), Guest: environ.vmGuest}
	switch f.stack {
	case "both":
		o.Stacks = []string{conformance.StackInbox, conformance.StackOurs}
	case conformance.StackOurs, conformance.StackInbox:
		o.Stacks = []string{f.stack}
	default:
		return o, fmt.Errorf("--stack %q: use ours, inbox or both", f.stack)
	}
	if len(o.Baselines) == 0 && wantsOurs(o.Stacks) {
		if o.Baselines, err = seriesBaselines(top, kver); err != nil {
			return o, err
		}
	}
	return o, nil
}

func wantsOurs(stacks []string) bool {
	for _, s := range stacks {
		if s == conformance.StackOurs {
			return true
		}
	}
	return false
}

// seriesBaselines finds our own result on a kernel of the main tree's
// series when kver is not of it: our code on 6.12 is held to our code on
// 6.1. None found is a warning, not an error: that run may not exist yet.
func seriesBaselines(top, kver string) ([]string, error) {
	trees, err := tree.Load(filepath.Join(top, "kernel-src"))
	if err != nil {
		return nil, err
	}
	series := ""
	for _, t := range trees {
		if !t.Legacy {
			series = t.UpstreamSeries
		}
	}
	if series == "" || strings.HasPrefix(kver, series+".") {
		return nil, nil
	}
	m, _ := filepath.Glob(filepath.Join(top, "build", series+".*", "conformance", conformance.StackOurs+".json"))
	if len(m) == 0 {
		logrus.Warnf("conformance: no result of ours on a %s kernel under build/ to hold %s to: run conformance on a %s kernel first, or give --baseline", series, kver, series)
		return nil, nil
	}
	// The newest result: the latest run of our code on its own series.
	mtime := func(p string) int64 {
		st, err := os.Stat(p)
		if err != nil {
			return 0
		}
		return st.ModTime().UnixNano()
	}
	sort.Slice(m, func(i, j int) bool { return mtime(m[i]) < mtime(m[j]) })
	logrus.Infof("conformance: ours on %s is also held to %s", kver, m[len(m)-1])
	return m[len(m)-1:], nil
}
