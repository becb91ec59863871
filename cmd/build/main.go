// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Command build is the nfsbundle build driver: ./build.sh runs it with the
// user's arguments. Each subcommand lives in its own file and registers
// itself on rootCmd from an init function; this file holds only the root.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/conformance"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/pkg/rpm"
	"github.com/nfsbundle/nfsbundle/sign"
	"github.com/nfsbundle/nfsbundle/vmtest"
)

var rootFlags struct {
	verbose  bool
	cacheDir string // --cache-dir; once the command runs, the cache root in effect
	noCache  bool
}

// environ is the configuration the process environment gives, read once
// before any subcommand runs and passed down in Options fields: no stage
// reads the environment itself.
var environ struct {
	sourceDateEpoch string   // $SOURCE_DATE_EPOCH
	cc              string   // $CC
	kver            string   // $KVER
	idOverride      string   // $ID_OVERRIDE
	sign            sign.Env // $MODULE_SIGN_PRIV_KEY, $MODULE_SIGN_PUB_KEY, $KBUILD_SIGN_PIN
	vmAccel         string   // $NFSBUNDLE_VM_ACCEL
	vmGuest         string   // $NFSBUNDLE_VM_GUEST
	pynfs           string   // $NFSBUNDLE_PYNFS
	rpmSignKey      string   // $NFSBUNDLE_RPM_SIGN_KEY
}

func readEnviron() {
	environ.sourceDateEpoch = os.Getenv("SOURCE_DATE_EPOCH")
	environ.cc = os.Getenv("CC")
	environ.kver = os.Getenv("KVER")
	environ.idOverride = os.Getenv(detect.IDOverrideEnv)
	environ.sign = sign.Env{Key: os.Getenv(sign.EnvPrivKey), Cert: os.Getenv(sign.EnvPubKey), PIN: os.Getenv(sign.EnvPIN)}
	environ.vmAccel = os.Getenv(vmtest.AccelEnv)
	environ.vmGuest = os.Getenv(vmtest.GuestEnv)
	environ.pynfs = os.Getenv(conformance.PynfsEnv)
	environ.rpmSignKey = os.Getenv(rpm.SignKeyEnv)
}

var rootCmd = &cobra.Command{
	Use:           "build.sh",
	Short:         "Build the nfsbundle NFS stack as out-of-tree kernel modules and packages",
	SilenceUsage:  true,
	SilenceErrors: true,
	PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
		setupLogging(rootFlags.verbose)
		readEnviron()
		if rootFlags.cacheDir == "" {
			rootFlags.cacheDir = paths.Cache() // $NFSBUNDLE_CACHE, else ~/.cache/nfsbundle
		}
		return nil
	},
}

func init() {
	// A flag that does not parse is a usage error, for every subcommand.
	rootCmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.Usage(err) })
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

func main() { os.Exit(runMain()) }

// runMain runs the command line of the process and returns its exit
// status. Ctrl-C (or SIGTERM) cancels the running stage; outputs are
// atomic, so nothing half-written is left behind.
func runMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return execute(ctx, os.Stderr)
}

// execute runs the command line and returns its exit status (cli.ExitCodes),
// printing the error, if any, to stderr.
func execute(ctx context.Context, stderr io.Writer) int {
	err := rootCmd.ExecuteContext(ctx)
	if err == nil {
		return cli.ExitOK
	}
	code := cli.ExitCode(err)
	switch {
	case ctx.Err() != nil:
		code = cli.ExitInterrupted // whatever the command made of the cancellation
	case code == cli.ExitFailure && strings.HasPrefix(err.Error(), "unknown command"):
		code = cli.ExitUsage // cobra's own error for a mistyped subcommand
	}
	fmt.Fprintf(stderr, "error: %v\n", err)
	return code
}
