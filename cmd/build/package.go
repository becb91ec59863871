// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/dkms"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/internal/run"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/tree"
)

// packageFlags choose what the package stage writes; shared by bin and package.
type packageFlags struct {
	format, release, ctl, dist, kernelRegex string
	noKABI, dkms                            bool
}

func (f *packageFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.format, "format", "", "package format rpm or deb (default: the host distribution's family)")
	fl.StringVar(&f.release, "release", "", "package release (default 1)")
	fl.StringVar(&f.ctl, "ctl", "", "nfsbundle-ctl binary to include (default bin/nfsbundle-ctl, built by build.sh)")
	fl.StringVar(&f.dist, "dist", "", "output directory (default <repo>/dist)")
	fl.StringVar(&f.kernelRegex, "dkms-kernels", "", `BUILD_EXCLUSIVE_KERNEL for --dkms (default: the tree's series, e.g. ^6\.1\.)`)
	fl.BoolVar(&f.noKABI, "no-kabi-requires", false, "leave the kernel(<sym>) = <crc> requirements out of the RPM (custom kernels whose kernel package lacks them)")
	fl.BoolVar(&f.dkms, "dkms", false, "write a DKMS package (nfsbundle-dkms_<ver>_<arch>.deb) instead of the binary package")
}

// writePackages is the package stage: the binary package of the host's (or
// --format's) kind, or with --dkms the DKMS source package.
func writePackages(ctx context.Context, top, version string, f packageFlags, st *pkg.Staged, tg detect.Target) ([]string, error) {
	defaultSourceDateEpoch(ctx, top)
	ctl := f.ctl
	if ctl == "" {
		if c := filepath.Join(top, "bin", "nfsbundle-ctl"); fileExists(c) {
			ctl = c
		}
	}
	if !f.dkms {
		in := pkg.Input{Top: top, Dist: f.dist, Version: version, Release: f.release,
			Format: f.format, Target: tg, Stage: *st, NoKABIRequires: f.noKABI, CtlBinary: ctl}
		format := f.format
		if format == "" {
			format = tg.Distro.Family
		}
		return buildPackageOnce(ctx, in, filepath.Join(paths.BuildDir(top, st.KVer), "package-"+format+".stamp.json"))
	}
	var mods []dkms.Module
	for _, m := range st.Modules {
		mods = append(mods, dkms.Module{Name: m.Name, RelPath: m.RelPath})
	}
	regex := f.kernelRegex
	if regex == "" {
		series, err := treeSeries(top, st.Tree)
		if err != nil {
			return nil, err
		}
		regex = dkms.KernelRegexForSeries(series)
	}
	d, err := dkms.Build(ctx, dkms.Input{Top: top, Dist: f.dist, Version: version, Arch: tg.Arch, Tree: st.Src,
		MakeVars: st.MakeVars, Modules: mods, KernelRegex: regex, Legacy: st.Legacy, CtlBinary: ctl})
	if err != nil {
		return nil, err
	}
	return []string{d}, nil
}

// defaultSourceDateEpoch makes package timestamps the time of the commit
// being built when SOURCE_DATE_EPOCH is unset: reproducible, and a real
// date rather than 1970. Without git (a source release) they stay at 0.
func defaultSourceDateEpoch(ctx context.Context, top string) {
	if os.Getenv("SOURCE_DATE_EPOCH") != "" {
		return
	}
	out, err := run.Output(ctx, "git", "-C", top, "log", "-1", "--format=%ct")
	if err == nil && len(strings.TrimSpace(string(out))) > 0 {
		os.Setenv("SOURCE_DATE_EPOCH", strings.TrimSpace(string(out)))
	}
}

// buildPackageOnce writes the binary package unless the same inputs (and
// the same driver) already produced the packages still in dist/.
func buildPackageOnce(ctx context.Context, in pkg.Input, stamp string) ([]string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	key, err := pkg.InputKey(in, self)
	if err != nil {
		return nil, err
	}
	if out, ok := pkg.ReadStamp(stamp, key); ok {
		logrus.Debugf("package: %v up to date", out)
		return out, nil
	}
	out, err := pkg.Build(ctx, in)
	if err != nil {
		return nil, err
	}
	return out, pkg.WriteStamp(stamp, key, out)
}

// treeSeries is the upstream series of a tree: what DKMS may build it for.
func treeSeries(top, name string) (string, error) {
	trees, err := tree.Load(filepath.Join(top, "kernel-src"))
	if err != nil {
		return "", err
	}
	for _, t := range trees {
		if t.Name == name {
			return t.UpstreamSeries, nil
		}
	}
	return "", fmt.Errorf("the build's tree %q is not in kernel-src/", name)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func init() {
	var f packageFlags
	var manifest, kernel string
	cmd := &cobra.Command{
		Use:   "package [--kernel KVER | --manifest build/<kver>/finish.json]",
		Short: "Package an earlier build's staged modules again (rpm, deb, dkms)",
		Long: `Write the binary package (or with --dkms the DKMS package) from the staged
modules of an earlier ./build.sh bin run, without rebuilding anything: the
packaging stage on its own. The format follows the target's family unless
--format says otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			top, err := paths.Top()
			if err != nil {
				return err
			}
			if manifest, err = findManifest(top, manifest, kernel); err != nil {
				return err
			}
			st, err := pkg.LoadStaged(manifest)
			if err != nil {
				return err
			}
			var tg detect.Target
			b, err := os.ReadFile(filepath.Join(filepath.Dir(manifest), "target.json"))
			if err != nil {
				return fmt.Errorf("reading the target next to %s: %w", manifest, err)
			}
			if err := json.Unmarshal(b, &tg); err != nil {
				return fmt.Errorf("parsing target.json: %w", err)
			}
			version, err := readVersion(top)
			if err != nil {
				return err
			}
			out, err := writePackages(cmd.Context(), top, version, f, st, tg)
			for _, o := range out {
				fmt.Println(o)
			}
			return err
		},
	}
	fl := cmd.Flags()
	f.register(fl)
	fl.StringVar(&manifest, "manifest", "", "the build's finish.json (default build/<kver>/finish.json)")
	fl.StringVar(&kernel, "kernel", "", "kernel release of the build to package")
	rootCmd.AddCommand(cmd)
}

// findManifest picks the staged build to package.
func findManifest(top, manifest, kernel string) (string, error) {
	switch {
	case manifest != "":
		return manifest, nil
	case kernel != "":
		return filepath.Join(paths.BuildDir(top, kernel), "finish.json"), nil
	}
	m, _ := filepath.Glob(filepath.Join(top, "build", "*", "finish.json"))
	if len(m) != 1 {
		return "", fmt.Errorf("found %d staged builds under build/: name one with --kernel KVER or --manifest", len(m))
	}
	return m[0], nil
}
