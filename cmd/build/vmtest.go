// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/vmtest"
)

var vmtestFlags struct {
	kernel    string
	finish    string
	stock     bool
	stockMods []string
	scenarios []string
	timeout   time.Duration
	accel     string
	console   bool
	noPVH     bool
	appendArg []string
	sig       bool
	ctl       bool
	run       string
	with      []string
	runTime   time.Duration
}

var vmtestCmd = &cobra.Command{
	Use:   "vmtest",
	Short: "Boot the target kernel in qemu, load the staged modules, mount NFS and do IO",
	Long: `vmtest proves a build on the kernel it targets: the distribution's kernel
image boots under qemu (TCG unless real KVM works), our staged modules replace
the kernel's NFS stack, and the guest runs named checks: version, srcversion,
modules-ours, nfs3-gonfs, nconnect, mountstats-id, nfsd-v4.1, nfsd-v4.2,
nfsd-v4-lock, nfsd-v3, nfsd-v3-nlm-lock. It exits non-zero naming the failed
checks; the console log and report.json land in build/<kver>/vmtest/.

--stock loads the kernel's own modules instead of ours: the version checks must
then fail (this proves the harness can tell).`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, args []string) error {
		top, err := paths.Top()
		if err != nil {
			return err
		}
		kver := vmtestFlags.kernel
		if kver != "" {
			if err := detect.CheckRelease(kver); err != nil {
				return fmt.Errorf("--kernel: %w", err)
			}
		}
		if kver == "" && vmtestFlags.finish == "" {
			kver, err = onlyStagedKernel(top)
			if err != nil {
				return err
			}
		}
		o := vmtest.Options{
			Top: top, KVer: kver, FinishJSON: vmtestFlags.finish, Stock: vmtestFlags.stock,
			StockModules: vmtestFlags.stockMods, Scenarios: vmtestFlags.scenarios,
			Timeout: vmtestFlags.timeout, Accel: vmtest.AccelChoice(vmtestFlags.accel, environ.vmAccel), Guest: environ.vmGuest,
			Cache: rootFlags.cacheDir, NoCache: rootFlags.noCache,
			NoPVH: vmtestFlags.noPVH, KernelArgs: vmtestFlags.appendArg,
			SourceDateEpoch: pkg.ParseSourceDateEpoch(environ.sourceDateEpoch),
		}
		if vmtestFlags.console {
			o.Console = cmd.ErrOrStderr()
		}
		if vmtestFlags.sig {
			if o.FinishJSON == "" {
				o.FinishJSON = finish.ManifestPath(paths.BuildDir(top, kver))
			}
			fin, err := vmtest.LoadManifest(o.FinishJSON)
			if err != nil {
				return err
			}
			if o.KVer == "" {
				o.KVer = fin.KVer
			}
			o.OutDir = filepath.Join(paths.BuildDir(top, fin.KVer), "vmtest", "sig-enforce")
			if o, err = vmtest.SigEnforceOptions(cmd.Context(), o, fin); err != nil {
				return err
			}
		}
		if vmtestFlags.ctl {
			// The packaged nfsbundle-ctl against a guest booted with the stock stack.
			ctl := filepath.Join(top, "bin", "nfsbundle-ctl")
			if err := vmtest.BuildCtl(cmd.Context(), top, ctl); err != nil {
				return err
			}
			o = vmtest.CtlOptions(o, ctl)
			if kver != "" {
				o.OutDir = filepath.Join(paths.BuildDir(top, kver), "vmtest", "ctl")
			}
		}
		if vmtestFlags.run != "" {
			if o, err = vmtest.RunScriptOptions(o, vmtestFlags.run, vmtestFlags.with, vmtestFlags.runTime); err != nil {
				return err
			}
		} else if len(vmtestFlags.with) > 0 {
			return errors.New("--with needs --run SCRIPT")
		}
		rep, err := vmtest.Run(cmd.Context(), o)
		if rep != nil && vmtestFlags.run != "" {
			return scriptResult(cmd, rep, err)
		}
		if rep != nil {
			rep.Summary(cmd.OutOrStdout())
		}
		var fe *vmtest.FailedError
		if errors.As(err, &fe) {
			return &cli.ExitError{Code: 1, Err: err}
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), "vmtest: PASS")
		return nil
	},
}

