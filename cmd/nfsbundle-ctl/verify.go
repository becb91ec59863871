// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/ctl"
)

func init() {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that every loaded NFS module is the installed one (srcversion)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
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
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	rootCmd.AddCommand(cmd)
}
