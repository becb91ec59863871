// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package finish

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// Manifest is build/<kver>/finish.json: the staged modules and what they
// were built from. It is the one type of that file; Run writes it and Load
// reads it for the package stage, DKMS and the VM test.
type Manifest struct {
	KVer string `json:"kver"`
	// Version is the product version (the VERSION file); the modules carry
	// ModuleVersion.
	Version string `json:"version"`
	Tree    string `json:"tree"`
	// Series is the upstream series the tree is based on (6.1): the
	// kernels DKMS may build it for.
	Series    string   `json:"series,omitempty"`
	Legacy    bool     `json:"legacy"`
	StageRoot string   `json:"stage_root"`
	DebugRoot string   `json:"debug_root"`
	ModDir    string   `json:"mod_dir"` // lib/modules/<kver>/updates/nfsbundle
	Compress  string   `json:"compress,omitempty"`
	MakeVars  []string `json:"make_vars"` // kbuild CONFIG_* assignments
	Src       string   `json:"src"`       // the imported tree (build/<kver>/src)
	// CompiledOut names the features of the tree compiled out for this
	// kernel (compat/features), which sunrpc's nfs_bundle_compiled_out
	// reports too.
	CompiledOut []string `json:"compiled_out,omitempty"`
	Modules     []Module `json:"modules"`
}

// Module is one staged module.
type Module struct {
	Name       string `json:"name"`
	RelPath    string `json:"rel_path"`   // below ModDir, e.g. net/sunrpc/sunrpc.ko(.xz)
	Path       string `json:"path"`       // staged (stripped, signed, compressed) file
	DebugPath  string `json:"debug_path"` // unstripped, unsigned copy
	SrcVersion string `json:"srcversion"`
	Signed     bool   `json:"signed"`
}

// legacySuffix marks the legacy tree's modules (see ModuleVersion).
const legacySuffix = "-legacy"

// ModuleVersion is the version string compiled into the modules
// (NFS_BUNDLE_VERSION, MODULE_VERSION): the product version, with
// "-legacy" for the legacy tree so a loaded module tells which tree it is.
func ModuleVersion(version string, legacy bool) string {
	if legacy {
		return version + legacySuffix
	}
	return version
}

// ModuleVersion is the version string the staged modules carry.
func (m *Manifest) ModuleVersion() string { return ModuleVersion(m.Version, m.Legacy) }

// ManifestPath is where Run writes the manifest.
func ManifestPath(buildDir string) string { return filepath.Join(buildDir, "finish.json") }

// Load reads a finish.json. Relative paths in it are taken relative to the
// manifest's directory, and a module without a path is found below
// StageRoot, so readers get absolute paths only.
func Load(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the staged build manifest: %w (run ./build.sh bin first)", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parsing the staged build manifest %s: %w", path, err)
	}
	// Manifests written before Legacy and Version were separate fields
	// carried the module version ("1.0.0-legacy") as Version.
	if v, ok := strings.CutSuffix(m.Version, legacySuffix); ok {
		m.Version, m.Legacy = v, true
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
	m.StageRoot, m.DebugRoot, m.Src = abs(m.StageRoot), abs(m.DebugRoot), abs(m.Src)
	for i := range m.Modules {
		mod := &m.Modules[i]
		mod.Path, mod.DebugPath = abs(mod.Path), abs(mod.DebugPath)
		if mod.Path == "" {
			mod.Path = m.ModulePath(*mod)
		}
	}
	return &m, nil
}

// ModulePath is where the staged file of mod is: its Path, else its place
// below StageRoot ("" without either).
func (m *Manifest) ModulePath(mod Module) string {
	if mod.Path != "" || m.StageRoot == "" {
		return mod.Path
	}
	return filepath.Join(m.StageRoot, filepath.FromSlash(m.ModDir), filepath.FromSlash(mod.RelPath))
}

// Write records m as the manifest of buildDir.
func (m *Manifest) Write(buildDir string) error {
	data, _ := json.MarshalIndent(m, "", "  ")
	return fileutil.WriteAtomic(ManifestPath(buildDir), data, 0o644)
}
