// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/ctl"
)

func init() {
	var asJSON, initramfs bool
	var iopts ctl.InitramfsOptions
	cmd := &cobra.Command{
		Use:   "verify [--initramfs [--kernel KVER | --image PATH]]",
		Short: "Check that every loaded NFS module is the installed one (srcversion); --initramfs: the modules in the initramfs",
		Long: `verify compares the srcversion of each loaded NFS module with the installed
file's and exits non-zero on a mismatch.

With --initramfs it lists the NFS modules inside the initramfs of the running
kernel (or of --kernel, or the image --image) and compares each with the
installed file and the loaded module. It exits non-zero when the image still
carries the inbox stack or another build, and prints the command that
regenerates it. The image is read with lsinitramfs (initramfs-tools) or
lsinitrd (dracut), or without them by the built-in reader (--reader).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if initramfs {
				return runVerifyInitramfs(cmd, iopts, asJSON)
			}
			if iopts.Kernel != "" || iopts.Image != "" || cmd.Flags().Changed("reader") {
				return &cli.ExitError{Code: 2, Err: errors.New("--kernel, --image and --reader go with --initramfs")}
			}
			cs, err := ctl.Verify(sysRoot())
			if err != nil {
				return err
			}
			if asJSON {
				if err := cli.PrintJSON(cmd.OutOrStdout(), cs); err != nil {
					return err
				}
			} else {
				ctl.PrintVerify(cmd.OutOrStdout(), cs)
			}
			if ctl.VerifyFailed(cs) {
				return &cli.ExitError{Code: 1, Err: errors.New(ctl.VerifyHint)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	f.BoolVar(&initramfs, "initramfs", false, "check the NFS modules inside the initramfs instead")
	f.StringVar(&iopts.Kernel, "kernel", "", "with --initramfs: the kernel release whose image to check (default: the running one)")
	f.StringVar(&iopts.Image, "image", "", "with --initramfs: the image file to check")
	f.StringVar(&iopts.Reader, "reader", ctl.ReaderAuto, "with --initramfs: "+strings.Join(ctl.InitramfsReaders, ", "))
	cmd.MarkFlagsMutuallyExclusive("kernel", "image")
	rootCmd.AddCommand(cmd)
}

func runVerifyInitramfs(cmd *cobra.Command, o ctl.InitramfsOptions, asJSON bool) error {
	rep, err := ctl.VerifyInitramfs(cmd.Context(), sysRoot(), ctl.SystemExec, o)
	if err != nil {
		return err
	}
	if rep.Note != "" {
		fmt.Fprintf(os.Stderr, "nfsbundle-ctl: note: %s\n", rep.Note)
	}
	if asJSON {
		if err := cli.PrintJSON(cmd.OutOrStdout(), rep); err != nil {
			return err
		}
	} else {
		rep.Print(cmd.OutOrStdout())
	}
	if err := rep.Problem(); err != nil {
		return &cli.ExitError{Code: 1, Err: err}
	}
	return nil
}
