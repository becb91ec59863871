// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// modFile is one module chosen for the guest, in load order.
type modFile struct {
	Name string
	Path string // host file (maybe compressed)
	Ours bool   // from our stage (else the kernel's own)
	Data []byte // plain ELF
	Info *ModInfo
}

// indexModules maps module names to files under dir (a lib/modules/KVER tree).
func indexModules(dir string) (map[string]string, error) {
	idx := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isModuleFile(p) {
			return nil
		}
		n := modinfo.NameFromFile(p)
		if _, dup := idx[n]; !dup {
			idx[n] = p
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("indexing modules under %s: %w", dir, err)
	}
	return idx, nil
}

func isModuleFile(p string) bool {
	for _, ext := range []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// resolveOrder returns roots and their dependencies (from each file's
// .modinfo depends=) in load order: dependencies first. A module comes from
// ours when we built it, else from stock (the kernel's own tree).
func resolveOrder(ctx context.Context, roots []string, ours, stock map[string]string) ([]*modFile, error) {
	var order []*modFile
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name, from string) error
	visit = func(name, from string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("module dependency cycle at %s", name)
		case 2:
			return nil
		}
		state[name] = 1
		m := &modFile{Name: name}
		if p, ok := ours[name]; ok {
			m.Path, m.Ours = p, true
		} else if p, ok := stock[name]; ok {
			m.Path = p
		} else {
			what := "requested"
			if from != "" {
				what = "needed by " + from
			}
			return fmt.Errorf("module %s (%s) is neither in our stage nor in the kernel's module tree", name, what)
		}
		data, err := modinfo.ReadModule(m.Path)
		if err != nil {
			return fmt.Errorf("reading module %s: %w", m.Path, err)
		}
		if m.Info, err = parseModInfo(data); err != nil {
			return fmt.Errorf("module %s: %w", m.Path, err)
		}
		m.Data = data
		for _, d := range m.Info.Depends {
			if err := visit(d, name); err != nil {
				return err
			}
		}
		state[name] = 2
		order = append(order, m)
		return nil
	}
	for _, r := range roots {
		if err := visit(modinfo.NormalizeName(r), ""); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// builtinModules names the modules the kernel has built in, from the
// modules.builtin list of its module tree (none when it has no list).
func builtinModules(modDir string) (map[string]bool, error) {
	data, err := os.ReadFile(filepath.Join(modDir, "modules.builtin"))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, line := range strings.Fields(string(data)) {
		names[modinfo.NameFromFile(line)] = true
	}
	return names, nil
}
