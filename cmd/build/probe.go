// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/compat"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
)

var probeFlags struct {
	kernel    string
	kdir      string
	json      bool
	isolated  bool
	direct    bool
	buildroot string
	jobs      int
	out       string
}

var probeCmd = &cobra.Command{
	Use:   "probe",
	Short: "Probe the target kernel's API (compat stage) and write build/<kver>/compat/autoconf.h",
	Long: `Compiles the compat probes (compat/probes/*.c) against the target kernel's
headers with the kernel's own compiler flags, batched and cached, and writes
build/<kver>/compat/autoconf.h and compat.mk.

--buildroot auto builds a kernel of another Debian release (5.10: bullseye,
6.12: trixie) inside a debootstrap root of that release, created once and
cached; host uses the host's compiler. With a build root, --kdir is a path
inside the root.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		start := time.Now()
		env, err := buildroot.Resolve(ctx, buildroot.Options{Mode: probeFlags.buildroot, KVer: probeFlags.kernel, KDir: probeFlags.kdir, CacheDir: rootFlags.cacheDir})
		if err != nil {
			return err
		}
		if s := env.Summary(); s != "" {
			logStage("buildroot", s, start)
		}
		logrus.Infof("probe: %s in %s, KDIR %s", env.KVer, env.Why, env.KDir)
		out := probeFlags.out
		if out == "" {
			top, err := paths.Top()
			if err != nil {
				return err
			}
			out = filepath.Join(paths.BuildDir(top, env.KVer), "compat")
		}
		if out, err = filepath.Abs(out); err != nil {
			return err
		}
		opts := compat.Options{KDir: env.KDir, KVer: env.KVer, OutDir: out, Jobs: probeFlags.jobs,
			NoCache: rootFlags.noCache, CacheDir: rootFlags.cacheDir, Isolated: probeFlags.isolated, Direct: probeFlags.direct,
			CompileOut: true} // what the main tree would lose: it is the tree that reads the probes
		if env.Runner != nil {
			opts.Exec = env.Runner.With(out)
		}
		res, err := compat.Run(ctx, opts)
		if err != nil {
			return err
		}
		if probeFlags.json {
			return cli.PrintJSON(cmd.OutOrStdout(), struct {
				*compat.Result
				Suite string `json:"buildroot,omitempty"`
				KDir  string `json:"kdir"`
			}{res, env.Suite, env.KDir})
		}
		printProbes(cmd.OutOrStdout(), env, res)
		return nil
	},
}

// printProbes is probe's text output: one line per probe, then the files.
func printProbes(w io.Writer, env *buildroot.Env, res *compat.Result) {
	fmt.Fprintf(w, "compat probes for %s (%s; %s, %s): %d of %d available\n",
		env.KVer, env.Why, res.Mode, cli.Seconds(res.Duration), res.Available(), len(res.Probes))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range res.Probes {
		v := "no"
		if p.Value {
			v = "yes"
		}
		what := p.Kind
		if p.Arg != "" {
			what += " " + p.Arg
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s (%s)\n", p.Define, v, p.Name, what)
	}
	tw.Flush()
	fmt.Fprintf(w, "wrote %s and %s\n", res.Header, res.MakeVars)
}

func init() {
	f := probeCmd.Flags()
	f.StringVar(&probeFlags.kernel, "kernel", "", "target kernel release (default: from --kdir, else the newest installed headers)")
	f.StringVar(&probeFlags.kdir, "kdir", "", "kernel build directory (make -C); inside the root with a build root")
	f.BoolVar(&probeFlags.json, "json", false, "print the results as JSON")
	f.BoolVar(&probeFlags.isolated, "isolated", false, "compile every probe on its own with Kbuild (slow; the oracle for the batched mode)")
	f.BoolVar(&probeFlags.direct, "direct", false, "compile every probe on its own with Kbuild's compiler flags (for measurements)")
	_ = f.MarkHidden("direct")
	f.StringVar(&probeFlags.buildroot, "buildroot", "auto", "where to compile: auto, host, or a Debian suite (bullseye, bookworm, trixie, sid)")
	f.IntVarP(&probeFlags.jobs, "jobs", "j", 0, "parallel compiles (default: number of CPUs)")
	f.StringVar(&probeFlags.out, "out", "", "output directory (default build/<kver>/compat)")
	rootCmd.AddCommand(probeCmd)
}
