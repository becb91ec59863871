// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"fmt"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// LoadManifest reads a staged build's finish.json (finish.Load) as the VM
// test needs it: with a kernel and modules, each module named the way the
// kernel names it (from its file when the manifest has no name).
func LoadManifest(path string) (*finish.Manifest, error) {
	m, err := finish.Load(path)
	if err != nil {
		return nil, err
	}
	if m.KVer == "" || len(m.Modules) == 0 {
		return nil, fmt.Errorf("%s: no kver or no modules: not a finish manifest", path)
	}
	for i := range m.Modules {
		mod := &m.Modules[i]
		if mod.Name == "" {
			mod.Name = modinfo.NameFromFile(mod.Path)
		}
		mod.Name = modinfo.NormalizeName(mod.Name)
	}
	return m, nil
}
