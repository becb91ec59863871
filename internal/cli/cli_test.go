// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestExitCode(t *testing.T) {
	inner := errors.New("boom")
	wrapped := fmt.Errorf("run: %w", &ExitError{Code: 3, Err: inner})
	if ExitCode(nil) != 0 || ExitCode(inner) != 1 || ExitCode(wrapped) != 3 || !errors.Is(wrapped, inner) {
		t.Error("ExitCode")
	}
	if msg := (&ExitError{Code: 1}).Error(); msg != "" {
		t.Errorf("no Err: message %q, want empty", msg)
	}
}

func TestPrintJSON(t *testing.T) {
	var b bytes.Buffer
	if err := PrintJSON(&b, map[string]int{"a": 1}); err != nil || b.String() != "{\n  \"a\": 1\n}\n" {
		t.Errorf("got %q, %v", b.String(), err)
	}
}

func TestSeconds(t *testing.T) {
	if got := Seconds(12345 * time.Millisecond); got != "12.3s" {
		t.Errorf("Seconds = %q", got)
	}
}
