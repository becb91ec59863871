// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/compat/features"
)

var reHave = regexp.MustCompile(`\bHAVE_[A-Z0-9_]+\b`)

// readers collects the HAVE_* macros the C side reads: the wrappers in
// compat/include, our C files and the trees' patches (added lines only).
func readers(t *testing.T) map[string][]string {
	t.Helper()
	read := map[string][]string{}
	add := func(path, text string) {
		for _, m := range reHave.FindAllString(text, -1) {
			read[m] = append(read[m], path)
		}
	}
	for _, root := range []string{"include", "../kernel-src"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			ext := filepath.Ext(p)
			if ext != ".h" && ext != ".c" && ext != ".patch" {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			text := string(b)
			if ext == ".patch" {
				var added []string
				for _, l := range strings.Split(text, "\n") {
					if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
						added = append(added, l)
					}
				}
				text = strings.Join(added, "\n")
			}
			add(p, text)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A feature compiled out without its probe reads it too: the compat
	// stage renders the #undef from it.
	for _, f := range features.All {
		add("compat/features ("+f.Name+")", f.Probe)
	}
	return read
}

// TestEveryProbeHasAReader: a probe nothing reads costs a compile per
// target for nothing, and a macro no probe defines is always undefined,
// silently taking the wrong branch.
func TestEveryProbeHasAReader(t *testing.T) {
	probes, err := LoadProbes("probes")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	for _, p := range probes {
		defined[p.Define] = true
	}
	read := readers(t)
	var unread, undefined []string
	for d := range defined {
		if len(read[d]) == 0 {
			unread = append(unread, d)
		}
	}
	for m, where := range read {
		if !defined[m] {
			undefined = append(undefined, m+" (in "+where[0]+")")
		}
	}
	sort.Strings(unread)
	sort.Strings(undefined)
	if len(unread) > 0 {
		t.Errorf("probes no C file reads (give each a reader, or move it to pending/ until one exists): %s", strings.Join(unread, ", "))
	}
	if len(undefined) > 0 {
		t.Errorf("HAVE_* read but defined by no probe: %s", strings.Join(undefined, ", "))
	}
}
