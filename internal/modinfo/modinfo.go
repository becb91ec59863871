// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package modinfo reads the .modinfo section of a kernel module, the data
// `modinfo` prints (srcversion, vermagic, depends, parm, ...).
package modinfo

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"strings"
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
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("no .modinfo section: not a kernel module")
	}
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	info := Info{}
	for _, kv := range bytes.Split(data, []byte{0}) {
		k, v, ok := strings.Cut(string(kv), "=")
		if ok {
			info[k] = append(info[k], v)
		}
	}
	return info, nil
}
