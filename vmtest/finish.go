// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Finish is the part of build/<kver>/finish.json (the finish stage's
// manifest of staged modules) that the VM test reads.
type Finish struct {
	KVer      string         `json:"kver"`
	Version   string         `json:"version"`
	Tree      string         `json:"tree"`
	StageRoot string         `json:"stage_root"`
	ModDir    string         `json:"mod_dir"`
	Modules   []FinishModule `json:"modules"`
}

// FinishModule is one staged module.
type FinishModule struct {
	Name       string `json:"name"`
	RelPath    string `json:"rel_path"`
	Path       string `json:"path"`
	DebugPath  string `json:"debug_path"`
	SrcVersion string `json:"srcversion"`
	Signed     bool   `json:"signed"`
}

// LoadFinish reads a finish.json and resolves relative paths against its
// directory.
func LoadFinish(path string) (*Finish, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the staged build manifest: %w (run ./build.sh bin first)", err)
	}
	var f Finish
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	if f.KVer == "" || len(f.Modules) == 0 {
		return nil, fmt.Errorf("%s: no kver or no modules: not a finish manifest", path)
	}
	base, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	f.StageRoot = abs(f.StageRoot)
	for i := range f.Modules {
		m := &f.Modules[i]
		if m.Path == "" && f.StageRoot != "" {
			m.Path = filepath.Join(f.StageRoot, f.ModDir, m.RelPath)
		} else {
			m.Path = abs(m.Path)
		}
		m.DebugPath = abs(m.DebugPath)
		if m.Name == "" {
			m.Name = moduleName(m.Path)
		}
		m.Name = normName(m.Name)
	}
	return &f, nil
}
