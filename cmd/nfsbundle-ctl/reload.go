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
	var force, dryRun bool
	cmd := &cobra.Command{
		Use:   "reload",
		Short: "Swap the loaded NFS stack for the installed one without a reboot",
		Long: `reload stops the services holding the NFS stack, unmounts NFS file systems
(refusing when one is busy unless --force), unmounts rpc_pipefs, unloads the
stack in reverse dependency order, loads the installed one with modprobe,
remounts rpc_pipefs and restarts the services. NFS file systems are not
remounted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !dryRun {
				if err := ctl.RequireRoot("reload"); err != nil {
					return err
				}
			}
			r := sysRoot()
			in, err := ctl.GatherReloadInput(cmd.Context(), r, ctl.SystemExec, force)
			if err != nil {
				return err
			}
			steps, err := ctl.PlanReload(in)
			if err != nil {
				var be *ctl.BusyError
				if errors.As(err, &be) {
					for _, u := range be.Users {
						fmt.Fprintf(os.Stderr, "nfsbundle-ctl: busy: %s: pid %d (%s) uses %s\n", u.Mount, u.PID, u.Comm, u.Path)
					}
					return errors.New("NFS mounts are busy, nothing was changed: stop the processes above or use --force")
				}
				return err
			}
			if len(in.Busy) > 0 {
				fmt.Fprintf(os.Stderr, "nfsbundle-ctl: --force: unmounting %d busy use(s) of NFS mounts\n", len(in.Busy))
			}
			if dryRun {
				for _, s := range steps {
					fmt.Fprintf(cmd.OutOrStdout(), "nfsbundle-ctl: %s: %s\n", s.Message(), strings.Join(s.Argv, " "))
				}
				return nil
			}
			res := ctl.RunReload(cmd.Context(), ctl.SystemExec, steps, cmd.OutOrStdout())
			if res.Failed != nil {
				for _, l := range res.StateReport() {
					fmt.Fprintf(os.Stderr, "nfsbundle-ctl: %s\n", l)
				}
				return &cli.ExitError{Code: 1}
			}
			st, _ := ctl.GetStatus(cmd.Context(), r, nil)
			if st != nil && st.Stack != ctl.StackOurs {
				return fmt.Errorf("reload finished but the loaded stack is %s, not nfsbundle: is the package installed for kernel %s? (nfsbundle-ctl status)", st.Stack, st.Kernel)
			}
			if st != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "nfsbundle-ctl: loaded nfsbundle %s\n", st.Version)
			}
			var unmounted []string
			for _, s := range steps {
				if s.Kind == ctl.StepUmountNFS {
					unmounted = append(unmounted, s.Target)
				}
			}
			if len(unmounted) > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "nfsbundle-ctl: NFS file systems were unmounted, mount them again: %s\n", strings.Join(unmounted, " "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "unmount NFS file systems even when processes use them")
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "print the steps without running them")
	rootCmd.AddCommand(cmd)
}
