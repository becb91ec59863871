// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package kabi reads the kernel ABI a set of modules depends on: the
// modversions CRCs modpost records in each module's __versions section, the
// symbols the modules export, and the check against the target kernel's
// Module.symvers. The RPM packager turns the result into kernel(<sym>) =
// <crc> requirements.
package kabi

import (
	"bytes"
	"debug/elf"
	"fmt"
	"sort"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// Symbol is one versioned kernel symbol: a name and its modversions CRC.
type Symbol struct {
	Name string
	CRC  uint64
}

// Modversions returns the symbols a module imports, as recorded by modpost in
// its __versions section: an array of struct modversion_info { unsigned long
// crc; char name[64 - sizeof(unsigned long)]; }. A module built without
// CONFIG_MODVERSIONS has no such section: the result is empty, not an error.
func Modversions(path string) ([]Symbol, error) {
	f, err := modinfo.Open(path)
	if err != nil {
		return nil, err
	}
	sec := f.Section("__versions")
	if sec == nil {
		return nil, nil
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("%s: reading __versions: %w", path, err)
	}
	crcSize := 8
	if f.Class == elf.ELFCLASS32 {
		crcSize = 4
	}
	const entSize = 64
	if len(data)%entSize != 0 {
		return nil, fmt.Errorf("%s: __versions is %d bytes, not a multiple of %d: not a kernel module of this layout", path, len(data), entSize)
	}
	var out []Symbol
	for off := 0; off < len(data); off += entSize {
		ent := data[off : off+entSize]
		var crc uint64
		if crcSize == 8 {
			crc = f.ByteOrder.Uint64(ent[:8])
		} else {
			crc = uint64(f.ByteOrder.Uint32(ent[:4]))
		}
		name := ent[crcSize:]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if len(name) == 0 {
			continue
		}
		// The kernel keeps the CRC as a 32-bit value (s32 in some
		// versions, sign-extended into unsigned long): keep the low half.
		out = append(out, Symbol{Name: string(name), CRC: crc & 0xffffffff})
	}
	return out, nil
}

// Exports returns the symbols a module exports (EXPORT_SYMBOL*). It prefers
// the __ksymtab_<name> symbols of the symbol table, and falls back to the
// __ksymtab_strings section when the table was stripped.
func Exports(path string) ([]string, error) {
	f, err := modinfo.Open(path)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	if syms, err := f.Symbols(); err == nil {
		for _, s := range syms {
			if n, ok := strings.CutPrefix(s.Name, "__ksymtab_"); ok && n != "strings" && n != "gpl" {
				seen[n] = true
			}
		}
	}
	if len(seen) == 0 {
		if sec := f.Section("__ksymtab_strings"); sec != nil {
			data, err := sec.Data()
			if err != nil {
				return nil, fmt.Errorf("%s: reading __ksymtab_strings: %w", path, err)
			}
			for _, s := range bytes.Split(data, []byte{0}) {
				if len(s) > 0 {
					seen[string(s)] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// Result is the kABI analysis of a set of modules.
type Result struct {
	// Requires are the kernel symbols the bundle imports and does not
	// export itself, sorted by name: one "kernel(<sym>) = <crc>" each.
	Requires []Symbol
	// Foreign are imported symbols the target kernel's Module.symvers does
	// not list (for example from an out-of-tree RDMA stack): no kernel
	// package can provide them, so they are left out of Requires.
	Foreign []Symbol
	// Mismatch lists symbols whose CRC differs from the target kernel's
	// Module.symvers: the modules were built against other headers.
	Mismatch []string
}

// Analyze reads the modversions of every module, drops the symbols the
// modules export to each other, and (when kernelSymvers is not nil) checks
// the rest against the target kernel's Module.symvers.
func Analyze(modules []string, kernelSymvers map[string]modinfo.SymversEntry) (*Result, error) {
	exported := map[string]bool{}
	imports := map[string]uint64{}
	for _, m := range modules {
		ex, err := Exports(m)
		if err != nil {
			return nil, err
		}
		for _, s := range ex {
			exported[s] = true
		}
		vs, err := Modversions(m)
		if err != nil {
			return nil, err
		}
		for _, s := range vs {
			if old, ok := imports[s.Name]; ok && old != s.CRC {
				return nil, fmt.Errorf("modules disagree on the CRC of %s (0x%08x and 0x%08x): they were not built in one kbuild run against one kernel; rebuild them together", s.Name, old, s.CRC)
			}
			imports[s.Name] = s.CRC
		}
	}
	k := &Result{}
	names := make([]string, 0, len(imports))
	for n := range imports {
		if !exported[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		s := Symbol{Name: n, CRC: imports[n]}
		if kernelSymvers != nil {
			e, ok := kernelSymvers[n]
			if !ok {
				k.Foreign = append(k.Foreign, s)
				continue
			}
			if e.CRC&0xffffffff != s.CRC {
				k.Mismatch = append(k.Mismatch, fmt.Sprintf("%s: module 0x%08x, kernel 0x%08x", n, s.CRC, e.CRC))
			}
		}
		k.Requires = append(k.Requires, s)
	}
	return k, nil
}

// CRCString formats a CRC the way RHEL kernel packages write kernel(...)
// provides: 0x%08x.
func (s Symbol) CRCString() string { return fmt.Sprintf("0x%08x", s.CRC) }
