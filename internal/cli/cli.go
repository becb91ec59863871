// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package cli holds what both command-line programs (build.sh's driver and
// nfsbundle-ctl) share: an error that carries the exit status and the one
// table of exit statuses (exit.go), the checks of command-line paths
// before they are used or printed (input.go), the JSON printer behind
// their --json flags, and the one duration format of their output (which
// the stages' progress lines use too).
package cli

import (
	"encoding/json"
	"errors"
	"io"
)

// ExitError lets a subcommand choose its exit status. Err may be nil when
// the command already printed everything: the message is then empty.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode is the exit status for err: 0 without an error, the code of an
// ExitError in its chain, else 1.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

// PrintJSON writes v to w indented by two spaces, with a trailing newline.
func PrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
