// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Command build is the nfsbundle build driver: ./build.sh runs it with the
// user's arguments. Each subcommand lives in its own file and registers
// itself on rootCmd from an init function; this file holds only the root.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
)

var rootFlags struct {
	verbose  bool
	cacheDir string
	noCache  bool
}

var rootCmd = &cobra.Command{
	Use:           "build.sh",
	Short:         "Build the nfsbundle NFS stack as out-of-tree kernel modules and packages",
	SilenceUsage:  true,
	SilenceErrors: true,
	PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
		setupLogging(rootFlags.verbose)
		if rootFlags.cacheDir != "" {
			return os.Setenv(paths.CacheEnv, rootFlags.cacheDir)
		}
		return nil
	},
}

func init() {
	pf := rootCmd.PersistentFlags()
	pf.BoolVarP(&rootFlags.verbose, "verbose", "v", false, "log debug details")
	pf.StringVar(&rootFlags.cacheDir, "cache-dir", "", "cache root (default $"+paths.CacheEnv+" or ~/.cache/nfsbundle)")
	pf.BoolVar(&rootFlags.noCache, "no-cache", false, "ignore cached results and recompute them")
}

func setupLogging(verbose bool) {
	logrus.SetOutput(os.Stderr)
	logrus.SetFormatter(lineFormatter{})
	if verbose {
		logrus.SetLevel(logrus.DebugLevel)
	}
}

// lineFormatter prints "[level] message" lines: logs are read by people and CI.
type lineFormatter struct{}

func (lineFormatter) Format(e *logrus.Entry) ([]byte, error) {
	prefix := ""
	if e.Level != logrus.InfoLevel {
		prefix = "[" + e.Level.String() + "] "
	}
	return []byte(prefix + e.Message + "\n"), nil
}

func main() {
	// Ctrl-C cancels the running stage; outputs are atomic, so nothing
	// half-written is left behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rootCmd.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(cli.ExitCode(err))
	}
}
