// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// InstalledModules maps module name to the absolute path of the file
// modprobe would load for the running kernel, from modules.dep (depmod
// already resolved the updates/ over kernel/ priority). Without modules.dep
// it searches the module directory, preferring updates/, then extra/.
func InstalledModules(r Root) (map[string]string, error) {
	dir, err := r.ModuleDir()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	f, err := os.Open(filepath.Join(dir, "modules.dep"))
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			i := strings.IndexByte(line, ':')
			if i <= 0 {
				continue
			}
			p := line[:i]
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			name := modinfo.NameFromFile(p)
			if _, dup := out[name]; !dup {
				out[name] = p
			}
		}
		return out, sc.Err()
	}
	if !os.IsNotExist(err) {
		return nil, err
	}
	rank := func(p string) int {
		rel, _ := filepath.Rel(dir, p)
		switch {
		case strings.HasPrefix(rel, "updates/"):
			return 0
		case strings.HasPrefix(rel, "extra/"):
			return 1
		}
		return 2
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() || !strings.Contains(d.Name(), ".ko") {
			return nil
		}
		name := modinfo.NameFromFile(p)
		if old, ok := out[name]; !ok || rank(p) < rank(old) {
			out[name] = p
		}
		return nil
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("no modules found under %s (no modules.dep): is the kernel's module tree installed?", dir)
	}
	return out, err
}
