// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package stack

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// objM returns the directories on the obj-m lines of a Kbuild file.
func objM(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "obj-m" || (f[1] != "+=" && f[1] != ":=") {
			continue
		}
		for _, d := range f[2:] {
			dirs = append(dirs, strings.TrimSuffix(d, "/"))
		}
	}
	return dirs
}

// under reports whether dir is top or below it.
func under(dir, top string) bool { return dir == top || strings.HasPrefix(dir, top+"/") }

// TestModulesMatchKbuild ties Modules to the trees: every module is built
// under an obj-m entry of each tree's Kbuild, and every entry builds one.
func TestModulesMatchKbuild(t *testing.T) {
	files, err := filepath.Glob("../../kernel-src/*/Kbuild")
	if err != nil || len(files) == 0 {
		t.Fatalf("no kernel-src/*/Kbuild (%v)", err)
	}
	for _, f := range files {
		dirs := objM(t, f)
		if len(dirs) == 0 {
			t.Errorf("%s: no obj-m line", f)
		}
		for _, m := range Modules {
			if !slices.ContainsFunc(dirs, func(d string) bool { return under(m.Dir, d) }) {
				t.Errorf("%s: module %s (%s) is under no obj-m entry %v", f, m.Name, m.Dir, dirs)
			}
		}
		for _, d := range dirs {
			if !slices.ContainsFunc(Modules, func(m Module) bool { return under(m.Dir, d) }) {
				t.Errorf("%s: obj-m entry %s builds none of Modules", f, d)
			}
		}
	}
}

func TestListsAreConsistent(t *testing.T) {
	names, options := map[string]bool{}, map[string]bool{}
	for _, m := range Modules {
		if names[m.Name] || options[m.Option] {
			t.Errorf("%s or %s listed twice", m.Name, m.Option)
		}
		names[m.Name], options[m.Option] = true, true
	}
	for _, n := range Core {
		if !names[n] {
			t.Errorf("core module %s is not in Modules", n)
		}
	}
	for _, n := range Extra {
		if names[n] {
			t.Errorf("extra module %s is built by nfsbundle", n)
		}
	}
	for _, o := range VmlinuxOnly {
		if options[o] {
			t.Errorf("%s is both built and vmlinux-only", o)
		}
	}
}

func TestBuildWithoutRDMA(t *testing.T) {
	all, noRDMA := Names(false), Names(true)
	if len(all) != 15 || len(noRDMA) != 14 || slices.Contains(noRDMA, "rpcrdma") || !slices.Contains(all, "rpcrdma") {
		t.Errorf("all %v, without RDMA %v", all, noRDMA)
	}
	if !Contains("nfsd") || !Contains("svcrdma") || Contains("ext4") {
		t.Error("Contains")
	}
}
