// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/ctl"
)

func init() {
	var asJSON, exposeID bool
	cmd := &cobra.Command{
		Use:   "mountstats",
		Short: "Show each NFS mount's options and transports (protocol, local -> remote, state)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if exposeID {
				if err := ctl.RequireRoot("mountstats --expose-id"); err != nil {
					return err
				}
			}
			ms, notes, err := ctl.GetMountstats(sysRoot(), ctl.MountstatsOptions{ExposeID: exposeID})
			if err != nil {
				return err
			}
			for _, n := range notes {
				fmt.Fprintf(os.Stderr, "note: %s\n", n)
			}
			if asJSON {
				if ms == nil {
					ms = []ctl.NFSMountStats{}
				}
				return cli.PrintJSON(cmd.OutOrStdout(), ms)
			}
			ctl.PrintMountstats(cmd.OutOrStdout(), ms)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().BoolVar(&exposeID, "expose-id", false, "turn sunrpc expose_id_in_mountstats on first (root)")
	rootCmd.AddCommand(cmd)
}
