// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Command nfsbundle-ctl is the runtime helper installed with the nfsbundle
// packages as /usr/sbin/nfsbundle-ctl: status, verify, reload, mountstats
// and trace. The logic lives in internal/ctl; this is CLI wiring only.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/ctl"
)

var rootFlags struct {
	sysRoot, procRoot, modulesRoot, runRoot, bootRoot, release string
}

var rootCmd = &cobra.Command{
	Use:           "nfsbundle-ctl",
	Short:         "Inspect, verify, reload and trace the nfsbundle NFS stack on this system",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func init() {
	pf := rootCmd.PersistentFlags()
	pf.StringVar(&rootFlags.sysRoot, "sys-root", "/sys", "sysfs location (for tests)")
	pf.StringVar(&rootFlags.procRoot, "proc-root", "/proc", "procfs location (for tests)")
	pf.StringVar(&rootFlags.modulesRoot, "modules-root", "/lib/modules", "module tree location (for tests)")
	pf.StringVar(&rootFlags.runRoot, "run-root", "/run", "/run location (for tests)")
	pf.StringVar(&rootFlags.bootRoot, "boot-root", "/boot", "/boot location (for tests)")
	pf.StringVar(&rootFlags.release, "kernel-release", "", "kernel release (default: the running one)")
	for _, f := range []string{"sys-root", "proc-root", "modules-root", "run-root", "boot-root", "kernel-release"} {
		_ = pf.MarkHidden(f)
	}
}

// sysRoot is the Root the flags select.
func sysRoot() ctl.Root {
	return ctl.Root{SysRoot: rootFlags.sysRoot, ProcRoot: rootFlags.procRoot, ModulesRoot: rootFlags.modulesRoot,
		RunRoot: rootFlags.runRoot, BootRoot: rootFlags.bootRoot, KernelRelease: rootFlags.release}
}

// isSystemRoot: the flags point at the real system (mounting is allowed).
func isSystemRoot() bool { return rootFlags.sysRoot == "/sys" }

// signalContext ends on SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func main() {
	// A closed stdout (`| head`) must give EPIPE, not kill us before
	// trace buffers are cleaned up.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	err := rootCmd.Execute()
	if err == nil {
		return
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(os.Stderr, "nfsbundle-ctl: %s\n", msg)
	}
	os.Exit(cli.ExitCode(err))
}
