// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

func TestWithCode(t *testing.T) {
	base := errors.New("x")
	if WithCode(ExitCompile, nil) != nil {
		t.Error("nil error got a code")
	}
	inner := WithCode(ExitSigningKey, base)
	if ExitCode(WithCode(ExitCompile, fmt.Errorf("stage: %w", inner))) != ExitSigningKey {
		t.Error("the inner code must win")
	}
	if ExitCode(Usage(base)) != ExitUsage || !errors.Is(Usage(base), base) {
		t.Error("Usage")
	}
	seen := map[int]bool{}
	for _, c := range ExitCodes {
		if seen[c.Code] || c.Meaning == "" {
			t.Errorf("exit code %d listed twice or without a meaning", c.Code)
		}
		seen[c.Code] = true
	}
}

func TestCheckPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		p              string
		exist, wantDir bool
		ok             bool
	}{
		{dir, true, true, true}, {file, true, false, true}, {file, true, true, false}, {dir, true, false, false},
		{filepath.Join(dir, "nope"), true, false, false}, {filepath.Join(dir, "nope"), false, false, true},
		{"", false, false, false}, {"/x\n[info] forged", false, false, false}, {"/x\x1b[2J", false, false, false},
		{"/x\xff", false, false, false}, {"/" + strings.Repeat("a", 4100), false, false, false},
	} {
		err := CheckPath("--p", c.p, c.exist, c.wantDir)
		if (err == nil) != c.ok {
			t.Errorf("CheckPath(%q, exist=%v, dir=%v) = %v, want ok=%v", c.p, c.exist, c.wantDir, err, c.ok)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\x1b") {
			t.Errorf("%q: the error carries the control characters: %q", c.p, err)
		}
	}
}
