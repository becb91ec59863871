// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/release"
	"github.com/nfsbundle/nfsbundle/tree"
)

var srcFlags struct {
	dist            string
	noBinaries      bool
	allowNoUpstream bool
}

var srcCmd = &cobra.Command{
	Use:   "src",
	Short: "Write dist/nfsbundle-<ver>.tar.xz, a source release that builds offline",
	Long: `Write dist/nfsbundle-<version>.tar.xz: the repository, the upstream kernel
NFS code every source tree imports (upstream/linux-source-<series>.tar) and
static build drivers for linux/amd64 and linux/arm64 (bin/nfsbundle-build-<arch>),
so that ./build.sh bin works on a host with only kernel headers, gcc and make:
no network, no Go toolchain, no kernel source package.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		top, err := paths.Top()
		if err != nil {
			return err
		}
		ver, err := os.ReadFile(filepath.Join(top, "VERSION"))
		if err != nil {
			return fmt.Errorf("reading VERSION: %w", err)
		}
		trees, err := tree.Load(filepath.Join(top, "kernel-src"))
		if err != nil {
			return err
		}
		var ups []release.Upstream
		for _, tr := range trees {
			up, err := upstreamFor(cmd, tr)
			if err != nil {
				if srcFlags.allowNoUpstream {
					logrus.Warnf("src: tree %s: %v; the release will need linux-source-%s (or network) to build for it", tr.Name, err, tr.UpstreamSeries)
					continue
				}
				return fmt.Errorf("tree %s: %w (pass --allow-missing-upstream to release without it)", tr.Name, err)
			}
			ups = append(ups, release.Upstream{Series: tr.UpstreamSeries, Dir: up.Dir})
		}
		in := release.Input{Top: top, Dist: srcFlags.dist, Version: string(ver), Upstream: ups, NoBinaries: srcFlags.noBinaries,
			SourceDateEpoch: pkg.DefaultSourceDateEpoch(ctx, top, environ.sourceDateEpoch)}
		var r *release.Result
		err = stage{"src", func(*build, context.Context) (string, error) {
			if r, err = release.Write(ctx, in); err != nil {
				return "", err
			}
			return r.Summary(), nil
		}, cli.ExitPackage}.do(ctx, nil)
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), r.Path)
		return nil
	},
}

// upstreamFor extracts (or finds cached) the upstream subset of one tree.
func upstreamFor(cmd *cobra.Command, tr *tree.Tree) (*importer.Upstream, error) {
	ctx := cmd.Context()
	tarball, err := importer.FindTarball(ctx, "", tr.UpstreamSeries, rootFlags.cacheDir, sourceApt(tr.UpstreamSeries))
	if err != nil {
		return nil, err
	}
	plist, err := importer.ReadPaths(tr.PathsFile())
	if err != nil {
		return nil, err
	}
	return importer.Extract(ctx, tarball, plist, rootFlags.cacheDir)
}

func init() {
	f := srcCmd.Flags()
	f.StringVar(&srcFlags.dist, "dist", "", "output directory (default <repo>/dist)")
	f.BoolVar(&srcFlags.noBinaries, "no-binaries", false, "do not include prebuilt static build drivers (the target then needs Go)")
	f.BoolVar(&srcFlags.allowNoUpstream, "allow-missing-upstream", false, "release even when a tree's upstream kernel source cannot be found or fetched")
	rootCmd.AddCommand(srcCmd)
}