// scriptResult prints the script's output on stdout and the VM summary on
// stderr, and exits with the script's status (1 when the VM failed first).
func scriptResult(cmd *cobra.Command, rep *vmtest.Report, err error) error {
	out := rep.Output(vmtest.CheckRun)
	if out != nil {
		io.WriteString(cmd.OutOrStdout(), out.Output)
	}
	rep.Summary(cmd.ErrOrStderr())
	switch {
	case out != nil && out.Exit == 0 && err == nil:
		return nil
	case out != nil && out.Exit > 0:
		return &cli.ExitError{Code: out.Exit, Err: fmt.Errorf("vmtest --run: the script exited %d", out.Exit)}
	case err != nil:
		return &cli.ExitError{Code: 1, Err: err}
	}
	return &cli.ExitError{Code: 1, Err: errors.New("vmtest --run: the script did not run to an exit (see the summary)")}
}

// onlyStagedKernel picks the kernel when exactly one build/<kver>/finish.json exists.
func onlyStagedKernel(top string) (string, error) {
	m, _ := filepath.Glob(filepath.Join(top, "build", "*", "finish.json"))
	switch len(m) {
	case 1:
		return filepath.Base(filepath.Dir(m[0])), nil
	case 0:
		return "", errors.New("no staged build (build/<kver>/finish.json): run ./build.sh bin first, or give --kernel KVER (with --stock to test the kernel's own modules)")
	}
	return "", fmt.Errorf("%d staged builds under build/: choose one with --kernel KVER", len(m))
}

func init() {
	f := vmtestCmd.Flags()
	f.StringVar(&vmtestFlags.kernel, "kernel", "", "target kernel release (default: the only staged build)")
	f.StringVar(&vmtestFlags.finish, "finish", "", "staged build manifest (default build/<kver>/finish.json)")
	f.BoolVar(&vmtestFlags.stock, "stock", false, "load the kernel's own NFS modules instead of ours (the version checks must fail)")
	f.StringSliceVar(&vmtestFlags.stockMods, "stock-module", nil, "load the kernel's own copy of this module instead of ours (repeatable)")
	f.StringSliceVar(&vmtestFlags.scenarios, "scenario", nil, "run only these scenarios: gonfs, nfsd-v4, nfsd-v3 (default all)")
	f.DurationVar(&vmtestFlags.timeout, "timeout", 170*time.Second, "limit for the whole run")
	f.StringVar(&vmtestFlags.accel, "accel", "auto", "qemu accelerator: auto, tcg or kvm")
	f.BoolVar(&vmtestFlags.console, "console", false, "stream the guest console to stderr")
	f.BoolVar(&vmtestFlags.noPVH, "no-pvh", false, "boot the compressed bzImage instead of the extracted vmlinux")
	f.StringArrayVar(&vmtestFlags.appendArg, "append", nil, "extra kernel command line argument (repeatable)")
	f.BoolVar(&vmtestFlags.ctl, "ctl", false, "boot the kernel's own NFS stack and check nfsbundle-ctl in the guest: status, verify, reload (refused while busy, then to ours), mountstats, trace")
	f.BoolVar(&vmtestFlags.sig, "sig-enforce", false, "boot with module.sig_enforce=1 and check the kernel refuses our modules (unsigned, or signed by a key it does not trust)")
	f.StringVar(&vmtestFlags.run, "run", "", "run this shell script in the guest (after the scenarios; default none) with NFS mounts at $VMTEST_NFS_MOUNT (NFSv3, go-nfs) and $VMTEST_NFSD_MOUNT (NFSv4.2, kernel nfsd); exit with its status")
	f.StringArrayVar(&vmtestFlags.with, "with", nil, "copy this file next to the --run script ($VMTEST_RUN_DIR) (repeatable)")
	f.DurationVar(&vmtestFlags.runTime, "run-timeout", 10*time.Minute, "limit for the --run script")
	rootCmd.AddCommand(vmtestCmd)
}
