// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/dkms"
)

var dkmsBuildFlags dkms.TargetOptions

// dkmsBuildCmd is what the DKMS package's MAKE line runs on the target
// (the package ships this driver): probe the kernel, then build for it.
var dkmsBuildCmd = &cobra.Command{
	Use:   "dkms-build --kdir DIR --kver KVER --src DIR",
	Short: "Build an nfsbundle DKMS tree for one kernel (run by DKMS on the target)",
	Long: `Run by the MAKE line of the dkms.conf in nfsbundle-dkms packages: checks that
the kernel is in the range of the packaged tree, probes its API (the compat
stage) and writes the tree's compat header from the results, then builds every
module with make and the kernel's CONFIG_ values. One DKMS package so serves
every kernel of its tree's range.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, args []string) error {
		o := dkmsBuildFlags
		o.Log = cmd.OutOrStdout() // dkms keeps our output in make.log
		_, err := dkms.BuildOnTarget(cmd.Context(), o)
		return err
	},
}

func init() {
	f := dkmsBuildCmd.Flags()
	f.StringVar(&dkmsBuildFlags.KDir, "kdir", "", "the kernel's build directory (dkms: ${kernel_source_dir})")
	f.StringVar(&dkmsBuildFlags.KVer, "kver", "", "the kernel release (dkms: ${kernelver}; default: the headers')")
	f.StringVar(&dkmsBuildFlags.Src, "src", "", "the DKMS build directory holding the packaged tree")
	f.IntVarP(&dkmsBuildFlags.Jobs, "jobs", "j", 0, "parallel compiles (default: number of CPUs)")
	_ = dkmsBuildCmd.MarkFlagRequired("kdir")
	_ = dkmsBuildCmd.MarkFlagRequired("src")
	rootCmd.AddCommand(dkmsBuildCmd)
}
