// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture returns the Root of testdata/<name> with the shared module tree.
func fixture(name string) Root {
	d := filepath.Join("testdata", name)
	return Root{
		SysRoot:     filepath.Join(d, "sys"),
		ProcRoot:    filepath.Join(d, "proc"),
		RunRoot:     filepath.Join(d, "run"),
		BootRoot:    filepath.Join(d, "boot"),
		ModulesRoot: filepath.Join("testdata", "lib", "modules"),
	}
}

// copyTree copies a fixture tree so a test can modify it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeExec records commands and fails the ones listed in fail.
type fakeExec struct {
	calls []string
	fail  map[string]error
	out   map[string]string
	path  map[string]bool
}

func (f *fakeExec) Output(ctx context.Context, name string, args ...string) ([]byte, error) {
	c := strings.Join(append([]string{name}, args...), " ")
	f.calls = append(f.calls, c)
	if err := f.fail[c]; err != nil {
		return nil, err
	}
	return []byte(f.out[c]), nil
}

func (f *fakeExec) LookPath(name string) (string, error) {
	if f.path[name] {
		return "/usr/bin/" + name, nil
	}
	return "", os.ErrNotExist
}
