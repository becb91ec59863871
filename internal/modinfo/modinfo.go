// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package modinfo reads kernel module files: the .modinfo section (the data
// `modinfo` prints: srcversion, vermagic, depends, parm, ...), the GNU
// build-id note, and the xz/zstd/gzip compression modules may be installed
// with. It also holds the module-name rule (NameFromFile) and the
// Module.symvers reader.
package modinfo

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
)

// Info maps each key to its values in section order.
type Info map[string][]string

// First returns the first value of key, or "".
func (i Info) First(key string) string {
	if v := i[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Read parses the .modinfo section of an uncompressed module.
func Read(r io.ReaderAt) (Info, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("not an ELF module: %w", err)
	}
	defer f.Close()
	return ReadELF(f)
}

// ReadFile parses the .modinfo section of the module file at path, which
// may be compressed (see Decompress) and may carry an appended signature.
// Errors name path.
func ReadFile(path string) (Info, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	info, err := ReadELF(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return info, nil
}

// ReadELF parses the .modinfo section of an opened module.
func ReadELF(f *elf.File) (Info, error) {
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("no .modinfo section: not a kernel module")
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("reading .modinfo: %w", err)
	}
	return Parse(data), nil
}

// Parse splits the contents of a .modinfo section: NUL-separated key=value
// strings. Entries without "=" or with an empty key are skipped.
func Parse(b []byte) Info {
	info := Info{}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if i := bytes.IndexByte(kv, '='); i > 0 {
			k := string(kv[:i])
			info[k] = append(info[k], string(kv[i+1:]))
		}
	}
	return info
}
