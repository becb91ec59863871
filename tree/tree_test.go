// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package tree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTree(t *testing.T, root, name, kernels string, legacy bool) {
	t.Helper()
	dir := filepath.Join(root, name)
	os.MkdirAll(dir, 0o755)
	l := "false"
	if legacy {
		l = "true"
	}
	os.WriteFile(filepath.Join(dir, "tree.json"), []byte(`{"name":"`+name+`","upstream_series":"x","kernels":"`+kernels+`","legacy":`+l+`}`), 0o644)
}

func TestSelect(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, "main", ">= 6.1, < 6.2", false)
	writeTree(t, root, "legacy", ">= 5.4, < 6.1", true)
	trees, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]string{"6.1.192": "main", "6.1.0": "main", "5.10.226": "legacy", "5.4.0": "legacy"} {
		s, err := Select(trees, v, "")
		if err != nil || s.Tree.Name != want {
			t.Errorf("%s: got %v %v, want %s", v, s.Tree, err, want)
		}
	}
	if _, err := Select(trees, "4.18.0", ""); err == nil || !strings.Contains(err.Error(), "not supported by any source tree") {
		t.Errorf("too old: %v", err)
	}
	s, err := Select(trees, "6.12.48", "main")
	if err != nil || !strings.Contains(s.Reason, "outside its range") {
		t.Errorf("forced: %v %v", s, err)
	}
	if _, err := Select(trees, "6.1.0", "nope"); err == nil {
		t.Error("unknown --tree must fail")
	}
}

func TestRepositoryTrees(t *testing.T) {
	trees, err := Load("../kernel-src")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Select(trees, "6.1.192", "")
	if err != nil || s.Tree.Name != "main" || s.Tree.UpstreamSeries != "6.1" {
		t.Fatalf("%v %v", s, err)
	}
	for _, tr := range trees {
		for _, p := range []string{tr.PathsFile(), tr.KbuildFile(), tr.PatchesDir()} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("tree %s: %v", tr.Name, err)
			}
		}
	}
}

func TestBadTreeFile(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, "main", "not a constraint", false)
	if _, err := Load(root); err == nil {
		t.Fatal("bad constraint must fail")
	}
}

func TestRangeBounds(t *testing.T) {
	for text, want := range map[string][2]string{
		">= 6.1, < 6.2":    {"6.1", "6.2"},
		">= 6.1, < 6.13":   {"6.1", "6.13"},
		">= 5.10.0, < 6.1": {"5.10", "6.1"},
		">= 6.1":           {"6.1", ""},
	} {
		r, err := ParseRange(text)
		if err != nil {
			t.Fatal(err)
		}
		min, max, err := r.Bounds()
		if err != nil || min != want[0] || max != want[1] {
			t.Errorf("%q: min %q max %q (%v), want %v", text, min, max, err, want)
		}
	}
	for _, text := range []string{">= 6.1.50, < 6.2", "> 6.1", "<= 6.12", ">= 6.1, >= 6.2", "~> 6.1", "= 6.1"} {
		r, err := ParseRange(text)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Bounds(); err == nil || !strings.Contains(err.Error(), "X.Y") {
			t.Errorf("%q: %v, want an error saying which bounds DKMS takes", text, err)
		}
	}
	// The repository's trees all translate: the DKMS package is derived
	// from them.
	trees, err := Load("../kernel-src")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trees {
		if _, _, err := tr.Range.Bounds(); err != nil {
			t.Errorf("tree %s: %v", tr.Name, err)
		}
	}
}
