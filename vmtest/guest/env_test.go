// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLookIn(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "plain"), nil, 0o644) // not executable
	os.Mkdir(filepath.Join(a, "tool"), 0o755)           // a directory
	os.WriteFile(filepath.Join(b, "tool"), nil, 0o755)
	os.WriteFile(filepath.Join(b, "plain"), nil, 0o755)
	path := a + ":" + b
	for name, want := range map[string]string{
		"tool": filepath.Join(b, "tool"), "plain": filepath.Join(b, "plain"),
		"missing": "missing", "/abs/x": "/abs/x", "./rel": "./rel",
	} {
		if got := lookIn(path, name); got != want {
			t.Errorf("lookIn(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestChildEnv(t *testing.T) {
	t.Setenv("PATH", "/elsewhere")
	t.Setenv("HOME", "/home/x")
	env := childEnv("A=1", "PATH=/override")
	var paths, homes []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			paths = append(paths, kv)
		}
		if strings.HasPrefix(kv, "HOME=") {
			homes = append(homes, kv)
		}
	}
	if !slices.Equal(paths, []string{"PATH=" + searchPath, "PATH=/override"}) || !slices.Equal(homes, []string{"HOME=/"}) {
		t.Errorf("PATH %v HOME %v", paths, homes)
	}
	if env[len(env)-2] != "A=1" {
		t.Errorf("extra entries must come last: %v", env)
	}
}

func TestCommand(t *testing.T) {
	cmd := command("sh", "-c", "true")
	if cmd.Args[0] != "sh" || !filepath.IsAbs(cmd.Path) || !slices.Contains(cmd.Env, "HOME=/") {
		t.Errorf("command: path %q args %q env %q", cmd.Path, cmd.Args, cmd.Env)
	}
}
