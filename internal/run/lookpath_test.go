// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package run

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLookPath(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	tool := filepath.Join(t.TempDir(), "tool")
	os.WriteFile(tool, []byte("#!/bin/sh\n"), 0o755)
	if p, ok := LookPath("tool", "", "/nonexistent/tool", tool); !ok || p != tool {
		t.Fatalf("fallback not used: %q %v", p, ok)
	}
	if _, ok := LookPath("tool", "/nonexistent/tool"); ok {
		t.Fatal("found a tool that is nowhere")
	}
	t.Setenv("PATH", filepath.Dir(tool))
	if p, ok := LookPath("tool", "/nonexistent/tool"); !ok || p != tool {
		t.Fatalf("PATH not searched first: %q %v", p, ok)
	}
}
