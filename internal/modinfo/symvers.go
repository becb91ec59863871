// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package modinfo

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// SymversEntry is one line of a Module.symvers file.
type SymversEntry struct {
	CRC    uint64
	Module string // vmlinux or the module path without .ko
	Export string // EXPORT_SYMBOL, EXPORT_SYMBOL_GPL, ...
}

// GPLOnly reports whether the symbol is exported to GPL modules only.
func (e SymversEntry) GPLOnly() bool { return strings.HasSuffix(e.Export, "_GPL") }

// ReadSymvers parses a Module.symvers file
// (crc <TAB> symbol <TAB> module <TAB> export type [<TAB> namespace]) into
// symbol -> entry. A missing file is an error that satisfies
// errors.Is(err, fs.ErrNotExist).
func ReadSymvers(path string) (map[string]SymversEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]SymversEntry{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 3 {
			continue
		}
		crc, err := strconv.ParseUint(strings.TrimPrefix(fields[0], "0x"), 16, 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: bad CRC %q", path, line, fields[0])
		}
		e := SymversEntry{CRC: crc, Module: fields[2]}
		if len(fields) > 3 {
			e.Export = fields[3]
		}
		out[fields[1]] = e
	}
	return out, sc.Err()
}
