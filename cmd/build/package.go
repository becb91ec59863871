// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/dkms"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/deb"
	"github.com/nfsbundle/nfsbundle/pkg/rpm"
	"github.com/nfsbundle/nfsbundle/tree"
)

// packageFlags choose what the package stage writes; shared by bin and package.
type packageFlags struct {
	format, release, ctl, dist string
	noKABI, dkms               bool
}

func (f *packageFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.format, "format", "", "package format rpm or deb (default: the host distribution's family)")
	fl.StringVar(&f.release, "release", "", "package release (default 1)")
	fl.StringVar(&f.ctl, "ctl", "", "nfsbundle-ctl binary to include (default bin/nfsbundle-ctl, built by build.sh)")
	fl.StringVar(&f.dist, "dist", "", "output directory (default <repo>/dist)")
	fl.BoolVar(&f.noKABI, "no-kabi-requires", false, "leave the kernel(<sym>) = <crc> requirements out of the RPM (custom kernels whose kernel package lacks them)")
	fl.BoolVar(&f.dkms, "dkms", false, "write a DKMS package (nfsbundle-dkms_<ver>_<arch>.deb) instead of the binary package")
}

// packagers are the binary package formats by --format name. pkg knows
// none itself: pkg/rpm and pkg/deb import pkg.
var packagers = map[string]pkg.Packager{"rpm": rpm.Packager{}, "deb": deb.Packager{}}

// writePackages is the package stage: the binary package of the host's (or
// --format's) kind, or with --dkms the DKMS source package.
func writePackages(ctx context.Context, top, version string, f packageFlags, m *finish.Manifest, tg detect.Target) (*pkg.Result, error) {
	epoch := pkg.DefaultSourceDateEpoch(ctx, top, environ.sourceDateEpoch)
	ctl := f.ctl
	if ctl == "" {
		if c := filepath.Join(top, "bin", "nfsbundle-ctl"); fileExists(c) {
			ctl = c
		}
	}
	if f.dkms {
		return writeDKMS(ctx, top, version, f, m, tg, epoch, ctl)
	}
	format := f.format
	if format == "" {
		format = tg.Distro.Family
	}
	pk, ok := packagers[format]
	if !ok {
		return nil, fmt.Errorf("unknown package format %q: use --format rpm or --format deb", format)
	}
	in := pkg.Input{Top: top, Dist: f.dist, Version: version, Release: f.release, Packager: pk, Target: packageTarget(tg),
		Stage: *m, SourceDateEpoch: epoch, CtlBinary: ctl}
	if format == "rpm" {
		in.RPM = pkg.RPMOptions{NoKABIRequires: f.noKABI, SignKey: environ.rpmSignKey}
	}
	return pkg.BuildOnce(ctx, in, pkg.StampPath(paths.BuildDir(top, m.KVer), format))
}

// writeDKMS writes the DKMS package: the staged build's tree, serving its
// tree's whole kernel range, with this driver to build it on the target.
func writeDKMS(ctx context.Context, top, version string, f packageFlags, m *finish.Manifest, tg detect.Target, epoch int64, ctl string) (*pkg.Result, error) {
	tr, err := treeNamed(top, m.Tree)
	if err != nil {
		return nil, err
	}
	driver, err := os.Executable() // build.sh builds it static (CGO_ENABLED=0)
	if err != nil {
		return nil, fmt.Errorf("dkms: finding this driver's own file to ship: %w (is /proc mounted?)", err)
	}
	return dkms.Build(ctx, dkms.Input{Top: top, Dist: f.dist, Version: version, Arch: tg.Arch, Tree: m.Src,
		Modules: dkms.ModulesOf(m), TreeName: tr.Name, Range: tr.Range, Driver: driver, Legacy: m.Legacy,
		SourceDateEpoch: epoch, CtlBinary: ctl})
}

// treeNamed is the definition of the source tree a build came from.
func treeNamed(top, name string) (*tree.Tree, error) {
	trees, err := tree.Load(filepath.Join(top, "kernel-src"))
	if err != nil {
		return nil, err
	}
	for _, t := range trees {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, fmt.Errorf("the build's tree %q is not in kernel-src/", name)
}

// packageTarget is what the package stage reads of the target.
func packageTarget(tg detect.Target) pkg.Target {
	return pkg.Target{DistroID: tg.Distro.ID, DistroFamily: tg.Distro.Family, DistroLike: tg.Distro.Like,
		Arch: tg.Arch, KernelRelease: tg.Kernel.Release, HeadersDir: tg.Kernel.HeadersDir}
}

// loadManifest reads a staged build's manifest for packaging. Manifests
// written before they recorded the tree's series get it from the tree's
// definition, as the package stage found it then.
func loadManifest(top, path string) (*finish.Manifest, error) {
	m, err := finish.Load(path)
	if err != nil || m.Series != "" {
		return m, err
	}
	t, err := treeNamed(top, m.Tree)
	if err != nil {
		return nil, err
	}
	m.Series = t.UpstreamSeries
	return m, nil
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
			st, err := loadManifest(top, manifest)
			if err != nil {
				return err
			}
			tg, err := detect.Load(detect.TargetPath(filepath.Dir(manifest)))
			if err != nil {
				return fmt.Errorf("reading the target next to %s: %w", manifest, err)
			}
			version, err := readVersion(top)
			if err != nil {
				return err
			}
			var r *pkg.Result
			err = stage{"package", func(*build, context.Context) (string, error) {
				if r, err = writePackages(cmd.Context(), top, version, f, st, tg); err != nil {
					return "", err
				}
				return r.Summary(), nil
			}, cli.ExitPackage}.do(cmd.Context(), nil)
			if err != nil {
				return err
			}
			fmt.Println(r.Path)
			return nil
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
		return finish.ManifestPath(paths.BuildDir(top, kernel)), nil
	}
	m, _ := filepath.Glob(filepath.Join(top, "build", "*", "finish.json"))
	if len(m) != 1 {
		return "", fmt.Errorf("found %d staged builds under build/: name one with --kernel KVER or --manifest", len(m))
	}
	return m[0], nil
}
