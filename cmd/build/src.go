// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"io"
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
	pin             bool
}

var srcCmd = &cobra.Command{
	Use:   "src",
	Short: "Write dist/nfsbundle-<ver>.tar.xz, a source release that builds offline",
	Long: `Write dist/nfsbundle-<version>.tar.xz: the repository, the upstream kernel
NFS code every source tree imports (upstream/linux-source-<series>.tar) and
static build drivers for linux/amd64 and linux/arm64 (bin/nfsbundle-build-<arch>),
so that ./build.sh bin works on a host with only kernel headers, gcc and make:
no network, no Go toolchain, no kernel source package.

With --pin it writes no release: it records the upstream each tree imports
here (the Linux version and the subset's content hash) as the tree's pin in
kernel-src/<tree>/tree.json, which bin then checks every import against.`,
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
					logrus.Warnf("src: tree %s: %v; %s", tr.Name, err, skippedUpstream(tr))
					continue
				}
				return fmt.Errorf("tree %s: %w (pass --allow-missing-upstream to go on without it)", tr.Name, err)
			}
			if srcFlags.pin {
				if err := pinTree(cmd.OutOrStdout(), tr, up); err != nil {
					return err
				}
				continue
			}
			if c := importer.CheckPin(tr, up); c.Warning != "" {
				logrus.Warnf("src: %s", c.Warning)
			}
			ups = append(ups, release.Upstream{Series: tr.UpstreamSeries, Dir: up.Dir})
		}
		if srcFlags.pin {
			return nil
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
	tarball, err := importer.FindTarball(ctx, "", tr.UpstreamSeries, "", rootFlags.cacheDir, sourceApt(tr.UpstreamSeries))
	if err != nil {
		return nil, err
	}
	plist, err := importer.ReadPaths(tr.PathsFile())
	if err != nil {
		return nil, err
	}
	return importer.Extract(ctx, tarball, plist, rootFlags.cacheDir)
}

// skippedUpstream says what leaving out a tree whose upstream is missing
// means (--allow-missing-upstream).
func skippedUpstream(tr *tree.Tree) string {
	if srcFlags.pin {
		return "its pin stays as it is"
	}
	return fmt.Sprintf("the release will need linux-source-%s (or network) to build for it", tr.UpstreamSeries)
}

// pinTree records up as the pin of tr and prints what changed.
func pinTree(w io.Writer, tr *tree.Tree, up *importer.Upstream) error {
	was := "unpinned"
	if tr.Upstream != nil {
		was = fmt.Sprintf("was Linux %s, subset sha256 %.16s", tr.Upstream.Version, tr.Upstream.SubsetSHA256)
	}
	if err := tr.SetPin(tree.Pin{Version: up.UpstreamVersion, SubsetSHA256: up.SubsetSHA256}); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "tree %s pinned to Linux %s, subset sha256 %s, from %s (%s)\n",
		tr.Name, up.UpstreamVersion, up.SubsetSHA256, up.Tarball, was)
	return err
}

func init() {
	f := srcCmd.Flags()
	f.StringVar(&srcFlags.dist, "dist", "", "output directory (default <repo>/dist)")
	f.BoolVar(&srcFlags.noBinaries, "no-binaries", false, "do not include prebuilt static build drivers (the target then needs Go)")
	f.BoolVar(&srcFlags.allowNoUpstream, "allow-missing-upstream", false, "release even when a tree's upstream kernel source cannot be found or fetched")
	f.BoolVar(&srcFlags.pin, "pin", false, "write no release: pin each tree to the upstream it imports on this host (kernel-src/<tree>/tree.json)")
	rootCmd.AddCommand(srcCmd)
}
