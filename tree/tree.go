// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package tree is the select stage: it reads the source tree definitions in
// kernel-src/<name>/tree.json and picks the one that serves a target kernel.
package tree

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	version "github.com/hashicorp/go-version"
)

// Tree is one source tree: an upstream series plus our patches and files.
type Tree struct {
	Name           string `json:"name"`
	Description    string `json:"description"`
	UpstreamSeries string `json:"upstream_series"` // linux-source-<series>
	Kernels        string `json:"kernels"`         // go-version constraint on the target's upstream version
	Legacy         bool   `json:"legacy"`
	// Priority orders trees whose ranges overlap: higher wins.
	Priority int `json:"priority"`

	Dir   string `json:"-"` // kernel-src/<name>
	Range Range  `json:"-"` // Kernels, parsed
}

// PathsFile lists upstream paths to import.
func (t *Tree) PathsFile() string { return filepath.Join(t.Dir, "paths.txt") }

// PatchesDir holds the patch series applied in name order.
func (t *Tree) PatchesDir() string { return filepath.Join(t.Dir, "patches") }

// FilesDirs hold our own files laid over the upstream tree: those every
// tree shares (kernel-src/common/files), then the tree's own (files/), when
// present.
func (t *Tree) FilesDirs() []string {
	var dirs []string
	for _, d := range []string{filepath.Join(filepath.Dir(t.Dir), "common", "files"), filepath.Join(t.Dir, "files")} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// CompatIncludeDir holds the compat wrapper headers every tree shares
// (compat/include at the repository's top, beside the probes whose
// results they read).
func (t *Tree) CompatIncludeDir() string {
	return filepath.Join(filepath.Dir(filepath.Dir(t.Dir)), "compat", "include")
}

// KbuildFile is the top-level Kbuild of the tree.
func (t *Tree) KbuildFile() string { return filepath.Join(t.Dir, "Kbuild") }

// Supports says whether the tree builds for a kernel of upstream version v.
func (t *Tree) Supports(v *version.Version) bool { return t.Range.Contains(v) }

// Load reads every kernel-src/*/tree.json.
func Load(kernelSrc string) ([]*Tree, error) {
	files, err := filepath.Glob(filepath.Join(kernelSrc, "*", "tree.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no source trees in %s (expected <name>/tree.json)", kernelSrc)
	}
	var trees []*Tree
	for _, f := range files {
		t, err := loadOne(f)
		if err != nil {
			return nil, err
		}
		trees = append(trees, t)
	}
	sort.Slice(trees, func(i, j int) bool {
		return trees[i].Priority > trees[j].Priority || (trees[i].Priority == trees[j].Priority && trees[i].Name < trees[j].Name)
	})
	return trees, nil
}

func loadOne(path string) (*Tree, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Tree
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t.Dir = filepath.Dir(path)
	if t.Name != filepath.Base(t.Dir) {
		return nil, fmt.Errorf("%s: name %q does not match its directory", path, t.Name)
	}
	if t.Range, err = ParseRange(t.Kernels); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &t, nil
}

// Selection is the chosen tree and why.
type Selection struct {
	Tree   *Tree
	Reason string
}

// Select picks the tree for a target kernel version. force names a tree
// (--tree) and skips the range check, with the reason saying so.
func Select(trees []*Tree, kernelVersion string, force string) (Selection, error) {
	v, err := version.NewVersion(kernelVersion)
	if err != nil {
		return Selection{}, fmt.Errorf("target kernel version %q: %w", kernelVersion, err)
	}
	if force != "" {
		for _, t := range trees {
			if t.Name == force {
				why := fmt.Sprintf("--tree %s", force)
				if !t.Supports(v) {
					why += fmt.Sprintf(" (outside its range %s: expect compile errors)", t.Kernels)
				}
				return Selection{Tree: t, Reason: why}, nil
			}
		}
		return Selection{}, fmt.Errorf("--tree %s: no such tree (have %s)", force, names(trees))
	}
	for _, t := range trees {
		if t.Supports(v) {
			return Selection{Tree: t, Reason: fmt.Sprintf("kernel %s is in its range %s", v, t.Kernels)}, nil
		}
	}
	var ranges []string
	for _, t := range trees {
		ranges = append(ranges, t.Name+": "+t.Kernels)
	}
	return Selection{}, fmt.Errorf("kernel %s is not supported by any source tree (%s); build for a supported kernel or force one with --tree", v, strings.Join(ranges, "; "))
}

func names(trees []*Tree) string {
	var n []string
	for _, t := range trees {
		n = append(n, t.Name)
	}
	return strings.Join(n, ", ")
}
