// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bytes"
	"debug/elf"
	"fmt"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// ModInfo is what the harness needs from a module's ELF file.
type ModInfo struct {
	Name       string
	Depends    []string
	SrcVersion string
	BuildID    string
}

// parseModInfo reads .modinfo (key=value\0...) and the GNU build-id note.
func parseModInfo(data []byte) (*ModInfo, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not an ELF module: %w", err)
	}
	defer f.Close()
	info, err := modinfo.ReadELF(f)
	if err != nil {
		return nil, err
	}
	mi := &ModInfo{SrcVersion: info.First("srcversion"), BuildID: modinfo.BuildID(f)}
	if n := info.First("name"); n != "" {
		mi.Name = modinfo.NormalizeName(n)
	}
	for _, v := range info["depends"] {
		for _, d := range strings.Split(v, ",") {
			if d != "" {
				mi.Depends = append(mi.Depends, modinfo.NormalizeName(d))
			}
		}
	}
	return mi, nil
}
