// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/internal/cli"
)

func init() { rootCmd.AddCommand(newDetectCmd()) }

// newDetectCmd is `detect`: print the detect stage's facts.
func newDetectCmd() *cobra.Command {
	var tf targetFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "detect",
		Short: "Print what was detected about the host and the target kernel",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := detectTarget(cmd.Context(), tf)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return cli.PrintJSON(out, t)
			}
			for _, l := range t.Facts() {
				fmt.Fprintln(out, l)
			}
			return nil
		},
	}
	tf.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
