// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package tree is the select stage: it reads the source tree definitions in
// kernel-src/<name>/tree.json and picks the one that serves a target kernel.
package tree

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	version "github.com/hashicorp/go-version"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// Tree is one source tree: an upstream series plus our patches and files.
type Tree struct {
	Name           string `json:"name"`
	Description    string `json:"description"`
	UpstreamSeries string `json:"upstream_series"` // linux-source-<series>
	// Upstream pins the code the tree was tested with; nil: not pinned.
	Upstream *Pin   `json:"upstream,omitempty"`
	Kernels  string `json:"kernels"` // go-version constraint on the target's upstream version
	Legacy   bool   `json:"legacy"`
	// Priority orders trees whose ranges overlap: higher wins.
	Priority int `json:"priority,omitempty"`

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

// PinVersion is the upstream version the tree is pinned to ("" unpinned).
func (t *Tree) PinVersion() string {
	if t.Upstream == nil {
		return ""
	}
	return t.Upstream.Version
}

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
	// Unknown fields are errors: a misspelt "upstream" would otherwise
	// leave the tree silently unpinned, and SetPin would drop it.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t.Dir = filepath.Dir(path)
	if t.Name != filepath.Base(t.Dir) {
		return nil, fmt.Errorf("%s: name %q does not match its directory", path, t.Name)
	}
	if t.Range, err = ParseRange(t.Kernels); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if t.Upstream != nil {
		if err := t.Upstream.check(t.UpstreamSeries); err != nil {
			return nil, fmt.Errorf("%s: upstream: %w", path, err)
		}
	}
	return &t, nil
}

// Pin is the upstream code a tree was tested with, so that one nfsbundle
// release means one NFS code base: the Linux version of the source tarball
// and the content hash of the subset imported from it
// (importer.SubsetSHA256), taken before our patches.
type Pin struct {
	Version      string `json:"version"`       // "6.1.192"
	SubsetSHA256 string `json:"subset_sha256"` // lowercase hex
}

var (
	// pinVersionRe is VERSION.PATCHLEVEL.SUBLEVEL as the importer reads it
	// from a release's Makefile (a kernel.org x.y tarball has SUBLEVEL 0).
	pinVersionRe = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
	sha256Re     = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// check validates the pin's grammar and that it is of the tree's series.
func (p *Pin) check(series string) error {
	if !pinVersionRe.MatchString(p.Version) {
		return fmt.Errorf("version %q is not a Linux release version like 6.1.192", p.Version)
	}
	if !strings.HasPrefix(p.Version, series+".") {
		return fmt.Errorf("version %s is not of the tree's upstream series %s", p.Version, series)
	}
	if !sha256Re.MatchString(p.SubsetSHA256) {
		return fmt.Errorf("subset_sha256 %q is not 64 lowercase hex digits", p.SubsetSHA256)
	}
	return nil
}

// SetPin validates p and records it in the tree's tree.json.
func (t *Tree) SetPin(p Pin) error {
	if err := p.check(t.UpstreamSeries); err != nil {
		return fmt.Errorf("tree %s: %w", t.Name, err)
	}
	t.Upstream = &p
	data, err := t.encode()
	if err != nil {
		return err
	}
	return fileutil.WriteAtomic(filepath.Join(t.Dir, "tree.json"), data, 0o644)
}

// encode is tree.json as the repository keeps it: two-space indent, the
// struct's field order, "<" and ">" of the kernel range unescaped.
func (t *Tree) encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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
