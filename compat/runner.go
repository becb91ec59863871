// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

import (
	"context"
	"os"
	"os/exec"
)

// Runner executes the compiler and make. The host runs them directly;
// buildroot.Runner runs them inside a build root. Paths under Options.OutDir
// must be the same inside and outside (bind them).
type Runner interface {
	Command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd
	// HostPath maps a path as the commands see it to the host.
	HostPath(path string) string
}

// Host runs commands on the host.
type Host struct{}

// Command implements Runner.
func (Host) Command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// HostPath implements Runner.
func (Host) HostPath(p string) string { return p }

// String names the runner in logs.
func (Host) String() string { return "host" }
