// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// binFlags are the options of `build.sh bin`.
type binFlags struct {
	target      targetFlags
	source      string
	tree        string
	withoutRDMA bool
	jobs        int
	signKey     string
	signCert    string
	buildroot   string
	pkg         packageFlags
	noInstall   bool // --no-install: the preflight fails instead of installing
	json        bool // --json: one JSON object on stdout at the end

	// strictUpstream: a source other than the tree's pin fails the import.
	strictUpstream bool
}

func init() {
	var f binFlags
	cmd := &cobra.Command{
		Use:   "bin",
		Short: "Build the NFS stack for the target kernel and package it into dist/",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := runPipeline(cmd.Context(), f)
			if f.json && b != nil {
				if perr := cli.PrintJSON(cmd.OutOrStdout(), b.report(err)); perr != nil && err == nil {
					err = perr
				}
			}
			return err
		},
	}
	fl := cmd.Flags()
	f.target.register(fl)
	fl.StringVar(&f.source, "source", "", "kernel source tarball to import the upstream NFS code from (default: /usr/src/linux-source-<series>.tar.xz, else apt-get download)")
	fl.BoolVar(&f.strictUpstream, "strict-upstream", false, "fail when the source tarball's NFS code is not the tree's pinned upstream (default: warn)")
	fl.StringVar(&f.tree, "tree", "", "force a source tree (main|legacy) instead of choosing by kernel version")
	fl.BoolVar(&f.withoutRDMA, "without-rpcrdma", false, "do not build RDMA support (rpcrdma)")
	fl.StringVar(&f.signKey, "sign-key", "", "private key to sign modules with (default $MODULE_SIGN_PRIV_KEY; encrypted keys read $KBUILD_SIGN_PIN)")
	fl.StringVar(&f.signCert, "sign-cert", "", "certificate of the signing key (default $MODULE_SIGN_PUB_KEY)")
	f.pkg.register(fl)
	fl.StringVar(&f.buildroot, "buildroot", "auto", "where kbuild runs: auto (a chroot of the target's Debian release when the host cannot build it), host, or a suite name")
	fl.IntVarP(&f.jobs, "jobs", "j", numCPU(), "parallel make jobs")
	fl.BoolVar(&f.noInstall, "no-install", false, "never install missing host tools with apt-get: fail with the command that would")
	fl.BoolVar(&f.json, "json", false, "print one JSON object with the build's results on stdout at the end (logs stay on stderr)")
	rootCmd.AddCommand(cmd)
}

// runBin runs the pipeline for these flags and returns what the finish
// stage staged.
func runBin(ctx context.Context, f binFlags) (*finish.Result, error) {
	b, err := runPipeline(ctx, f)
	if err != nil {
		return nil, err
	}
	return b.staged, nil
}

// runPipeline runs the pipeline (binPipeline, pipeline.go) for these flags
// and returns the build with every stage's result so far; nil when it
// could not start (no repository, no VERSION).
func runPipeline(ctx context.Context, f binFlags) (*build, error) {
	top, err := paths.Top()
	if err != nil {
		return nil, err
	}
	version, err := readVersion(top)
	if err != nil {
		return nil, err
	}
	b := &build{f: f, top: top, version: version}
	for _, s := range binPipeline {
		if err := s.do(ctx, b); err != nil {
			return b, err
		}
	}
	return b, nil
}

// readVersion reads the VERSION file, which names packages and modules.
func readVersion(top string) (string, error) {
	data, err := os.ReadFile(filepath.Join(top, "VERSION"))
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(data))
	return v, checkVersion(v)
}

// gitDescribe names the commit this tree was built from, or "unknown"
// (source releases have no .git).
func gitDescribe(ctx context.Context, top string) string {
	out, err := run.Output(ctx, "git", "-C", top, "describe", "--always", "--dirty", "--tags")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func numCPU() int { return runtime.NumCPU() }

// usageArgs makes an argument check's failure a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error { return cli.Usage(check(cmd, args)) }
}
