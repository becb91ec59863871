// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package hosttools

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"
)

// Options say how missing tools may be dealt with.
type Options struct {
	// Look finds a tool the way the stages will: Look.
	Look func(string) (string, error)
	// NoInstall is the reason installing is not allowed ("--no-install",
	// "not root", "not a Debian or Ubuntu host"); "" allows apt-get.
	NoInstall string
	// Log receives apt-get's output: it is for debugging, not the terminal.
	Log string
	// Command makes the apt-get process; nil runs it on the host.
	Command func(ctx context.Context, name string, args ...string) *exec.Cmd
}

// Ensure checks that every tool is on PATH. When some are missing and
// installing is allowed it installs their packages with apt-get, logging
// one line that names them, and returns the packages installed. Otherwise,
// or when a tool is still missing afterwards, it returns a *MissingError.
func Ensure(ctx context.Context, tools []Tool, o Options) ([]string, error) {
	missing := Missing(tools, o.Look)
	if len(missing) == 0 {
		return nil, nil
	}
	pkgs, unknown := Packages(missing)
	if o.NoInstall != "" || len(pkgs) == 0 {
		return nil, &MissingError{Tools: missing, Packages: pkgs, Unknown: unknown, Why: o.NoInstall}
	}
	logrus.Infof("preflight: installing %s with apt-get (apt's output: %s)", strings.Join(pkgs, " "), o.Log)
	if err := aptInstall(ctx, o, pkgs); err != nil {
		return nil, err
	}
	if still := Missing(tools, o.Look); len(still) > 0 {
		p, u := Packages(still)
		return pkgs, &MissingError{Tools: still, Packages: p, Unknown: u, Why: "still missing after apt-get install"}
	}
	return pkgs, nil
}

// aptInstall installs pkgs non-interactively, output to o.Log. A fresh
// image often has no package lists yet: when the first attempt fails,
// apt-get update runs and the install is tried once more.
func aptInstall(ctx context.Context, o Options, pkgs []string) error {
	if err := os.MkdirAll(filepath.Dir(o.Log), 0o755); err != nil {
		return err
	}
	log, err := os.OpenFile(o.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	install := append([]string{"install", "-y", "-q", "--no-install-recommends"}, pkgs...)
	if err := apt(ctx, o, log, install...); err == nil {
		return nil
	}
	if err := apt(ctx, o, log, "update", "-q"); err != nil {
		return fmt.Errorf("apt-get update failed (%v): see %s", err, o.Log)
	}
	if err := apt(ctx, o, log, install...); err != nil {
		return fmt.Errorf("apt-get install %s failed (%v): see %s", strings.Join(pkgs, " "), err, o.Log)
	}
	return nil
}

func apt(ctx context.Context, o Options, log *os.File, args ...string) error {
	var cmd *exec.Cmd
	if o.Command != nil {
		cmd = o.Command(ctx, "apt-get", args...)
	} else {
		cmd = exec.CommandContext(ctx, "apt-get", args...)
	}
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout, cmd.Stderr = log, log
	fmt.Fprintf(log, "# apt-get %s\n", strings.Join(args, " "))
	logrus.Debugf("exec: apt-get %s", strings.Join(args, " "))
	return cmd.Run()
}
