// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package run executes external programs with argument lists (never through
// a shell) and reports failures with the command and its output tail.
package run

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/sirupsen/logrus"
)

// Output runs name with args and returns stdout. On failure the error names
// the command and carries the last lines of stderr.
func Output(ctx context.Context, name string, args ...string) ([]byte, error) {
	return OutputIn(ctx, "", nil, name, args...)
}

// OutputIn is Output with a working directory and extra environment.
func OutputIn(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	logrus.Debugf("exec: %s %s", name, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &Error{Cmd: name, Args: args, Err: err, Stderr: Tail(stderr.String(), 10)}
	}
	return stdout.Bytes(), nil
}

// Error is a failed command with the tail of what it printed.
type Error struct {
	Cmd    string
	Args   []string
	Err    error
	Stderr string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s %s: %v", e.Cmd, strings.Join(e.Args, " "), e.Err)
	if e.Stderr != "" {
		msg += "\n" + e.Stderr
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Tail returns the last n non-empty lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
